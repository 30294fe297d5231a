"""The dossier page for online dossiers (e-form, scans, receive or return for completion) and postal work
(return of the result by post, pick-up requests)."""

import re
from datetime import timedelta

import pytest

from motcua.dossiers.enums import Action, ReturnMode, Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.postal import PICKUP_ACTION
from tests.postal.doubles import DOUBLE, RecordingPostOffice
from tests.postal.helpers import HOME, PNG, online_draft, online_submitted, received, result_ready

pytestmark = pytest.mark.django_db

EFORM = [
    {
        "name": "tinh_trang",
        "label": "Tình trạng hôn nhân hiện tại",
        "type": "select",
        "choices": [["chua", "Chưa kết hôn"], ["ly_hon", "Đã ly hôn"]],
        "required": True,
    },
    {"name": "ngay_can", "label": "Ngày cần dùng", "type": "date"},
    {"name": "muc_dich", "label": "Mục đích sử dụng", "type": "textarea"},
    {"name": "cam_doan", "label": "Tôi cam đoan nội dung khai là đúng", "type": "checkbox", "required": True},
]


@pytest.fixture
def post_office(settings):
    settings.MOTCUA_POSTAL_ADAPTER = DOUBLE
    RecordingPostOffice.reset()
    yield RecordingPostOffice
    RecordingPostOffice.reset()


@pytest.fixture
def with_eform(w):
    w.version.eform_fields = EFORM
    w.version.save(update_fields=["eform_fields"])
    return w


def page(client, dossier, **query):
    return client.get(f"/can-bo/ho-so/{dossier.reference}/", query)


def facts(html: str) -> list[tuple[str, str]]:
    """(dt, dd) text pairs of the page's fact lists, tags stripped."""
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html, re.S)
    clean = lambda text: " ".join(re.sub(r"<[^>]+>", " ", text).split())  # noqa: E731
    return [(clean(dt), clean(dd)) for dt, dd in pairs]


# --- online dossiers ----------------------------------------------------------------------------------------
def test_a_submitted_dossier_shows_its_answers_scans_reply_clock_and_the_two_decisions(with_eform, login):
    w = with_eform
    answers = {
        "tinh_trang": "chua",
        "ngay_can": "2026-03-20",
        "muc_dich": "Đăng ký kết hôn",
        "cam_doan": True,
    }
    dossier = online_submitted(w, form_data=answers)
    response = page(login(w.receiver), dossier)
    assert response.status_code == 200
    html = response.content.decode()
    shown = facts(html)
    for pair in [
        ("Tình trạng hôn nhân hiện tại", "Chưa kết hôn"),
        ("Ngày cần dùng", "20/03/2026"),
        ("Mục đích sử dụng", "Đăng ký kết hôn"),
        ("Tôi cam đoan nội dung khai là đúng", "Có"),
        ("Hình thức nộp", "Trực tuyến"),
        ("Nộp lúc", "08:00 02/03/2026"),
    ]:
        assert pair in shown
    reply = dict(shown)["Hạn phản hồi hồ sơ trực tuyến"]
    assert reply.startswith("08:00 03/03/2026 còn 1 ngày làm việc")
    assert [option.value for option in response.context["actions"]] == [
        "receive",
        "return_for_completion",
        "refuse",
        "stop",
    ]
    document = dossier.documents.get()
    assert f'href="/can-bo/ho-so/{dossier.reference}/tep/{document.pk}/?xem=1"' in html
    # The history names the submission and its reply time in words.
    assert "Hạn phản hồi" in html


def test_a_scan_opens_in_the_browser_or_downloads(w, login):
    dossier = online_submitted(w)
    document = dossier.documents.get()
    client = login(w.receiver)
    shown = client.get(f"/can-bo/ho-so/{dossier.reference}/tep/{document.pk}/", {"xem": "1"})
    assert shown.status_code == 200
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    assert "default-src 'none'" in shown["Content-Security-Policy"]
    assert b"".join(shown.streaming_content) == PNG
    downloaded = client.get(f"/can-bo/ho-so/{dossier.reference}/tep/{document.pk}/")
    assert downloaded["Content-Disposition"].startswith("attachment")
    # Another centre's officer cannot open it.
    assert (
        login(w.commune_receiver)
        .get(f"/can-bo/ho-so/{dossier.reference}/tep/{document.pk}/?xem=1")
        .status_code
        == 404
    )


def test_receiving_an_online_dossier_issues_the_code_and_empties_the_list(w, login):
    dossier = online_submitted(w)
    client = login(w.receiver)
    response = client.post(f"/can-bo/ho-so/{dossier.reference}/thao-tac/receive/")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.code) == (Status.RECEIVED, "H12.99-260302-0001")
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/?in=01"
    assert client.get("/can-bo/?list=online").context["rows"] == []


