"""Row heights written for wrapped text (motcua.core.spreadsheet, used by the report table and the register):
LibreOffice keeps a row without a height at one line, so long names would overlap the next row
(bench/check_excel_libreoffice.py)."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.core.spreadsheet import fit_row_heights

WRAP = Alignment(wrap_text=True, vertical="top")


def test_rows_get_the_height_of_their_longest_wrapped_cell():
    sheet = Workbook().active
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 10
    name = "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"  # 46 characters: 3 lines of 20 widths at 11 pt
    sheet["A1"], sheet["B1"] = name, "12/03/2026"
    sheet["A1"].alignment = sheet["B1"].alignment = WRAP
    sheet["A2"] = "Sở Tư pháp"
    sheet["A2"].alignment = WRAP
    sheet["A3"] = name  # not wrapped: Calc shows one line that runs over, the height stays
    sheet["A4"] = name
    sheet["A4"].alignment = WRAP
    sheet["A4"].font = Font(size=8)  # smaller text: fewer, lower lines

    fit_row_heights(sheet, range(1, 5))

    heights = [sheet.row_dimensions[row].height for row in range(1, 5)]
    assert heights[0] == 3 * 11 * 1.32 + 2
    assert heights[1] == 11 * 1.32 + 2
    assert heights[2] is None
    assert heights[3] == 2 * 8 * 1.32 + 2


def test_merged_cells_count_their_whole_width_and_never_shrink_a_row():
    sheet = Workbook().active
    for letter in "ABC":
        sheet.column_dimensions[letter].width = 20
    sheet.merge_cells("A1:C1")
    sheet["A1"] = "Ghi chú: " + "x" * 100  # 109 characters over 60 widths: 2 lines
    sheet["A1"].alignment = WRAP
    sheet.merge_cells("A2:A3")  # over two rows: left to the rows' own heights
    sheet["A2"] = "y" * 200
    sheet["A2"].alignment = WRAP
    sheet.row_dimensions[4].height = 40
    sheet["A4"] = "short"
    sheet["A4"].alignment = WRAP

    fit_row_heights(sheet, range(1, 5))

    assert sheet.row_dimensions[1].height == 2 * 11 * 1.32 + 2
    assert sheet.row_dimensions[2].height is None
    assert sheet.row_dimensions[4].height == 40
