"""The summary as the report table provinces send upward: an .xlsx workbook with the agency header, the
two-row grouped heading, one row per group and the totals, ready to print on A4 landscape; and the
Decision 766 index in the same form (`index766_xlsx`)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from motcua.core.spreadsheet import fit_row_heights
from motcua.paperwork.formatting import agency_lines, long_date, place_name, short_date

from .selectors import Summary
from .table import COLUMNS, GROUPS, TITLE, Kind

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
_NUMBER_FORMATS = {Kind.COUNT: "#,##0", Kind.RATE: "0.0%", Kind.HOURS: "0.0"}

HEADER_ROW = 8
FIRST_DATA_ROW = HEADER_ROW + 3  # two heading rows and the row of column numbers
LABEL_COLUMNS = 2  # STT and the group's name


def summary_xlsx(summary: Summary) -> bytes:
    with translation.override("vi"):
        return _build(summary)


def _build(summary: Summary) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Báo cáo TTHC"
    last_column = LABEL_COLUMNS + len(COLUMNS)
    unit = summary.unit

    if unit is not None:
        lines = agency_lines(unit)
        _merged(sheet, 1, 1, 6, lines[0] if len(lines) > 1 else "", Font(size=11))
        _merged(sheet, 2, 1, 6, lines[-1], Font(size=11, bold=True))
    right = last_column - 8
    _merged(sheet, 1, right, last_column, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Font(size=11, bold=True))
    _merged(sheet, 2, right, last_column, "Độc lập - Tự do - Hạnh phúc", Font(size=11, bold=True))
    date_line = long_date(timezone.now())
    if unit is not None:
        date_line = f"{place_name(unit)}, {date_line}"
    _merged(sheet, 3, right, last_column, date_line, Font(size=11, italic=True))
    _merged(sheet, 4, 1, last_column, str(TITLE), Font(size=14, bold=True))
    scope = f"Đơn vị: {unit.name} và các đơn vị trực thuộc" if unit is not None else "Toàn tỉnh"
    _merged(sheet, 5, 1, last_column, scope, Font(size=11, bold=True))
    _merged(
        sheet,
        6,
        1,
        last_column,
        f"Kỳ báo cáo: từ ngày {short_date(summary.date_from)} đến ngày {short_date(summary.date_to)}",
        Font(size=11, italic=True),
    )

    _header(sheet, summary)
    row = FIRST_DATA_ROW
    for index, item in enumerate(summary.rows, start=1):
        _data_row(sheet, row, index, item.label, item.figures, bold=False)
        row += 1
    _data_row(sheet, row, None, "Tổng cộng", summary.totals, bold=True)
    total_row = row

    notes_row = total_row + 2
    sheet.cell(row=notes_row, column=1, value="Ghi chú:").font = Font(bold=True, italic=True)
    notes = [
        "Mới tiếp nhận trực tuyến gồm cả hồ sơ trực tuyến có hỗ trợ của cán bộ.",
        *summary.notes,
    ]
    for offset, note in enumerate(notes, start=1):
        _merged(sheet, notes_row + offset, 1, last_column, f"- {note}", Font(italic=True, size=10))
        sheet.cell(row=notes_row + offset, column=1).alignment = Alignment(horizontal="left", wrap_text=True)

    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 34
    for offset, column in enumerate(COLUMNS, start=LABEL_COLUMNS + 1):
        sheet.column_dimensions[get_column_letter(offset)].width = column.width
    fit_row_heights(
        sheet, [*range(FIRST_DATA_ROW, total_row + 1), *range(notes_row + 1, notes_row + len(notes) + 1)]
    )
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=LABEL_COLUMNS + 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 2}"
    sheet.print_area = f"A1:{get_column_letter(last_column)}{notes_row + len(notes)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    workbook.properties.title = str(TITLE).capitalize()
    if unit is not None:
        workbook.properties.creator = unit.name

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header(sheet, summary: Summary) -> None:
    top, sub, numbers = HEADER_ROW, HEADER_ROW + 1, HEADER_ROW + 2
    for column, title in ((1, "STT"), (2, summary.group_label)):
        sheet.cell(row=top, column=column, value=title)
        sheet.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
    column = LABEL_COLUMNS + 1
    for group in GROUPS:
        first = column
        if group.spans_both_rows:
            sheet.cell(row=top, column=column, value=str(group.heading))
            sheet.merge_cells(start_row=top, start_column=column, end_row=sub, end_column=column)
            column += 1
            continue
        sheet.cell(row=top, column=first, value=str(group.heading))
        for item in group.columns:
            sheet.cell(row=sub, column=column, value=str(item.heading))
            column += 1
        sheet.merge_cells(start_row=top, start_column=first, end_row=top, end_column=column - 1)
    for column in range(1, LABEL_COLUMNS + len(COLUMNS) + 1):
        for row in (top, sub):
            cell = sheet.cell(row=row, column=column)
            cell.font = Font(bold=True, size=10)
            cell.fill = _HEADER_FILL
            cell.border = _BORDER
            cell.alignment = _CENTRE
        number = sheet.cell(row=numbers, column=column, value=f"({column})")
        number.font = Font(italic=True, size=9)
        number.border = _BORDER
        number.alignment = _CENTRE
    sheet.row_dimensions[top].height = 32
    sheet.row_dimensions[sub].height = 58


def _data_row(sheet, row: int, index: int | None, label: str, figures, *, bold: bool) -> None:
    font = Font(bold=bold, size=10)
    sheet.cell(row=row, column=1, value=index)
    sheet.cell(row=row, column=2, value=label)
    for offset, column in enumerate(COLUMNS, start=LABEL_COLUMNS + 1):
        value = getattr(figures, column.attribute)
        cell = sheet.cell(row=row, column=offset, value=value if value is not None else "–")
        if value is None:
            cell.alignment = Alignment(horizontal="center", vertical="top")
        else:
            cell.number_format = _NUMBER_FORMATS[column.kind]
            cell.alignment = Alignment(horizontal="right", vertical="top", indent=1)
    for column in range(1, LABEL_COLUMNS + len(COLUMNS) + 1):
        cell = sheet.cell(row=row, column=column)
        cell.border = _BORDER
        cell.font = font
        if bold:
            cell.fill = _TOTAL_FILL
    sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center", vertical="top")
    sheet.cell(row=row, column=2).alignment = Alignment(vertical="top", wrap_text=True)


def _merged(sheet, row: int, first: int, last: int, value: str, font: Font) -> None:
    sheet.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    cell = sheet.cell(row=row, column=first, value=value)
    cell.font = font
    cell.alignment = Alignment(horizontal="center", vertical="center")


# --- Decision 766 index --------------------------------------------------------------------------------------
INDEX766_TITLE = "BỘ CHỈ SỐ CHỈ ĐẠO, ĐIỀU HÀNH VÀ ĐÁNH GIÁ CHẤT LƯỢNG PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP"
INDEX766_HEADINGS = (
    ("Mã", 22),
    ("Chỉ số", 32),
    ("Công thức và nguồn", 44),
    ("Tử số", 9),
    ("Mẫu số", 9),
    ("Tỷ lệ", 9),
    ("Điểm", 9),
    ("Tối đa", 8),
    ("Ghi chú", 34),
)
INDEX766_HEADER_ROW = 8
_WRAP_TOP = Alignment(vertical="top", wrap_text=True)
_NUMBER_TOP = Alignment(horizontal="right", vertical="top", indent=1)


def index766_xlsx(result) -> bytes:
    """The Decision 766 index of a unit and period (reports.index766.Index766) as a workbook: the indicators
    with their formula, figures and points by group, then the child units' group points on a second sheet.
    Indicators the system cannot compute say so, with the reason, and add nothing (as on the page)."""
    with translation.override("vi"):
        return _build_index766(result)


def _build_index766(result) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Chỉ số 766"
    last_column = len(INDEX766_HEADINGS)
    _document_head(sheet, result.unit, last_column, INDEX766_TITLE, result.date_from, result.date_to)
    _merged(
        sheet,
        7,
        1,
        last_column,
        f"Điểm: {result.points:g} / {result.max_computed} điểm được tính (thang {result.maximum}); "
        "chỉ số chưa tính được không cộng điểm và không tính vào điểm tối đa.",
        Font(size=10, italic=True),
    )
    row = INDEX766_HEADER_ROW
    for column, (heading, width) in enumerate(INDEX766_HEADINGS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
        _head_cell(sheet.cell(row=row, column=column, value=heading))
    row += 1
    first_data_row = row
    for group in result.groups:
        values = [group.group.code, str(group.group.name), group.group.source, None, None, None]
        values += [group.points, group.max_computed, f"Thang {group.group.maximum} điểm"]
        _index_row(sheet, row, values, bold=True)
        row += 1
        for item in group.indicators:
            indicator = item.indicator
            formula = (
                f"{indicator.formula}\nNguồn: {indicator.source}"
                if indicator.source
                else str(indicator.formula)
            )
            if item.points is not None:
                note = item.note or ("Nhập tay" if item.state == "manual" else "")
            else:
                note = " ".join(part for part in ("Chưa tính được.", item.reason) if part)
            values = [
                indicator.code,
                str(indicator.name),
                formula,
                item.numerator,
                item.denominator,
                item.ratio,
                item.points,
                indicator.maximum,
                note,
            ]
            _index_row(sheet, row, values, bold=False)
            row += 1
    _index_row(
        sheet,
        row,
        [
            None,
            "Tổng cộng (chỉ số đã tính)",
            None,
            None,
            None,
            None,
            result.points,
            result.max_computed,
            None,
        ],
        bold=True,
    )
    fit_row_heights(sheet, range(first_data_row, row + 1))
    _print_setup(sheet, header_row=INDEX766_HEADER_ROW, last_column=last_column, last_row=row)
    sheet.freeze_panes = sheet.cell(row=first_data_row, column=3)

    if result.children:
        children = workbook.create_sheet("Đơn vị trực thuộc")
        columns = len(result.groups) + 4
        _document_head(children, result.unit, columns, INDEX766_TITLE, result.date_from, result.date_to)
        headings = [("Mã định danh", 12), ("Đơn vị", 36)]
        headings += [(f"{g.group.code}. {g.group.name}", 14) for g in result.groups]
        headings += [("Tổng điểm", 10), ("Tối đa đã tính", 10)]
        for column, (heading, width) in enumerate(headings, start=1):
            children.column_dimensions[get_column_letter(column)].width = width
            _head_cell(children.cell(row=INDEX766_HEADER_ROW, column=column, value=heading))
        row = INDEX766_HEADER_ROW + 1
        for unit, groups in result.children:
            values = [unit.agency_code, unit.name, *(g.points for g in groups)]
            values += [round(sum(g.points for g in groups), 2), sum(g.max_computed for g in groups)]
            _index_row(children, row, values, bold=False, text_columns=2)
            row += 1
        fit_row_heights(children, [INDEX766_HEADER_ROW, *range(INDEX766_HEADER_ROW + 1, row)])
        _print_setup(children, header_row=INDEX766_HEADER_ROW, last_column=columns, last_row=row - 1)

    workbook.properties.title = "Chỉ số 766"
    if result.unit is not None:
        workbook.properties.creator = result.unit.name
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _document_head(sheet, unit, last_column: int, title: str, date_from, date_to) -> None:
    """Agency and national motto, place and date, title, scope and period: rows 1–6."""
    half = max(2, last_column // 2)
    if unit is not None:
        lines = agency_lines(unit)
        _merged(sheet, 1, 1, half, lines[0] if len(lines) > 1 else "", Font(size=11))
        _merged(sheet, 2, 1, half, lines[-1], Font(size=11, bold=True))
    right = half + 1
    _merged(sheet, 1, right, last_column, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Font(size=11, bold=True))
    _merged(sheet, 2, right, last_column, "Độc lập - Tự do - Hạnh phúc", Font(size=11, bold=True))
    date_line = long_date(timezone.now())
    if unit is not None:
        date_line = f"{place_name(unit)}, {date_line}"
    _merged(sheet, 3, right, last_column, date_line, Font(size=11, italic=True))
    _merged(sheet, 4, 1, last_column, title, Font(size=13, bold=True))
    sheet.cell(row=4, column=1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    scope = f"Đơn vị: {unit.name} và các đơn vị trực thuộc" if unit is not None else "Toàn tỉnh"
    _merged(sheet, 5, 1, last_column, scope, Font(size=11, bold=True))
    _merged(
        sheet,
        6,
        1,
        last_column,
        f"Kỳ đánh giá: từ ngày {short_date(date_from)} đến ngày {short_date(date_to)}",
        Font(size=11, italic=True),
    )
    fit_row_heights(sheet, [4])


def _head_cell(cell) -> None:
    cell.font = Font(bold=True, size=10)
    cell.fill = _HEADER_FILL
    cell.border = _BORDER
    cell.alignment = _CENTRE


def _index_row(sheet, row: int, values: list, *, bold: bool, text_columns: int = 3) -> None:
    """Text in the first `text_columns`, then figures: ratios as percentages, points with two decimals."""
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column, value=value)
        cell.border = _BORDER
        cell.font = Font(bold=bold, size=10)
        if bold:
            cell.fill = _TOTAL_FILL
        if column <= text_columns or isinstance(value, str):
            cell.alignment = _WRAP_TOP
            continue
        if value is None:
            cell.value = "–"
            cell.alignment = Alignment(horizontal="center", vertical="top")
            continue
        cell.alignment = _NUMBER_TOP
        heading = sheet.cell(row=INDEX766_HEADER_ROW, column=column).value
        if heading == "Tỷ lệ":
            cell.number_format = "0.0%"
        elif isinstance(value, float):
            cell.number_format = "0.00"
        else:
            cell.number_format = "#,##0"


def _print_setup(sheet, *, header_row: int, last_column: int, last_row: int) -> None:
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
