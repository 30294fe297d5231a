from datetime import date, datetime
from io import BytesIO

import pytest
import time_machine
from openpyxl import load_workbook

from motcua.core.exceptions import ValidationFailed
from motcua.dossiers.enums import Action
from motcua.dossiers.services import dossier_intake, dossier_transition
from motcua.paperwork import register_xlsx, render_register
from motcua.paperwork.register import FIRST_DATA_ROW, HEADER_ROW, register_rows
from tests.factories import dossier_world, intake_data
from tests.paperwork.helpers import A4_LANDSCAPE, at, keep, page_size, pages_text

pytestmark = pytest.mark.django_db


def intake(w, when, *, name="Nguyễn Thị Hoa", unit=None, actor=None, **kwargs):
    data = intake_data(w)
    data.applicant.name = name
    if unit is not None:
        data.receiving_unit = unit
    with time_machine.travel(when, tick=False):
        return dossier_intake(data=data, actor=actor or w.receiver, **kwargs)


@pytest.fixture
def w():
    return dossier_world()


@pytest.fixture
def book(w):
    """Dossiers around a 02/03–05/03/2026 register of the provincial centre."""
    b = {}
    b["before"] = intake(w, at(2026, 3, 1, 23, 50), name="Trần Văn Trước")
    b["first"] = intake(w, at(2026, 3, 2, 8, 0))
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False) as clock:
        dossier = dossier_transition(dossier=b["first"], action=Action.TRANSFER, actor=w.receiver)
        for actor in (w.head, w.specialist, w.builder):
            dossier = dossier_transition(dossier=dossier, action=Action.FORWARD, actor=actor)
        clock.move_to(at(2026, 3, 3, 14, 0))
        dossier = dossier_transition(dossier=dossier, action=Action.APPROVE, actor=w.leader)
        clock.move_to(at(2026, 3, 4, 10, 15))
        b["first"] = dossier_transition(dossier=dossier, action=Action.RETURN_RESULT, actor=w.receiver)
    b["stopped"] = intake(w, at(2026, 3, 3, 10, 30), name="Lê Thị Dừng")
    with time_machine.travel(at(2026, 3, 3, 11, 0), tick=False):
        b["stopped"] = dossier_transition(
            dossier=b["stopped"], action=Action.STOP, actor=w.receiver, note="Công dân xin rút hồ sơ"
        )
    b["extended"] = intake(w, at(2026, 3, 4, 8, 0), name="Mai Văn Gia Hạn")
    with time_machine.travel(at(2026, 3, 4, 8, 30), tick=False):
        dossier = dossier_transition(dossier=b["extended"], action=Action.TRANSFER, actor=w.receiver)
        b["extended"] = dossier_transition(
            dossier=dossier,
            action=Action.EXTEND,
            actor=w.leader,
            note="Cần xác minh",
            new_due_at=at(2026, 3, 12, 8, 0),
        )
    # Received at 23:30 local on the last day: its UTC date is the same, the local date decides.
    b["late_evening"] = intake(w, at(2026, 3, 5, 23, 30), name="Phạm Văn Tối")
    # 00:30 local on 06/03 is still 05/03 in UTC: outside the range.
    b["after"] = intake(w, at(2026, 3, 6, 0, 30), name="Võ Văn Sau")
    b["refused"] = intake(
        w, at(2026, 3, 3, 9, 0), name="Đỗ Văn Từ Chối", action=Action.REFUSE, note="Sai thẩm quyền"
    )
    b["elsewhere"] = intake(
        w, at(2026, 3, 3, 9, 0), name="Hồ Văn Xã", unit=w.commune_centre, actor=w.commune_receiver
    )
    return b


def test_register_pdf_lists_the_dossiers_received_in_the_range(w, book):
    with time_machine.travel(at(2026, 3, 6, 16, 0), tick=False):
        pdf = render_register(
            unit=w.centre, date_from=date(2026, 3, 2), date_to=date(2026, 3, 5), user=w.receiver
        )
    text = " ".join(pages_text(pdf, "form07"))
    assert page_size(pdf) == A4_LANDSCAPE
    for expected in (
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CÀ MAU",
        "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "SỔ THEO DÕI HỒ SƠ",
        "Từ ngày 02/03/2026 đến ngày 05/03/2026",
        "Cà Mau, ngày 06 tháng 03 năm 2026",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Cơ quan chủ trì giải quyết",
        "Ngày, tháng, năm",
        "Ghi chú",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        "Phường An Xuyên, tỉnh Cà Mau; ĐT: 0912345678",
        "Lê Thị Dừng",
        "Dừng giải quyết",
        "Phạm Văn Tối",
        "Tổng số: 4 hồ sơ.",
        "NGƯỜI LẬP SỔ",
        "Trang 1/1",
    ):
        assert expected in text, expected
    assert (
        text.index(book["first"].code)
        < text.index(book["stopped"].code)
        < text.index(book["late_evening"].code)
    )
    # The first dossier: received, due, transferred, result from the department, returned.
    assert "02/03/2026 08:00 05/03/2026 08:00 02/03/2026 09:00 03/03/2026 14:00 04/03/2026 10:15" in text
    for outside in ("Trần Văn Trước", "Võ Văn Sau", "Đỗ Văn Từ Chối", "Hồ Văn Xã"):
        assert outside not in text