def test_returning_an_online_dossier_for_completion_lists_what_is_missing(w, login):
    dossier = online_submitted(w)
    client = login(w.receiver)
    refused = client.post(
        f"/can-bo/ho-so/{dossier.reference}/thao-tac/return_for_completion/", {"missing_items": ""}
    )
    assert refused.status_code == 422
    assert 'href="#return_for_completion-missing_items"' in refused.content.decode()
    response = client.post(
        f"/can-bo/ho-so/{dossier.reference}/thao-tac/return_for_completion/",
        {"missing_items": "Bản sao CCCD\nGiấy xác nhận cư trú"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.INCOMPLETE
    assert dossier.events.get(action=Action.RETURN_FOR_COMPLETION).data["missing_items"] == [
        "Bản sao CCCD",
        "Giấy xác nhận cư trú",
    ]


def test_an_unsent_draft_offers_the_centre_nothing(w, login):
    draft = online_draft(w)
    response = page(login(w.receiver), draft)
    assert response.status_code == 200
    assert response.context["actions"] == []
    assert response.context["can_request_pickup"] is False
    refused = login(w.receiver).post(f"/can-bo/ho-so/{draft.reference}/thao-tac/receive/")
    assert refused.status_code == 409
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# --- return by post -----------------------------------------------------------------------------------------
def test_returning_by_post_books_the_delivery_and_shows_the_tracking_code(w, login, post_office):
    dossier = result_ready(w)
    client = login(w.receiver)
    html = page(client, dossier).content.decode()
    assert "Trả kết quả qua bưu chính" in html
    assert HOME in html
    assert 'name="postal_item_code"' in html
    response = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/return_result/", {"postal_item_code": ""})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_postal_item_code) == (Status.RETURNED, "EL0000001VN")
    assert [request.recipient.address for request in post_office.deliveries] == [HOME]
    shown = client.get(response["Location"]).content.decode()
    assert f"Đã gửi kết quả hồ sơ {dossier.code} qua bưu chính, số hiệu bưu gửi EL0000001VN." in shown
    assert ("Số hiệu bưu gửi (trả)", "EL0000001VN") in facts(shown)


def test_a_counter_return_stays_a_plain_return(w, login, post_office):
    dossier = result_ready(w, return_mode=ReturnMode.COUNTER, return_address="")
    client = login(w.receiver)
    assert 'name="postal_item_code"' not in page(client, dossier).content.decode()
    assert client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/return_result/").status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_postal_item_code, post_office.deliveries) == (
        Status.RETURNED,
        "",
        [],
    )


def test_a_postal_return_the_post_office_refuses_changes_nothing(w, login, post_office):
    dossier = result_ready(w)
    post_office.is_down = True
    client = login(w.receiver)
    response = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/return_result/")
    assert response.status_code == 502
    assert "Dịch vụ bưu chính đang gián đoạn" in response.content.decode()
    malformed = client.post(
        f"/can-bo/ho-so/{dossier.code}/thao-tac/return_result/", {"postal_item_code": "số 1"}
    )
    assert malformed.status_code == 422
    assert 'href="#return_result-postal_item_code"' in malformed.content.decode()
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_postal_item_code) == (Status.RESULT_READY, "")


# --- pick-up requests -----------------------------------------------------------------------------------------
def test_an_officer_asks_the_post_office_to_collect_the_papers(w, login, post_office, clock):
    dossier = received(w)
    client = login(w.receiver)
    html = page(client, dossier).content.decode()
    assert 'action="/can-bo/ho-so/H12.99-260302-0001/buu-chinh/thu-gom/"' in html
    assert 'value="Phường An Xuyên, tỉnh Cà Mau"' in html  # the applicant's address, ready to correct
    response = client.post(
        f"/can-bo/ho-so/{dossier.code}/buu-chinh/thu-gom/", {"address": HOME, "note": "Gọi trước khi đến"}
    )
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/#buu-chinh"
    [request] = post_office.pickups
    assert (request.sender.address, request.note) == (HOME, "Gọi trước khi đến")
    shown = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Đã gửi yêu cầu thu gom hồ sơ đến bưu điện, mã yêu cầu PU0000001VN." in shown
    assert "Yêu cầu bưu chính thu gom hồ sơ" in shown  # the control-slip line, named
    # A second click the same day is refused with the reason, linked from the error summary.
    again = client.post(f"/can-bo/ho-so/{dossier.code}/buu-chinh/thu-gom/", {"address": HOME})
    assert again.status_code == 409
    assert 'href="#thu-gom"' in again.content.decode()
    assert DossierEvent.objects.filter(dossier=dossier, action=PICKUP_ACTION).count() == 1
    clock.shift(timedelta(days=1))
    assert (
        client.post(f"/can-bo/ho-so/{dossier.code}/buu-chinh/thu-gom/", {"address": HOME}).status_code == 302
    )


def test_a_pickup_without_an_address_is_sent_back_to_the_field(w, login, post_office):
    from motcua.dossiers.services import ApplicantData

    dossier = received(w, applicant=ApplicantData(name="Lê Văn Nam", phone="0911222333"))
    response = login(w.receiver).post(f"/can-bo/ho-so/{dossier.code}/buu-chinh/thu-gom/", {"address": " "})
    assert response.status_code == 422
    assert 'href="#thu-gom-address"' in response.content.decode()
    assert post_office.pickups == []


def test_pickup_requests_are_for_the_centre_only(w, login, post_office):
    dossier = received(w)
    assert (
        login(w.commune_receiver).post(f"/can-bo/ho-so/{dossier.code}/buu-chinh/thu-gom/").status_code == 404
    )
    assert login(w.citizen).post(f"/can-bo/ho-so/{dossier.code}/buu-chinh/thu-gom/").status_code == 403
    # The specialist sees the dossier once it reaches the department, but pick-ups are the centre's work.
    from motcua.dossiers.services import dossier_transition

    dossier_transition(dossier=dossier, action=Action.TRANSFER, actor=w.receiver)
    client = login(w.head)
    assert page(client, dossier).context["can_request_pickup"] is False
    assert (
        client.post(f"/can-bo/ho-so/{dossier.code}/buu-chinh/thu-gom/", {"address": HOME}).status_code == 403
    )
    assert post_office.pickups == []
    assert Dossier.objects.get().events.filter(action=PICKUP_ACTION).count() == 0
