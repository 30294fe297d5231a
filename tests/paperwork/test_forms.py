import re

import pytest
import time_machine
from django.utils import translation

from motcua.core.exceptions import InvalidTransition, NotFound
from motcua.dossiers.enums import Action, ReturnMode
from motcua.dossiers.services import DocumentData, dossier_intake, dossier_transition
from motcua.paperwork import forms as paperwork_forms
from motcua.paperwork import render_form
from motcua.paperwork.pdf import FONT_DIR, LocalOnlyFetcher
from motcua.ratings.tokens import rating_qr_token
from tests.factories import dossier_world, intake_data
from tests.paperwork.helpers import A4, A5, BASE_URL, at, font_names, page_size, pages_text

pytestmark = pytest.mark.django_db


def act(dossier, action, actor, **fields):
    return dossier_transition(dossier=dossier, action=action, actor=actor, **fields)


@pytest.fixture
def w():
    return dossier_world()


@pytest.fixture
def received(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        data = intake_data(
            w,
            documents=[
                DocumentData(name="Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"),
                DocumentData(name="Giấy tờ chứng minh nơi cư trú", paper_kind="certified_copy", quantity=2),
            ],
        )
        data.applicant.email = "hoa.nguyen@example.vn"
        return dossier_intake(data=data, actor=w.receiver)


def test_form_01_has_two_a5_copies_with_every_field(w, received, monkeypatch):
    encoded = []
    real_make = paperwork_forms.segno.make

    def spy(content, **kwargs):
        encoded.append(content)
        return real_make(content, **kwargs)

    monkeypatch.setattr(paperwork_forms.segno, "make", spy)
    pdf = render_form(dossier=received, number="01", base_url=BASE_URL + "/")
    pages = pages_text(pdf, "form01")

    assert len(pages) == 2
    assert page_size(pdf) == A5
    # Only the fonts shipped with the package, embedded: never a system font without Vietnamese glyphs.
    assert {name.split("+", 1)[1] for name in font_names(pdf)} == {
        "Motcua-DejaVu-Sans",
        "Motcua-DejaVu-Sans-Bold",
        "Motcua-DejaVu-Sans-Italic",
    }
    # The status QR, and on the applicant's copy the rating QR: a signed id, no personal data.
    status_url, rating_url = encoded
    assert status_url == f"{BASE_URL}/tra-cuu/?ma=H12.99-260302-0001"
    assert rating_url == f"{BASE_URL}/danh-gia/qr/{rating_qr_token(dossier=received)}/"
    assert "Sau khi nhận kết quả, mời ông/bà quét mã QR" in pages[1]
    assert "Liên 1: Lưu tại Bộ phận Một cửa" in pages[0]
    assert "Liên 2: Giao người nộp hồ sơ" in pages[1]
    for text in pages:
        for expected in (
            "UBND TỈNH CÀ MAU",
            "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CÀ MAU",
            "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Cà Mau, ngày 02 tháng 03 năm 2026",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            "Mã hồ sơ: H12.99-260302-0001",
            "Tiếp nhận hồ sơ của: Nguyễn Thị Hoa",
            "Địa chỉ: Phường An Xuyên, tỉnh Cà Mau",
            "Số điện thoại: 0912345678",
            "hoa.nguyen@example.vn",
            "Nội dung yêu cầu giải quyết: Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
            "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân",
            "Giấy tờ chứng minh nơi cư trú Bản sao có chứng thực 02",
            "2. Số lượng hồ sơ: 01 (bộ)",
            "3. Thời gian giải quyết hồ sơ theo quy định: 03 ngày làm việc",
            "4. Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 02/03/2026",
            "5. Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 05/03/2026",
            "6. Đăng ký nhận kết quả tại: Bộ phận Một cửa – Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
            "7. Phí, lệ phí: 10.000 đồng",
            "NGƯỜI NỘP HỒ SƠ",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
            f"{BASE_URL}/tra-cuu/",
        ):
            assert expected in text, expected


def test_form_01_keeps_each_copy_on_one_sheet_with_many_components(w):
    name = "Giấy tờ số {} có tên đủ dài để phải xuống dòng trong bảng thành phần hồ sơ"
    data = intake_data(w, documents=[DocumentData(name=name.format(n)) for n in range(1, 9)])
    data.delegate_name = "Trần Văn Ủy"
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        dossier = dossier_intake(data=data, actor=w.receiver)
    pages = pages_text(render_form(dossier=dossier, number="01", base_url=BASE_URL), "form01-dense")
    assert len(pages) == 2
    assert all(name.format(8) in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text for text in pages)


def test_form_01_postal_return_and_fee_exemption(w):
    data = intake_data(
        w,
        return_mode=ReturnMode.POSTAL,
        return_address="Số 12 Lý Thường Kiệt, phường Tân Thành",
        is_fee_exempt=True,
    )
    with time_machine.travel(at(2026, 3, 2, 15, 30), tick=False):
        dossier = dossier_intake(data=data, actor=w.receiver)
    text = " ".join(pages_text(render_form(dossier=dossier, number="1", base_url=BASE_URL), "form01-postal"))
    assert "Đăng ký nhận kết quả tại: Qua dịch vụ bưu chính công ích, địa chỉ: Số 12 Lý Thường Kiệt" in text
    assert "Phí, lệ phí: Miễn phí, lệ phí" in text
    assert "Thời gian nhận hồ sơ: 15 giờ 30 phút, ngày 02/03/2026" in text
    # After 15:00 the three working days count from the next working day.
    assert dossier.due_at == at(2026, 3, 5, 17, 0)
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 05/03/2026" in text


def test_forms_stay_in_vietnamese_in_an_english_session(w, received):
    with translation.override("en"):
        text = pages_text(render_form(dossier=received, number="01", base_url=BASE_URL), "form01-en")[0]
    assert "Bản chính" in text and "03 ngày làm việc" in text
    assert "Original" not in text and "working days" not in text


def test_form_02_at_the_counter_lists_every_missing_item(w):
    with time_machine.travel(at(2026, 3, 2, 9, 15), tick=False):
        dossier = dossier_intake(
            data=intake_data(w),
            actor=w.receiver,
            action=Action.RETURN_FOR_COMPLETION,
            missing_items=["Tờ khai có chữ ký của người yêu cầu", "Bản sao Giấy khai sinh"],
            note="Tờ khai chưa ký",
        )
    (text,) = pages_text(render_form(dossier=dossier, number="02", base_url=BASE_URL), "form02-counter")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Mã hồ sơ" not in text  # not received: no code yet
    assert "Tiếp nhận hồ sơ của: Nguyễn Thị Hoa" in text
    assert "Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung sau:" in text
    assert "1 Tờ khai có chữ ký của người yêu cầu" in text
    assert "2 Bản sao Giấy khai sinh" in text
    assert "Lý do: Tờ khai chưa ký" in text
    assert "Cà Mau, ngày 02 tháng 03 năm 2026" in text
    assert f"{BASE_URL}/thu-tuc/1.004873/" in text
    assert "NGƯỜI HƯỚNG DẪN" in text


def test_form_02_during_processing_names_the_requesting_body(w, received):
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        dossier = act(received, Action.TRANSFER, w.receiver)
        dossier = act(dossier, Action.FORWARD, w.head)
        dossier = act(
            dossier,
            Action.REQUEST_SUPPLEMENT,
            w.specialist,
            missing_items=["Bản sao Giấy chứng nhận kết hôn", "Xác nhận nơi cư trú"],
        )
    (text,) = pages_text(render_form(dossier=dossier, number="02", base_url=BASE_URL), "form02-processing")
    assert "Mã hồ sơ: H12.99-260302-0001" in text
    assert "Theo đề nghị của: Sở Tư pháp" in text
    assert "1 Bản sao Giấy chứng nhận kết hôn" in text
    assert "2 Xác nhận nơi cư trú" in text
    assert "ngày 03 tháng 03 năm 2026" in text
    # The control slip notes the request against the step that made it.
    slip = " ".join(
        pages_text(render_form(dossier=dossier, number="06", base_url=BASE_URL), "form06-supplement")
    )
    assert "Hồ sơ đang ở: Sở Tư pháp – bước “Thẩm định hồ sơ”" in slip
    assert "03/03/2026 – Yêu cầu bổ sung: Bản sao Giấy chứng nhận kết hôn; Xác nhận nơi cư trú" in slip


def test_form_03_refusal_with_reason(w):
    with time_machine.travel(at(2026, 3, 2, 10, 45), tick=False):
        dossier = dossier_intake(
            data=intake_data(w),
            actor=w.receiver,
            action=Action.REFUSE,
            note="Không thuộc thẩm quyền giải quyết",
        )
    pdf = render_form(dossier=dossier, number="03", base_url=BASE_URL)
    (text,) = pages_text(pdf, "form03")
    assert page_size(pdf) == A5
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Tiếp nhận hồ sơ của: Nguyễn Thị Hoa" in text
    assert (
        "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: Không thuộc thẩm quyền giải quyết"
        in text
    )
    assert "Thời gian nộp hồ sơ: 10 giờ 45 phút, ngày 02/03/2026" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text


def test_form_04_shows_old_and_new_dates_and_the_reason(w, received):
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        dossier = act(received, Action.TRANSFER, w.receiver)
        dossier = act(
            dossier,
            Action.EXTEND,
            w.leader,
            note="Cần xác minh tại nơi cư trú trước đây của người yêu cầu",
            new_due_at=at(2026, 3, 10, 8, 0),
        )
    pdf = render_form(dossier=dossier, number="04", base_url=BASE_URL)
    (text,) = pages_text(pdf, "form04")
    assert page_size(pdf) == A5
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    # The late body writes it, under its parent.
    assert "UBND TỈNH CÀ MAU SỞ TƯ PHÁP" in text
    assert "BỘ PHẬN TIẾP NHẬN" not in text
    assert "Kính gửi: Ông/Bà Nguyễn Thị Hoa" in text
    assert "Ngày 02/03/2026, Trung tâm Phục vụ hành chính công tỉnh Cà Mau tiếp nhận hồ sơ" in text
    assert "mã hồ sơ H12.99-260302-0001" in text
    assert "Thời gian hẹn trả kết quả: 08 giờ 00 phút, ngày 05/03/2026" in text
    assert "Lý do: Cần xác minh tại nơi cư trú trước đây của người yêu cầu" in text
    assert "Thời gian hẹn trả kết quả lại: 08 giờ 00 phút, ngày 10/03/2026" in text
    assert "Cà Mau, ngày 03 tháng 03 năm 2026" in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text


def test_form_05_stop_notice(w, received):
    with time_machine.travel(at(2026, 3, 2, 14, 20), tick=False):
        dossier = act(received, Action.STOP, w.receiver, note="Công dân xin rút hồ sơ")
    (text,) = pages_text(render_form(dossier=dossier, number="05", base_url=BASE_URL), "form05")
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Mã hồ sơ: H12.99-260302-0001" in text
    assert "Kính gửi: Ông/Bà Nguyễn Thị Hoa" in text
    assert "Lý do: Công dân xin rút hồ sơ" in text
    assert "dừng giải quyết hồ sơ kể từ 14 giờ 20 phút, ngày 02/03/2026" in text
    assert "Thời gian nhận hồ sơ: 08 giờ 00 phút, ngày 02/03/2026" in text


def test_form_06_has_a_row_per_hand_over_including_the_department_of_construction(w, received):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False) as clock:
        dossier = act(received, Action.TRANSFER, w.receiver)
        dossier = act(dossier, Action.FORWARD, w.head, assignee=w.specialist)
        clock.shift(60 * 60 * 2)
        dossier = act(dossier, Action.FORWARD, w.specialist)
        dossier = act(dossier, Action.SEND_BACK, w.builder, note="Thiếu bản vẽ, đề nghị thẩm định lại")
        dossier = act(dossier, Action.FORWARD, w.specialist)
        clock.move_to(at(2026, 3, 4, 8, 30))
        dossier = act(dossier, Action.FORWARD, w.builder)
        dossier = act(dossier, Action.APPROVE, w.leader)
        dossier = act(dossier, Action.RETURN_RESULT, w.receiver)
    pdf = render_form(dossier=dossier, number="06", base_url=BASE_URL)
    text = " ".join(pages_text(pdf, "form06"))
    assert page_size(pdf) == A4
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Mã hồ sơ: H12.99-260302-0001" in text
    assert "(Kèm theo hồ sơ của Ông/Bà: Nguyễn Thị Hoa)" in text
    assert "Cơ quan chủ trì giải quyết: Sở Tư pháp" in text
    # transfer, forward ×4, send back, approve, return: eight hand-overs, numbered.
    assert re.findall(r"(\d+)\. Giao:", text) == [str(n) for n in range(1, 9)]
    assert text.count("Giao: 09 giờ 00 phút, ngày 02/03/2026") == 2
    assert "Nhận: Sở Xây dựng (Lấy ý kiến Sở Xây dựng)" in text
    assert "Giao: Sở Xây dựng (Lấy ý kiến Sở Xây dựng)" in text
    assert "Trả lại: Thiếu bản vẽ, đề nghị thẩm định lại" in text
    assert "Nhận: Ông/Bà Nguyễn Thị Hoa" in text
    assert "Giao: 08 giờ 30 phút, ngày 04/03/2026" in text
    assert "Trước hạn" in text and "Quá hạn" in text  # the construction step's 4 hours ran over
    assert "Kết quả giải quyết hồ sơ: Trước hạn (Giải quyết)" in text


