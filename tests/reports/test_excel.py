import io
from datetime import date

import openpyxl

from motcua.reports.excel import FIRST_DATA_ROW, HEADER_ROW, summary_xlsx
from motcua.reports.selectors import summary

# One scenario for the module (tests/reports/conftest.py): no test here needs an empty database.
SHARED_SCENARIO = True


def test_report_table_in_excel(scenario):
    w = scenario.w
    result = summary(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), unit=w.province)
    book = openpyxl.load_workbook(io.BytesIO(summary_xlsx(result)))
    sheet = book.active
    assert sheet["A4"].value == "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert sheet["A5"].value == "Đơn vị: UBND tỉnh Cà Mau và các đơn vị trực thuộc"
    assert sheet["A6"].value == "Kỳ báo cáo: từ ngày 01/03/2026 đến ngày 31/03/2026"
    top = [c.value for c in sheet[HEADER_ROW]]
    sub = [c.value for c in sheet[HEADER_ROW + 1]]
    assert top[:3] == ["STT", "Cơ quan giải quyết", "Số hồ sơ nhận giải quyết"]
    for heading in ("Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết", "Dừng giải quyết", "Tỷ lệ"):
        assert heading in top
    assert sub[2:7] == [
        "Tổng số",
        "Kỳ trước chuyển qua",
        "Mới tiếp nhận trực tiếp",
        "Mới tiếp nhận qua bưu chính",
        "Mới tiếp nhận trực tuyến",
    ]
    assert sub[7:11] == ["Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn"]
    assert f"C{HEADER_ROW}:G{HEADER_ROW}" in {str(r) for r in sheet.merged_cells.ranges}

    def values(row):
        return [c.value for c in sheet[row]][:23]

    # STT, name, handled, carried, counter, postal, online, resolved, early, on time, late, in progress,
    # within time, overdue, returned, stopped, refused, 4 rates, 2 average times.
    assert values(FIRST_DATA_ROW) == [
        1, "Sở Tư pháp", 10, 1, 6, 1, 2, 6, 3, 1, 2, 3, 2, 1, 2, 1, 1,
        0.6667, 0.2222, 0.1111, 0.2857, 25.25, 24.0,
    ]  # fmt: skip
    assert values(FIRST_DATA_ROW + 1)[:3] == [2, "Phòng Hành chính tư pháp", 1]
    totals_row = FIRST_DATA_ROW + 2
    assert values(totals_row) == [
        None, "Tổng cộng", 11, 1, 7, 1, 2, 7, 3, 2, 2, 3, 2, 1, 2, 1, 1,
        0.7143, 0.2, 0.1, 0.25, 22.36, 21.71,
    ]  # fmt: skip
    assert all(sheet.cell(row=totals_row, column=c).font.bold for c in range(1, 24))
    assert sheet.cell(row=totals_row, column=18).number_format == "0.0%"
    assert sheet.cell(row=totals_row, column=3).border.left.style == "thin"
    assert sheet.freeze_panes == f"C{FIRST_DATA_ROW}"
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    notes = [sheet.cell(row=r, column=1).value or "" for r in range(totals_row + 1, sheet.max_row + 1)]
    assert any("hài lòng" in note for note in notes)


def test_empty_rates_are_a_dash(scenario):
    result = summary(date_from=date(2026, 4, 10), date_to=date(2026, 4, 10), group_by="channel")
    sheet = openpyxl.load_workbook(io.BytesIO(summary_xlsx(result))).active
    totals = [c.value for c in sheet[FIRST_DATA_ROW + len(result.rows)]][:23]
    assert totals[1] == "Tổng cộng"
    assert totals[17] == "–"  # no dossier resolved on 10 April: no on-time rate
