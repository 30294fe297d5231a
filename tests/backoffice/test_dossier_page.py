import re
import sys
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.enums import Action, Status, Timeliness
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import DocumentData, dossier_intake, dossier_transition
from tests.backoffice.conftest import at
from tests.factories import intake_data

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


@pytest.fixture
def dossier(w):
    data = intake_data(
        w,
        documents=[
            DocumentData(
                name="Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
                upload=SimpleUploadedFile("scan.png", PNG, content_type="image/png"),
            )
        ],
    )
    return dossier_intake(data=data, actor=w.receiver)


def page_of(client, dossier):
    return client.get(f"/can-bo/ho-so/{dossier.reference}/")


def buttons(response) -> list[str]:
    """The action each action form posts to, in page order."""
    return re.findall(r'action="/can-bo/ho-so/[^/]+/thao-tac/([a-z_]+)/"', response.content.decode())


def post(client, dossier, action, **data):
    return client.post(f"/can-bo/ho-so/{dossier.reference}/thao-tac/{action}/", data)


def state(dossier):
    fresh = Dossier.objects.get(pk=dossier.pk)
    return fresh.status, fresh.current_step_id, fresh.events.count()


def test_dossier_page_shows_everything_about_the_dossier(w, dossier, login):
    response = page_of(login(w.receiver), dossier)
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "H12.99-260302-0001",
        "Nguyễn Thị Hoa",
        "096123456789",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        "Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
        "Sở Tư pháp",
        "10.000 đồng",
        "08:00 05/03/2026",  # due
        "còn 3 ngày",
        "1. Tiếp nhận hồ sơ",  # current step
        "Lịch sử xử lý",
    ):
        assert text in html, text
    document = dossier.documents.get()
    assert f'href="/can-bo/ho-so/{dossier.code}/tep/{document.pk}/"' in html
    assert f'href="/can-bo/ho-so/{dossier.code}/mau/01.pdf"' in html
    assert f'href="/can-bo/ho-so/{dossier.code}/mau/06.pdf"' in html
    assert "/mau/03.pdf" not in html
    # The receiving officer may transfer or stop it; nothing of the handling units.
    assert buttons(response) == ["transfer", "stop"]


def test_each_officer_sees_only_the_actions_they_could_take(w, dossier, login):
    dossier = dossier_transition(dossier=dossier, action=Action.TRANSFER, actor=w.receiver)
    head = page_of(login(w.head), dossier)
    assert buttons(head) == [
        "forward",
        "claim",
        "assign",
        "send_back",
        "request_supplement",
        "pause",
        "extend",
    ]
    html = head.content.decode()
    # The forward form lists who may take the next step (appraisal by a specialist of the department).
    forward = html[html.index('id="thao-tac-forward"') :]
    forward = forward[: forward.index("</form>")]
    assert re.findall(r'<option value="(\w+)"', forward) == ["chuyenvien", "chuyenvien2"]
    assert "Thẩm định hồ sơ — Sở Tư pháp" in forward
    assert buttons(page_of(login(w.specialist), dossier)) == []
    # The department's leader may also assign the step and extend the dossier (Decree 118: the handling body).
    assert buttons(page_of(login(w.leader), dossier)) == ["assign", "extend"]
    assert buttons(page_of(login(w.receiver), dossier)) == ["stop"]
    assert buttons(page_of(login(w.supervisor), dossier)) == []