def test_form_06_of_a_dossier_still_at_reception(w, received):
    (text,) = pages_text(render_form(dossier=received, number="06", base_url=BASE_URL), "form06-new")
    assert "Hồ sơ chưa được chuyển đến cơ quan giải quyết." in text
    assert "Hồ sơ đang ở: Trung tâm Phục vụ hành chính công tỉnh Cà Mau – bước “Tiếp nhận hồ sơ”" in text


def test_forms_that_do_not_apply_are_refused(w, received):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        refused = dossier_intake(
            data=intake_data(w), actor=w.receiver, action=Action.REFUSE, note="Sai thẩm quyền"
        )
    for dossier, number in (
        (refused, "01"),
        (refused, "06"),
        (received, "02"),
        (received, "03"),
        (received, "04"),
        (received, "05"),
        (refused, "05"),
    ):
        with pytest.raises(InvalidTransition) as error:
            render_form(dossier=dossier, number=number, base_url=BASE_URL)
        assert f"Mẫu số {number}" in error.value.message
    with pytest.raises(NotFound):
        render_form(dossier=received, number="07", base_url=BASE_URL)


def test_rendering_fetches_nothing_but_the_shipped_fonts():
    fetcher = LocalOnlyFetcher()
    for url in (
        "https://example.com/tracker.png",
        "file:///etc/passwd",
        f"{FONT_DIR.as_uri()}/../../settings.py",
        f"{FONT_DIR.as_uri()}/../fonts/../../../motcua/settings.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    response = fetcher.fetch((FONT_DIR / "DejaVuSans.ttf").as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    response.close()