def test_register_rows_take_two_queries_whatever_the_number_of_dossiers(w, book, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = register_rows(unit=w.centre, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert len(rows) == 6


def test_register_without_dossiers_and_with_a_bad_range(w):
    pdf = render_register(
        unit=w.centre, date_from=date(2026, 3, 2), date_to=date(2026, 3, 2), user=w.receiver
    )
    text = " ".join(pages_text(pdf, "form07-empty"))
    assert "Không có hồ sơ được tiếp nhận trong khoảng thời gian này." in text
    assert "Tổng số: 0 hồ sơ." in text
    with pytest.raises(ValidationFailed):
        render_register(unit=w.centre, date_from=date(2026, 3, 5), date_to=date(2026, 3, 2), user=w.receiver)
    with pytest.raises(ValidationFailed):
        register_xlsx(unit=w.centre, date_from=date(2025, 1, 1), date_to=date(2026, 3, 2))


def test_register_excel_has_the_same_rows_formatted(w, book):
    with time_machine.travel(at(2026, 3, 6, 16, 0), tick=False):
        content = register_xlsx(unit=w.centre, date_from=date(2026, 3, 2), date_to=date(2026, 3, 5))
    keep("form07.xlsx", content)
    sheet = load_workbook(BytesIO(content)).active
    assert sheet.title == "Sổ theo dõi hồ sơ"
    assert sheet["A2"].value == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH CÀ MAU"
    assert sheet["H1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert sheet["H3"].value == "Cà Mau, ngày 06 tháng 03 năm 2026"
    assert sheet["A4"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A4"].font.bold
    assert sheet["A5"].value == "Từ ngày 02/03/2026 đến ngày 05/03/2026"
    headers = [sheet.cell(row=HEADER_ROW, column=c).value for c in range(1, 14)]
    assert headers[:7] == [
        "STT",
        "Mã hồ sơ",
        "Tên thủ tục hành chính",
        "Số lượng hồ sơ (bộ)",
        "Tên cá nhân, tổ chức",
        "Địa chỉ, số điện thoại",
        "Cơ quan chủ trì giải quyết",
    ]
    assert headers[7] == "Ngày, tháng, năm"
    assert headers[12] == "Ghi chú"
    assert [sheet.cell(row=HEADER_ROW + 1, column=c).value for c in range(8, 13)] == [
        "Nhận hồ sơ",
        "Hẹn trả kết quả",
        "Chuyển hồ sơ đến cơ quan giải quyết",
        "Nhận kết quả từ cơ quan giải quyết",
        "Trả kết quả cho cá nhân, tổ chức",
    ]
    anchors = [(HEADER_ROW, c) for c in (*range(1, 9), 13)] + [(HEADER_ROW + 1, c) for c in range(8, 13)]
    assert all(sheet.cell(row=r, column=c).font.bold for r, c in anchors)
    assert sheet.column_dimensions["C"].width == 34

    rows = [
        [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, max_col=13)
        if row[1].value
    ]
    assert [row[1] for row in rows] == [
        book[key].code for key in ("first", "stopped", "extended", "late_evening")
    ]
    first = rows[0]
    assert first[:7] == [
        1,
        "H12.99-260302-0001",
        "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        1,
        "Nguyễn Thị Hoa",
        "Phường An Xuyên, tỉnh Cà Mau; ĐT: 0912345678",
        "Sở Tư pháp",
    ]
    assert first[7:12] == [
        datetime(2026, 3, 2, 8, 0),
        datetime(2026, 3, 5, 8, 0),
        datetime(2026, 3, 2, 9, 0),
        datetime(2026, 3, 3, 14, 0),
        datetime(2026, 3, 4, 10, 15),
    ]
    assert first[12] == "Trước hạn"
    assert rows[1][12] == "Dừng giải quyết"
    assert rows[2][8] == datetime(2026, 3, 12, 8, 0)
    assert rows[2][12] == "Đã gia hạn (Mẫu số 04); hẹn trả ban đầu 09/03/2026 08:00; Đang xử lý"
    assert rows[3][12] == "Đã tiếp nhận"
    received_cell = sheet.cell(row=FIRST_DATA_ROW, column=8)
    assert received_cell.number_format == "dd/mm/yyyy hh:mm"
    assert received_cell.border.left.style == "thin"
    assert sheet.cell(row=FIRST_DATA_ROW + len(rows) + 1, column=1).value == "Tổng số: 4 hồ sơ."
    assert sheet.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert sheet.page_setup.orientation == "landscape"
