"""The citizen's whole path through the portal with the test client, errors included: no JavaScript needed."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.enums import OnlineLevel
from motcua.docstore.models import StoredDocument
from motcua.dossiers.enums import Action, ReturnMode, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.online import (
    online_documents_add,
    online_draft_create,
    online_draft_update,
    online_submit,
)
from motcua.dossiers.services import ApplicantData, DocumentData, dossier_transition
from tests.online.conftest import ANSWERS, PNG, png

pytestmark = pytest.mark.django_db

CODE = "1.004873"


@pytest.fixture
def citizen(client, w):
    client.force_login(w.citizen)
    return client


def html(response) -> str:
    return response.content.decode()


def error_summary(response) -> list[tuple[str, str]]:
    block = re.search(r'<div class="error-summary".*?</ul>', html(response), re.S)
    assert block, "no error summary on the page"
    return re.findall(r'<li><a href="([^"]*)">(.*?)</a></li>', block.group(0))


def submitted_dossier(w):
    dossier = online_draft_create(actor=w.citizen, version=w.version)
    online_draft_update(
        dossier=dossier,
        actor=w.citizen,
        applicant=ApplicantData(name="Trần Thị Mai", phone="0987654321", id_number="096199001234"),
        form_data=ANSWERS,
    )
    online_documents_add(
        dossier=dossier,
        actor=w.citizen,
        documents=[DocumentData(name="", requirement_id=w.components[0].pk, upload=png())],
    )
    return online_submit(dossier=dossier, actor=w.citizen)


def test_the_procedure_page_offers_online_submission_only_when_the_service_exists(client, w):
    page = html(client.get(f"/thu-tuc/{CODE}/"))
    assert f'href="/nop-truc-tuyen/{CODE}/"' in page
    w.version.online_level = OnlineLevel.NONE
    w.version.save()
    assert "/nop-truc-tuyen/" not in html(client.get(f"/thu-tuc/{CODE}/"))


def test_anonymous_people_sign_in_first_and_come_back(client, w):
    response = client.get(f"/nop-truc-tuyen/{CODE}/")
    assert response.status_code == 302
    assert response["Location"] == f"/dang-nhap/?next=/nop-truc-tuyen/{CODE}/"


def test_a_procedure_without_online_service_explains_where_to_go(citizen, w):
    w.version.online_level = OnlineLevel.NONE
    w.version.save()
    response = citizen.get(f"/nop-truc-tuyen/{CODE}/")
    assert "Thủ tục này chưa nộp trực tuyến được" in html(response)
    assert citizen.post(f"/nop-truc-tuyen/{CODE}/", {"receiving_unit": w.centre.pk}).status_code == 200
    assert not Dossier.objects.exists()
    assert citizen.get("/nop-truc-tuyen/9.999999/").status_code == 404


def test_the_whole_wizard_with_its_errors(citizen, w):
    # Start: two centres take this procedure; the provincial centre is preselected.
    start = citizen.get(f"/nop-truc-tuyen/{CODE}/")
    assert start.status_code == 200
    assert f'value="{w.centre.pk}" id="id_receiving_unit_0" checked' in html(start)
    response = citizen.post(f"/nop-truc-tuyen/{CODE}/", {"receiving_unit": "999999"})
    assert response.status_code == 422
    assert error_summary(response) == [("#id_receiving_unit_0", "Chọn một nơi trong danh sách.")]
    response = citizen.post(f"/nop-truc-tuyen/{CODE}/", {"receiving_unit": w.centre.pk})
    dossier = Dossier.objects.get()
    base = f"/ho-so-cua-toi/{dossier.reference}"
    assert response["Location"] == f"{base}/nguoi-nop/"
    assert (dossier.status, dossier.owner, dossier.receiving_unit) == (Status.DRAFT, w.citizen, w.centre)

    # Applicant: prefilled from the account; errors link to their fields.
    page = citizen.get(f"{base}/nguoi-nop/")
    assert 'value="Trần Thị Mai"' in html(page)
    assert f'href="{base}/noi-nop/"' in html(page)  # back to the previous step
    response = citizen.post(
        f"{base}/nguoi-nop/", {"kind": "person", "name": "", "phone": "12", "id_number": ""}
    )
    assert response.status_code == 422
    assert error_summary(response) == [
        ("#id_name", "Nhập họ và tên người nộp hồ sơ."),
        ("#id_id_number", "Nhập số định danh cá nhân hoặc mã số doanh nghiệp."),
    ]
    assert 'aria-invalid="true"' in html(response)
    response = citizen.post(
        f"{base}/nguoi-nop/",
        {"kind": "person", "name": "Trần Thị Mai", "phone": "12", "id_number": "096199001234"},
    )
    assert response.status_code == 422
    assert error_summary(response) == [("#id_phone", "Số điện thoại không hợp lệ (9–12 chữ số).")]
    response = citizen.post(
        f"{base}/nguoi-nop/",
        {"kind": "person", "name": "Trần Thị Mai", "phone": "0987 654 321", "id_number": "0961 9900 1234"},
    )
    assert response["Location"] == f"{base}/to-khai/1/"
    dossier.refresh_from_db()
    assert (dossier.applicant_phone, dossier.applicant_id_number) == ("0987 654 321", "096199001234")

    # E-form, one group per page.
    response = citizen.post(f"{base}/to-khai/1/", {"tinh_trang": "", "vo_chong_cu": ""})
    assert response.status_code == 422
    assert error_summary(response) == [("#id_tinh_trang", "Chọn tình trạng hôn nhân hiện tại.")]
    response = citizen.post(f"{base}/to-khai/1/", {"tinh_trang": "Đã ly hôn", "vo_chong_cu": "Lê Văn Bình"})
    assert response["Location"] == f"{base}/to-khai/2/"
    response = citizen.post(
        f"{base}/to-khai/2/", {"muc_dich": "Kết hôn", "ngay_can": "31/02/2026", "so_ban": "x"}
    )
    assert response.status_code == 422
    assert [anchor for anchor, _message in error_summary(response)] == ["#id_ngay_can", "#id_so_ban"]
    assert 'value="31/02/2026"' in html(response)  # what was typed comes back
    response = citizen.post(
        f"{base}/to-khai/2/", {"muc_dich": "Kết hôn", "ngay_can": "2026-03-20", "so_ban": "2"}
    )
    assert response["Location"] == f"{base}/to-khai/3/"
    response = citizen.post(f"{base}/to-khai/3/", {})
    assert error_summary(response) == [
        ("#id_cam_doan", "Đánh dấu vào ô “Tôi cam đoan nội dung khai là đúng sự thật” để tiếp tục.")
    ]
    response = citizen.post(f"{base}/to-khai/3/", {"cam_doan": "on"})
    required, optional = w.components
    assert response["Location"] == f"{base}/giay-to/{required.pk}/"
    assert citizen.get(f"{base}/to-khai/4/").status_code == 404

    # Components: the type is judged by content, not by the name.
    fake = SimpleUploadedFile("to-khai.pdf", b"this is not a pdf", "application/pdf")
    response = citizen.post(f"{base}/giay-to/{required.pk}/", {"choice": "upload", "file": fake})
    assert response.status_code == 422
    assert "không phải là PDF, JPEG hoặc PNG" in error_summary(response)[0][1]
    response = citizen.post(f"{base}/giay-to/{required.pk}/", {"choice": "upload"})
    assert error_summary(response) == [("#id_file", "Chọn tệp bản quét của giấy tờ này.")]
    response = citizen.post(
        f"{base}/giay-to/{required.pk}/", {"choice": "upload", "file": png("to-khai.png")}
    )
    assert response["Location"] == f"{base}/giay-to/{optional.pk}/"
    page = html(citizen.get(f"{base}/giay-to/{optional.pk}/"))
    assert "Không nộp giấy tờ này" in page
    response = citizen.post(f"{base}/giay-to/{optional.pk}/", {"choice": "skip"})
    assert response["Location"] == f"{base}/nhan-ket-qua/"

    # Return mode.
    response = citizen.post(f"{base}/nhan-ket-qua/", {"return_mode": "postal", "return_address": ""})
    assert error_summary(response) == [("#id_return_address", "Nhập địa chỉ nhận kết quả qua bưu điện.")]
    response = citizen.post(
        f"{base}/nhan-ket-qua/", {"return_mode": "postal", "return_address": "Số 5 Phan Ngọc Hiển"}
    )
    assert response["Location"] == f"{base}/kiem-tra/"

    # Check answers, with a change link that comes back here.
    page = html(citizen.get(f"{base}/kiem-tra/"))
    for expected in ("Trần Thị Mai", "Đã ly hôn", "20/03/2026", "Số 5 Phan Ngọc Hiển", "Không nộp"):
        assert expected in page
    # The fee of the procedure is known before sending, and where to pay it.
    assert "10.000 đồng. Bạn thanh toán trực tuyến trong mục “Hồ sơ của tôi” sau khi gửi" in page
    assert f'href="{base}/nguoi-nop/?tu=kiem-tra"' in page
    response = citizen.post(
        f"{base}/nguoi-nop/?tu=kiem-tra",
        {
            "kind": "person",
            "name": "Trần Thị Mai",
            "phone": "0987654321",
            "id_number": "096199001234",
            "email": "mai@example.vn",
        },
    )
    assert response["Location"] == f"{base}/kiem-tra/"

    # Submit and confirmation.
    response = citizen.post(f"{base}/kiem-tra/")
    assert response["Location"] == f"{base}/da-gui/"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.form_data == {
        "tinh_trang": "Đã ly hôn",
        "vo_chong_cu": "Lê Văn Bình",
        "muc_dich": "Kết hôn",
        "ngay_can": "2026-03-20",
        "so_ban": 2,
        "cam_doan": True,
    }
    done = html(citizen.get(f"{base}/da-gui/"))
    assert dossier.reference in done
    assert "09:00 ngày 03/03/2026" in done  # the 8-working-hour reply
    assert StoredDocument.objects.filter(owner=w.citizen, component_name=required.name).count() == 1

    # Sent: the wizard no longer edits it.
    response = citizen.get(f"{base}/nguoi-nop/")
    assert response["Location"] == f"{base}/"

    # My dossiers and the dossier page.
    mine = html(citizen.get("/ho-so-cua-toi/"))
    assert "Đang giải quyết" in mine and dossier.reference in mine
    detail = html(citizen.get(f"{base}/"))
    assert "Đã gửi, đang chờ cán bộ kiểm tra" in detail
    assert "Bạn đã gửi hồ sơ trực tuyến" in detail


def test_submitting_an_incomplete_draft_lists_what_is_missing_with_links(citizen, w):
    dossier = online_draft_create(actor=w.citizen, version=w.version)
    base = f"/ho-so-cua-toi/{dossier.reference}"
    response = citizen.post(f"{base}/kiem-tra/")
    assert response.status_code == 422
    links = dict(error_summary(response))
    assert (
        links[f"{base}/nguoi-nop/?tu=kiem-tra"]
        == "Nhập số định danh cá nhân (số CCCD) hoặc mã số doanh nghiệp."
    )
    assert links[f"{base}/to-khai/1/?tu=kiem-tra"] == "Chọn tình trạng hôn nhân hiện tại."
    assert f"{base}/giay-to/{w.components[0].pk}/?tu=kiem-tra" in links
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT


def test_a_document_from_the_store_is_offered_and_reused(citizen, w):
    submitted_dossier(w)
    stored = StoredDocument.objects.get(owner=w.citizen)
    draft = online_draft_create(actor=w.citizen, version=w.version)
    url = f"/ho-so-cua-toi/{draft.reference}/giay-to/{w.components[0].pk}/"
    page = html(citizen.get(url))
    assert f'value="store-{stored.pk}"' in page
    response = citizen.post(url, {"choice": f"store-{stored.pk}"})
    assert response.status_code == 302
    assert draft.documents.get().reused_from == stored
    # A made-up choice is refused, not trusted.
    response = citizen.post(url, {"choice": "store-999999"})
    assert response.status_code == 422


def test_returned_for_completion_the_page_shows_form_02_and_resubmits(citizen, w):
    dossier = submitted_dossier(w)
    dossier_transition(
        dossier=dossier,
        action=Action.RETURN_FOR_COMPLETION,
        actor=w.receiver,
        missing_items=["Tờ khai chưa ký tên"],
    )
    base = f"/ho-so-cua-toi/{dossier.reference}"
    detail = html(citizen.get(f"{base}/"))
    assert "Tờ khai chưa ký tên" in detail
    assert f'href="{base}/kiem-tra/"' in detail
    check = html(citizen.get(f"{base}/kiem-tra/"))
    assert "Tờ khai chưa ký tên" in check and "Gửi lại hồ sơ" in check
    citizen.post(
        f"{base}/giay-to/{w.components[0].pk}/", {"choice": "upload", "file": png(content=PNG + b"signed")}
    )
    assert citizen.post(f"{base}/kiem-tra/")["Location"] == f"{base}/da-gui/"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.events.filter(action=Action.SUBMIT).count() == 2


def test_an_online_supplement_through_the_page(citizen, w, clock):
    dossier = submitted_dossier(w)
    dossier = dossier_transition(dossier=dossier, action=Action.RECEIVE, actor=w.receiver)
    dossier = dossier_transition(dossier=dossier, action=Action.TRANSFER, actor=w.receiver)
    dossier = dossier_transition(
        dossier=dossier,
        action=Action.REQUEST_SUPPLEMENT,
        actor=w.head,
        missing_items=["Bản sao giấy chứng nhận ly hôn", "Ảnh chân dung 4x6"],
    )
    base = f"/ho-so-cua-toi/{dossier.reference}"
    assert base.startswith("/ho-so-cua-toi/H12.99-")
    detail = html(citizen.get(f"{base}/"))
    assert "Bản sao giấy chứng nhận ly hôn" in detail and f'href="{base}/bo-sung/"' in detail
    page = html(citizen.get(f"{base}/bo-sung/"))
    assert "Ảnh chân dung 4x6" in page
    response = citizen.post(f"{base}/bo-sung/", {"file_0": png("ly-hon.png")})
    assert response.status_code == 422
    assert error_summary(response) == [("#id_file_1", "Chọn tệp cho: Ảnh chân dung 4x6")]
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_SUPPLEMENT
    stored = StoredDocument.objects.get(owner=w.citizen)
    response = citizen.post(
        f"{base}/bo-sung/",
        {"file_0": png("ly-hon.png", PNG + b"divorce"), "store_1": str(stored.pk), "note": "Gửi bổ sung"},
    )
    assert response["Location"] == f"{base}/"
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    supplements = dossier.documents.filter(is_supplement=True).order_by("order")
    assert [(d.name, d.reused_from_id) for d in supplements] == [
        ("Bản sao giấy chứng nhận ly hôn", None),
        ("Ảnh chân dung 4x6", stored.pk),
    ]
    # Asked once, answered once: the page now just says so.
    assert citizen.get(f"{base}/bo-sung/")["Location"] == f"{base}/"


def test_files_are_served_to_their_owner_only(client, citizen, w):
    dossier = submitted_dossier(w)
    document = dossier.documents.get()
    stored = StoredDocument.objects.get(owner=w.citizen)
    own = citizen.get(f"/ho-so-cua-toi/{dossier.reference}/tep/{document.pk}/")
    assert own.status_code == 200
    assert own["Content-Disposition"].startswith("attachment")
    assert b"".join(own.streaming_content) == PNG
    assert citizen.get(f"/kho-du-lieu/{stored.pk}/").status_code == 200
    assert stored.name in html(citizen.get("/kho-du-lieu/"))
    client.force_login(w.other_citizen)
    for url in (
        f"/ho-so-cua-toi/{dossier.reference}/",
        f"/ho-so-cua-toi/{dossier.reference}/tep/{document.pk}/",
        f"/kho-du-lieu/{stored.pk}/",
    ):
        assert client.get(url).status_code == 404
    assert stored.name not in html(client.get("/kho-du-lieu/"))


def test_my_dossiers_groups_what_needs_me_first(citizen, w):
    draft = online_draft_create(actor=w.citizen, version=w.version)
    sent = submitted_dossier(w)
    dossier_transition(
        dossier=sent, action=Action.RETURN_FOR_COMPLETION, actor=w.receiver, missing_items=["Ký tên"]
    )
    page = html(citizen.get("/ho-so-cua-toi/"))
    action_at = page.index("Cần bạn sửa, bổ sung")
    draft_at = page.index("Bản nháp chưa gửi")

    # By the links: a bare "D1" can also occur in the page's random nonce or token (a flake seen in CI).
    def link_at(dossier) -> int:
        return page.index(f"/ho-so-cua-toi/{dossier.reference}/")

    assert action_at < link_at(sent) < draft_at < link_at(draft)
    assert "Hồ sơ của tôi" in page  # in the navigation too
    assert 'aria-current="page"' in page


def test_the_return_page_offers_post_only_when_the_procedure_posts(citizen, w):
    w.version.is_postal_return_allowed = False
    w.version.save()
    dossier = online_draft_create(actor=w.citizen, version=w.version)
    base = f"/ho-so-cua-toi/{dossier.reference}"
    assert 'value="postal"' not in html(citizen.get(f"{base}/nhan-ket-qua/"))
    response = citizen.post(f"{base}/nhan-ket-qua/", {"return_mode": "postal", "return_address": "x"})
    assert response.status_code == 422
    dossier.refresh_from_db()
    assert dossier.return_mode == ReturnMode.ONLINE


def test_the_reference_from_the_confirmation_still_works_once_the_code_is_issued(citizen, w):
    dossier = submitted_dossier(w)
    old = dossier.reference
    dossier = dossier_transition(dossier=dossier, action=Action.RECEIVE, actor=w.receiver)
    response = citizen.get(f"/ho-so-cua-toi/{old}/")
    assert response["Location"] == f"/ho-so-cua-toi/{dossier.code}/"
    assert dossier.code in html(citizen.get(response["Location"]))