def test_the_whole_flow_through_the_action_buttons(w, dossier, login, clock):
    client = login(w.receiver)
    assert post(client, dossier, "transfer").status_code == 302

    client = login(w.head)
    response = post(client, dossier, "forward", assignee="chuyenvien", note="Đề nghị thẩm định")
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    page = client.get(response["Location"]).content.decode()
    assert "Đã “Chuyển bước tiếp theo”: hồ sơ chuyển đến bước “Thẩm định hồ sơ” tại Sở Tư pháp." in page
    assert "Đề nghị thẩm định" in page

    clock.shift(timedelta(hours=1))
    assert post(login(w.specialist), dossier, "forward").status_code == 302
    assert post(login(w.builder), dossier, "forward").status_code == 302
    assert buttons(page_of(login(w.leader), dossier))[:1] == ["approve"]
    assert post(login(w.leader), dossier, "approve").status_code == 302
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert (fresh.status, fresh.timeliness) == (Status.RESULT_READY, Timeliness.EARLY)

    client = login(w.receiver)
    assert codes_in_todo(client) == [dossier.code]  # waiting to be handed back
    assert buttons(page_of(client, dossier)) == ["return_result"]
    response = post(client, dossier, "return_result")
    assert response.status_code == 302
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.status == Status.RETURNED
    assert list(fresh.events.values_list("action", flat=True)) == [
        "receive",
        "transfer",
        "forward",
        "forward",
        "forward",
        "approve",
        "return_result",
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Đã trả kết quả hồ sơ H12.99-260302-0001." in page
    assert "Hồ sơ đã kết thúc." in page


def codes_in_todo(client):
    return [row["dossier"].code for row in client.get("/can-bo/").context["rows"]]


def test_forbidden_and_invalid_actions_change_nothing(w, dossier, login):
    before = state(dossier)
    # Not their role: a specialist of the department cannot transfer or stop for the centre.
    for action in ("transfer", "stop"):
        response = post(login(w.specialist), dossier, action, note="Thử")
        assert response.status_code == 403, action
        assert "Bạn không có quyền" in response.content.decode()
    # Their role, wrong moment: a received dossier has no result to return yet.
    response = post(login(w.receiver), dossier, "return_result")
    assert response.status_code == 409
    assert "Không thể “Trả kết quả” khi hồ sơ đang ở trạng thái “Đã tiếp nhận”." in response.content.decode()
    # A rule of the action itself: stopping needs the reason.
    response = post(login(w.receiver), dossier, "stop", note="  ")
    assert response.status_code == 422
    html = response.content.decode()
    assert '<a href="#stop-note">Nhập lý do.</a>' in html
    assert "bo-action--error" in html
    for unknown in ("no_such_action", "explain", "submit"):
        assert post(login(w.receiver), dossier, unknown).status_code == 404
    assert login(w.receiver).get(f"/can-bo/ho-so/{dossier.code}/thao-tac/transfer/").status_code == 405
    assert state(dossier) == before


def test_extend_send_back_and_request_supplement_carry_their_fields(w, dossier, login):
    dossier = dossier_transition(dossier=dossier, action=Action.TRANSFER, actor=w.receiver)
    dossier = dossier_transition(dossier=dossier, action=Action.FORWARD, actor=w.head)
    response = post(
        login(w.leader), dossier, "extend", note="Cần xác minh thêm", new_due_at="2026-03-10T08:00"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/?in=04"
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.extended_due_at == at(2026, 3, 10, 8, 0)

    response = post(login(w.specialist), dossier, "send_back", note="Cần phân công lại", to_step="2")
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).current_step.name == "Phân công xử lý"

    response = post(login(w.head), dossier, "request_supplement", missing_items="")
    assert response.status_code == 422
    response = post(login(w.head), dossier, "request_supplement", missing_items="Bản sao sổ hộ khẩu\nẢnh 4x6")
    assert response.status_code == 302
    fresh = Dossier.objects.get(pk=dossier.pk)
    assert fresh.status == Status.AWAITING_SUPPLEMENT
    page = page_of(login(w.head), fresh).content.decode()
    assert "Bản sao sổ hộ khẩu" in page and "Ảnh 4x6" in page
    assert "Chờ bổ sung hồ sơ" in page  # the pause and its reason
    assert buttons(page_of(login(w.receiver), fresh)) == ["supplement", "stop"]


def test_late_step_explanation(w, dossier, login, clock):
    dossier = dossier_transition(dossier=dossier, action=Action.TRANSFER, actor=w.receiver)
    clock.move_to(at(2026, 3, 3, 8, 0))
    dossier = dossier_transition(dossier=dossier, action=Action.FORWARD, actor=w.head)
    late = dossier.steps.get(name="Phân công xử lý")
    html = page_of(login(w.head), dossier).content.decode()
    assert f'action="/can-bo/ho-so/{dossier.code}/giai-trinh/{late.pk}/"' in html
    # The centre sees the late step but explaining it is the department's business.
    other = page_of(login(w.receiver), dossier).content.decode()
    assert "Chờ đơn vị giải trình" in other
    refused = login(w.receiver).post(
        f"/can-bo/ho-so/{dossier.code}/giai-trinh/{late.pk}/", {"explanation": "x"}
    )
    assert refused.status_code == 403
    response = login(w.head).post(
        f"/can-bo/ho-so/{dossier.code}/giai-trinh/{late.pk}/", {"explanation": "Lãnh đạo phòng đi công tác."}
    )
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.explanation == "Lãnh đạo phòng đi công tác."


def test_files_are_served_only_through_the_access_check(w, dossier, login):
    document = dossier.documents.get()
    url = f"/can-bo/ho-so/{dossier.code}/tep/{document.pk}/"
    response = login(w.head).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="{dossier.code}-01.png"'
    assert b"".join(response.streaming_content) == PNG
    assert login(w.head).get(f"/can-bo/ho-so/{dossier.code}/tep/{document.pk + 1}/").status_code == 404


def test_an_officer_of_another_unit_gets_404_everywhere(w, dossier, login):
    document = dossier.documents.get()
    before = state(dossier)
    client = login(w.commune_receiver)
    for url in (
        f"/can-bo/ho-so/{dossier.code}/",
        f"/can-bo/ho-so/{dossier.code}/tep/{document.pk}/",
        f"/can-bo/ho-so/{dossier.code}/mau/01.pdf",
        f"/can-bo/ho-so/D{dossier.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy hồ sơ" in response.content.decode()
    assert post(client, dossier, "stop", note="Thử").status_code == 404
    assert state(dossier) == before


def test_citizens_and_anonymous_never_reach_a_dossier(w, dossier, client):
    url = f"/can-bo/ho-so/{dossier.code}/"
    assert client.get(url)["Location"] == f"/dang-nhap/?next={url}"
    client.force_login(w.citizen)
    assert client.get(url).status_code == 403
    assert client.post(f"{url}thao-tac/stop/", {"note": "x"}).status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_form_pdf(w, dossier, login, monkeypatch):
    client = login(w.receiver)
    response = client.get(f"/can-bo/ho-so/{dossier.code}/mau/01.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    not_yet = client.get(f"/can-bo/ho-so/{dossier.code}/mau/03.pdf")
    assert not_yet.status_code == 409
    assert client.get(f"/can-bo/ho-so/{dossier.code}/mau/09.pdf").status_code == 404
    # Without the paperwork package the link answers 404 with a message instead of failing.
    monkeypatch.setitem(sys.modules, "motcua.paperwork", None)
    missing = client.get(f"/can-bo/ho-so/{dossier.code}/mau/01.pdf")
    assert missing.status_code == 404
    assert "Chức năng in biểu mẫu chưa được cài đặt" in missing.content.decode()


def test_every_post_needs_the_csrf_token(w, dossier):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(w.receiver)
    before = state(dossier)
    assert post(client, dossier, "transfer").status_code == 403
    assert client.post("/can-bo/tiep-nhan/", {"thu_tuc": w.version.pk}).status_code == 403
    assert state(dossier) == before
    page = page_of(client, dossier).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= len(buttons(page_of(client, dossier)))


def test_timeline_names_people_and_the_page_query_count_is_bounded(
    w, dossier, login, django_assert_max_num_queries
):
    dossier = dossier_transition(dossier=dossier, action=Action.TRANSFER, actor=w.receiver)
    dossier = dossier_transition(dossier=dossier, action=Action.FORWARD, actor=w.head, assignee=w.specialist)
    client = login(w.head)
    page_of(client, dossier)
    # 23 = the page's reads + the one INSERT of the personal-data access log (motcua.privacy).
    with django_assert_max_num_queries(23):
        html = page_of(client, dossier).content.decode()
    assert f"<dt>Người được phân công</dt><dd>{w.specialist.full_name}</dd>" in html
