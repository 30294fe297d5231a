import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.enums import Action, Status
from motcua.dossiers.models import Applicant, Dossier, DossierDocument
from motcua.dossiers.services import dossier_intake
from motcua.org.enums import Role
from tests.factories import StaffRoleFactory, intake_data

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
INTAKE = "/can-bo/tiep-nhan/"


def components(w):
    return list(w.version.components.order_by("order"))


def intake_post(w, **overrides):
    """What the browser sends for a minimal counter intake of the world's procedure."""
    form, proof = components(w)
    data = {
        "thu_tuc": w.version.pk,
        "receiving_unit": w.centre.pk,
        "applicant_id_number": "096123456789",
        "applicant_name": "Nguyễn Thị Hoa",
        "applicant_kind": "person",
        "applicant_phone": "0912345678",
        "applicant_address": "Phường An Xuyên, tỉnh Cà Mau",
        "channel": "counter",
        "return_mode": "counter",
        "sets": "1",
        "pages": "0",
        f"c{form.pk}_received": "on",
        f"c{form.pk}_kind": "original",
        f"c{form.pk}_quantity": "1",
        f"c{proof.pk}_kind": "copy",
        f"c{proof.pk}_quantity": "1",
        "action": "receive",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_choosing_a_procedure_works_without_javascript(w, login):
    client = login(w.receiver)
    page = client.get(INTAKE, {"q": "hon nhan"})
    assert page.status_code == 200
    assert f'href="/can-bo/tiep-nhan/?thu_tuc={w.version.pk}"' in page.content.decode()
    fragment = client.get("/can-bo/tiep-nhan/thu-tuc/", {"q": "1.004873"})
    assert fragment.status_code == 200
    assert "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_intake_form_prefills_components_fee_and_appointment(w, login):
    page = login(w.receiver).get(INTAKE, {"thu_tuc": w.version.pk})
    html = page.content.decode()
    assert page.status_code == 200
    form, proof = components(w)
    # The required paper starts ticked, the optional one does not; paper kind and quantity come from it.
    assert re.search(rf'name="c{form.pk}_received"[^>]*checked', html)
    assert not re.search(rf'name="c{proof.pk}_received"[^>]*checked', html)
    assert f'name="c{form.pk}_quantity" value="1"' in html
    assert "10.000 đồng" in html
    # Three working days from Monday 08:00.
    assert "05/03/2026" in html
    assert "autofocus" in html and 'name="applicant_id_number"' in html


def test_receive_issues_the_code_and_offers_form_01(w, login):
    client = login(w.receiver)
    response = client.post(INTAKE + f"?thu_tuc={w.version.pk}", intake_post(w))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.code == "H12.99-260302-0001"
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/?in=01"
    assert dossier.status == Status.RECEIVED
    assert dossier.fee_amount == 10000
    # The optional paper the applicant did not bring is not part of the dossier.
    assert list(dossier.documents.values_list("name", "is_received")) == [
        ("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân", True)
    ]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Đã tiếp nhận hồ sơ H12.99-260302-0001. Hẹn trả kết quả lúc 08:00 ngày 05/03/2026." in html
    assert f'href="/can-bo/ho-so/{dossier.code}/mau/01.pdf"' in html
    assert "In phiếu hẹn (Mẫu 01)" in html


def test_validation_errors_re_render_with_a_summary_and_write_nothing(w, login):
    data = intake_post(
        w, applicant_name=" ", applicant_phone="12", return_mode="postal", return_address="", pages="7"
    )
    response = login(w.receiver).post(INTAKE, data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Có lỗi cần sửa" in html
    for anchor, message in (
        ("id_applicant_name", "Nhập họ tên người nộp hồ sơ."),
        ("id_applicant_phone", "Số điện thoại không hợp lệ (9–12 chữ số)."),
        ("id_return_address", "Nhập địa chỉ nhận kết quả qua bưu chính."),
    ):
        assert f'<a href="#{anchor}">{message}</a>' in html
    assert 'aria-invalid="true"' in html
    # Everything typed is still there.
    assert 'value="Phường An Xuyên, tỉnh Cà Mau"' in html
    assert 'name="pages" value="7"' in html
    assert Dossier.objects.count() == 0
    assert Applicant.objects.count() == 0


def test_return_for_completion_from_the_intake_screen(w, login):
    client = login(w.receiver)
    missing = client.post(INTAKE, intake_post(w, action="return_for_completion"))
    assert missing.status_code == 422
    assert '<a href="#id_missing_items">Nhập ít nhất một nội dung.</a>' in missing.content.decode()
    assert Dossier.objects.count() == 0

    response = client.post(
        INTAKE,
        intake_post(w, action="return_for_completion", missing_items="Tờ khai có chữ ký\n\nBản sao căn cước"),
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/D{dossier.pk}/?in=02"
    assert (dossier.status, dossier.code) == (Status.INCOMPLETE, None)
    assert dossier.events.get().data["missing_items"] == ["Tờ khai có chữ ký", "Bản sao căn cước"]
    page = client.get(response["Location"])
    assert "In phiếu hướng dẫn bổ sung (Mẫu 02)" in page.content.decode()


def test_refusal_from_the_intake_screen_needs_a_reason(w, login):
    client = login(w.receiver)
    missing = client.post(INTAKE, intake_post(w, action="refuse"))
    assert missing.status_code == 422
    assert '<a href="#id_refuse_reason">Nhập lý do.</a>' in missing.content.decode()
    response = client.post(
        INTAKE, intake_post(w, action="refuse", refuse_reason="Không thuộc thẩm quyền giải quyết")
    )
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/D{dossier.pk}/?in=03"
    assert dossier.status == Status.REFUSED
    assert dossier.events.get().note == "Không thuộc thẩm quyền giải quyết"


def test_scan_upload_checked_by_content(w, login):
    client = login(w.receiver)
    form, _proof = components(w)
    fake = SimpleUploadedFile("to-khai.pdf", b"this is only text", content_type="application/pdf")
    rejected = client.post(INTAKE, {**intake_post(w), f"c{form.pk}_file": fake})
    html = rejected.content.decode()
    assert rejected.status_code == 422
    assert "Tệp “to-khai.pdf” không phải là PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)." in html
    assert f'href="#id_c{form.pk}_file"' in html
    assert "hãy chọn lại tệp" in html
    assert Dossier.objects.count() == 0

    # A PNG is accepted whatever the browser claims; the stored type and name follow the content.
    scan = SimpleUploadedFile("scan.pdf", PNG, content_type="application/pdf")
    accepted = client.post(INTAKE, {**intake_post(w), f"c{form.pk}_file": scan})
    assert accepted.status_code == 302
    document = DossierDocument.objects.get()
    assert document.is_digitised
    assert document.content_type == "image/png"
    assert document.file.name.endswith(".png")
    assert document.size == len(PNG)


def test_date_of_birth_is_typed_day_first(w, login):
    client = login(w.receiver)
    bad = client.post(INTAKE, intake_post(w, applicant_date_of_birth="31/02/1990"))
    assert bad.status_code == 422
    assert "Ngày sinh không hợp lệ: nhập theo dạng ngày/tháng/năm." in bad.content.decode()
    assert client.post(INTAKE, intake_post(w, applicant_date_of_birth="01021990")).status_code == 302
    assert Dossier.objects.get().applicant_date_of_birth == date(1990, 2, 1)


def test_returning_applicant_is_found_by_id_number(w, login):
    data = intake_data(w)
    data.applicant.date_of_birth = date(1990, 2, 1)
    dossier_intake(data=data, actor=w.receiver, action=Action.REFUSE, note="Sai thẩm quyền")
    client = login(w.receiver)
    data = intake_post(w, applicant_name="", applicant_phone="", applicant_address="", _lookup="1")
    data.pop("action")
    page = client.post(INTAKE, data)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Nguyễn Thị Hoa"' in html
    assert 'value="0912345678"' in html
    assert 'value="01/02/1990"' in html
    assert "Đã điền thông tin người nộp từ lần nộp trước" in html
    assert Dossier.objects.count() == 1  # looking up writes nothing

    found = client.post("/can-bo/tiep-nhan/nguoi-nop/", {"so_dinh_danh": "096123456789"}).json()
    assert found["found"] is True
    assert found["applicant"]["name"] == "Nguyễn Thị Hoa"
    assert found["applicant"]["date_of_birth"] == "01/02/1990"
    unknown = client.post("/can-bo/tiep-nhan/nguoi-nop/", {"so_dinh_danh": "000000000000"}).json()
    assert unknown["found"] is False


def test_preview_endpoint_and_button(w, login):
    client = login(w.receiver)
    fragment = client.get(
        "/can-bo/tiep-nhan/xem-truoc/", {"thu_tuc": w.version.pk, "sets": "2", "pages": "3"}
    ).content.decode()
    assert "05/03/2026" in fragment
    assert "20.000 đồng" in fragment  # 10,000 đ per set
    data = intake_post(w, sets="3", _preview="1")
    data.pop("action")
    page = client.post(INTAKE, data)
    assert page.status_code == 200
    assert "30.000 đồng" in page.content.decode()
    assert Dossier.objects.count() == 0


def test_after_the_cut_off_the_appointment_moves_a_day(w, login, clock):
    clock.move_to("2026-03-02T15:30:00+07:00")
    fragment = login(w.receiver).get("/can-bo/tiep-nhan/xem-truoc/", {"thu_tuc": w.version.pk})
    html = fragment.content.decode()
    assert "Sau 15:00" in html
    # Counting starts Tuesday 07:00, so three working days end Thursday at closing time.
    assert "<strong>17:00</strong> ngày <strong>05/03/2026</strong>" in html


def test_only_receiving_officers_take_in_dossiers(w, login):
    for officer in (w.specialist, w.head, w.supervisor):
        response = login(officer).get(INTAKE)
        assert response.status_code == 403
        assert "Chỉ cán bộ tiếp nhận" in response.content.decode()
    response = login(w.specialist).post(INTAKE, intake_post(w))
    assert response.status_code == 403
    assert Dossier.objects.count() == 0


def test_replaced_or_unknown_procedure_goes_back_to_the_choice(w, login):
    page = login(w.receiver).get(INTAKE, {"thu_tuc": "999999"})
    assert page.status_code == 200
    assert "không còn hiệu lực" in page.content.decode()


def test_an_officer_of_two_centres_chooses_where_the_dossier_is_received(w, login):
    StaffRoleFactory(user=w.receiver, unit=w.commune_centre, role=Role.RECEIVING_OFFICER)
    client = login(w.receiver)
    html = client.get(INTAKE, {"thu_tuc": w.version.pk}).content.decode()
    assert '<select name="receiving_unit"' in html
    assert "Trung tâm PVHCC phường An Xuyên" in html
    response = client.post(INTAKE, intake_post(w, receiving_unit=w.commune_centre.pk))
    assert response.status_code == 302
    assert Dossier.objects.get().code == "H12.50-260302-0001"
    # A centre where the officer does not receive is not a choice.
    outsider = client.post(INTAKE, intake_post(w, receiving_unit=w.justice.pk))
    assert outsider.status_code == 422
    assert Dossier.objects.count() == 1


def test_procedures_received_elsewhere_are_flagged(w, login):
    w.version.receiving_units.set([w.commune_centre])
    client = login(w.receiver)
    listing = client.get(INTAKE, {"q": "hon nhan"}).content.decode()
    assert "Đơn vị của bạn không phải nơi tiếp nhận thủ tục này" in listing
    form = client.get(INTAKE, {"thu_tuc": w.version.pk}).content.decode()
    assert "Thủ tục này không tiếp nhận tại đơn vị của bạn" in form
    refused = client.post(INTAKE, intake_post(w))
    assert refused.status_code == 422
    assert "Đơn vị này không tiếp nhận thủ tục đã chọn." in refused.content.decode()
    assert Dossier.objects.count() == 0
    commune = login(w.commune_receiver).get(INTAKE, {"q": "hon nhan"}).content.decode()
    assert "Đơn vị của bạn không phải nơi tiếp nhận thủ tục này" not in commune
