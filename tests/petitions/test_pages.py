"""The citizen pages and the back office, over HTTP."""

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.petitions.enums import Status
from motcua.petitions.models import Petition
from motcua.petitions.tokens import petition_rating_token
from tests.factories import dossier_world
from tests.petitions.helpers import answered, assigned, at, submitted

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FORM = {
    "subject_kind": "procedure",
    "procedure_code": "1.004873",
    "title": "Đề nghị giảm giấy tờ",
    "description": "Thủ tục yêu cầu nộp bản sao giấy khai sinh dù đã có dữ liệu dân cư.",
    "petitioner_name": "Trần Thị Bình",
    "petitioner_phone": "0912345678",
    "privacy": "public",
}


@pytest.fixture
def w():
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        return dossier_world()


def test_anyone_submits_without_an_account_and_gets_the_code(client, w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        response = client.post("/phan-anh/gui/", {**FORM, "attachments": SimpleUploadedFile("a.png", PNG)})
        assert response.status_code == 302 and response["Location"] == "/phan-anh/gui/xong/"
        done = client.get("/phan-anh/gui/xong/")
    assert "PA-260302-0001" in done.content.decode()
    petition = Petition.objects.get()
    assert petition.procedure == w.version.procedure and petition.attachments.count() == 1


def test_errors_come_back_with_a_linked_summary_and_nothing_written(client, w):
    response = client.post("/phan-anh/gui/", {**FORM, "subject_kind": "", "petitioner_phone": "12"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#id_subject_kind_0"' in page and 'href="#id_petitioner_phone"' in page
    assert "Chọn nội dung phản ánh, kiến nghị về việc gì." in page
    assert Petition.objects.count() == 0


def test_the_petitioner_sees_the_status_with_code_and_phone_digits_only(client, w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        petition = assigned(w, when=at(2026, 3, 2, 9, 0))
        anonymous = client.get(f"/phan-anh/{petition.code}/").content.decode()
        wrong = client.post(f"/phan-anh/{petition.code}/", {"ma": petition.code, "so": "0000"})
        unknown = client.post("/phan-anh/PA-260302-0099/", {"ma": "PA-260302-0099", "so": "5678"})
        right = client.post(f"/phan-anh/{petition.code}/", {"ma": petition.code, "so": "5678"})
    assert petition.title not in anonymous
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content.decode().count("Không tìm thấy phản ánh với mã") >= 1
    assert right.status_code == 200
    assert "Đã phân loại, chuyển đơn vị xử lý" in right.content.decode()


def test_a_published_answer_is_public_without_personal_data(client, w):
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):
        petition = answered(w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 4, 10, 0), publish=True)
        listing = client.get("/phan-anh/?q=quầy").content.decode()
        page = client.get(f"/phan-anh/{petition.code}/").content.decode()
    assert petition.title in listing
    assert "Trung tâm đã nhắc nhở cán bộ" in page and "T. T. B." in page
    for personal in ("Trần Thị Bình", "0912345678", "binh@example.com", "Sáng 2/3"):
        assert personal not in page


def test_the_petitioner_rates_through_the_link_once(client, w):
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):
        petition = answered(w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 4, 10, 0))
        url = f"/phan-anh/danh-gia/{petition_rating_token(petition=petition)}/"
        assert client.get(url).status_code == 200
        assert client.post(url, {}).status_code == 422
        assert client.post(url, {"rating": "not_satisfied", "comment": "Chưa rõ"}).status_code == 302
        again = client.post(url, {"rating": "satisfied"})
    assert again.status_code == 409
    petition.refresh_from_db()
    assert (petition.status, petition.rating) == (Status.CLOSED, "not_satisfied")


def test_back_office_worklist_puts_overdue_first_and_the_unit_answers(client, w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        fresh = submitted(w, when=at(2026, 3, 2, 9, 0), title="Mới")
    with time_machine.travel(at(2026, 2, 2, 9, 0), tick=False):
        old = assigned(w, when=at(2026, 2, 2, 9, 0), title="Cũ", unit=w.centre)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        client.force_login(w.receiver)
        page = client.get("/can-bo/phan-anh/").content.decode()
        assert page.index(old.code) < page.index(fresh.code)
        assert "Quá hạn" in page
        response = client.post(
            f"/can-bo/phan-anh/{fresh.code}/assign/", {"unit": "H12.04.01", "subject_kind": "other"}
        )
        assert response.status_code == 302
        client.force_login(w.specialist)
        detail = client.get(f"/can-bo/phan-anh/{fresh.code}/").content.decode()
        assert "Gửi câu trả lời" in detail
        refused = client.post(f"/can-bo/phan-anh/{fresh.code}/answer/", {"answer": ""})
        assert refused.status_code == 422 and "Nhập nội dung trả lời." in refused.content.decode()
        client.post(f"/can-bo/phan-anh/{fresh.code}/answer/", {"answer": "Đã tiếp thu."})
        client.force_login(w.builder)  # another unit
        assert client.get(f"/can-bo/phan-anh/{fresh.code}/").status_code == 404
    fresh.refresh_from_db()
    assert (fresh.status, fresh.unit, fresh.answered_by) == (Status.ANSWERED, w.division, w.specialist)
    assert re.search(r"PA-\d{6}-\d{4}", fresh.code)
