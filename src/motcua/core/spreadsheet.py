"""Row heights for wrapped text in the .xlsx workbooks we write (openpyxl).

Excel fits a row written without a height to its wrapped text when it opens the file; LibreOffice Calc keeps
the default height, so a long procedure name or address overlaps the next row on screen and on paper
(seen with bench/check_excel_libreoffice.py). Writing the height makes both show the same thing."""

from __future__ import annotations

import math
from collections.abc import Iterable

from openpyxl.utils import get_column_letter

DEFAULT_COLUMN_WIDTH = 8.43  # Excel's, in widths of the digit "0" at 11 pt
# Vietnamese text at a given size averages narrower than the digit "0"; 0.9 keeps a margin.
_CHARACTER_WIDTH = 0.9
_LINE_HEIGHT = 1.32  # points of row height per point of font size


def _column_width(sheet, column: int) -> float:
    return sheet.column_dimensions[get_column_letter(column)].width or DEFAULT_COLUMN_WIDTH


def _lines(text: str, width: float, size: float) -> int:
    per_line = max(1, math.floor(width * 11 / size / _CHARACTER_WIDTH) - 1)
    return sum(max(1, math.ceil(len(paragraph) / per_line)) for paragraph in text.split("\n"))


def fit_row_heights(sheet, rows: Iterable[int]) -> None:
    """Give each row the height its wrapped cells need (cells merged over several rows are left alone)."""
    spans = {}
    for merged in sheet.merged_cells.ranges:
        if merged.min_row == merged.max_row:
            width = sum(_column_width(sheet, c) for c in range(merged.min_col, merged.max_col + 1))
            spans[(merged.min_row, merged.min_col)] = width
        else:
            for row in range(merged.min_row, merged.max_row + 1):
                for column in range(merged.min_col, merged.max_col + 1):
                    spans[(row, column)] = None
    for row in rows:
        height = 0.0
        for cell in sheet[row]:
            if not isinstance(cell.value, str) or not (cell.alignment and cell.alignment.wrap_text):
                continue
            key = (row, cell.column)
            if key in spans and spans[key] is None:
                continue
            width = spans.get(key) or _column_width(sheet, cell.column)
            size = float(cell.font.sz or 11) if cell.font else 11.0
            height = max(height, _lines(cell.value, width, size) * size * _LINE_HEIGHT + 2)
        if height:
            current = sheet.row_dimensions[row].height
            sheet.row_dimensions[row].height = max(height, current or 0)
