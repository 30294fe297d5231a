"""The Excel exports opened by LibreOffice Calc (bench/check_excel_libreoffice.py) on the March 2026
scenario: Vietnamese text intact, the report's numbers as shown, no error cell, A4 pages. Skipped, saying
why, where LibreOffice or poppler-utils is not installed; the checker's own comparison is tested everywhere."""

import csv
import importlib.util
import shutil
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest

# One scenario for the module (tests/reports/conftest.py): no test here needs an empty database.
SHARED_SCENARIO = True

CHECKER_PATH = Path(__file__).resolve().parents[2] / "bench" / "check_excel_libreoffice.py"
_spec = importlib.util.spec_from_file_location("check_excel_libreoffice", CHECKER_PATH)
checker = importlib.util.module_from_spec(_spec)
sys.modules.setdefault(_spec.name, checker)  # dataclasses look their module up there
_spec.loader.exec_module(checker)

MISSING = [tool for tool in ("pdftotext", "pdfinfo") if shutil.which(tool) is None]
if checker.soffice() is None:
    MISSING.insert(0, "soffice")
needs_libreoffice = pytest.mark.skipif(
    bool(MISSING),
    reason=f"needs LibreOffice Calc and poppler-utils ({', '.join(MISSING)} not found): "
    "apt-get install libreoffice-calc-nogui poppler-utils",
)


@needs_libreoffice
def test_every_excel_export_reads_the_same_in_libreoffice(scenario, tmp_path):
    w = scenario.w
    books = checker.workbooks(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), unit=w.province)
    names = [book.name for book in books]
    assert names[:5] == [
        "bao-cao-unit",
        "bao-cao-field",
        "bao-cao-procedure",
        "bao-cao-channel",
        "bao-cao-officer",
    ]
    assert (
        "chi-so-766" in names
        and "danh-muc-tthc" in names
        and any(name.startswith("so-theo-doi-") for name in names)
    )

    outcomes = checker.check(books, tmp_path)

    assert {o.name: o.problems for o in outcomes if o.problems} == {}
    assert all(o.cells > 40 and o.pdf_pages >= 1 for o in outcomes)
    # The report's own figures, as Calc shows them (the same row as tests/reports/test_excel.py).
    with (tmp_path / "csv" / "bao-cao-unit-Báo cáo TTHC.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row[1]: row for row in csv.reader(handle) if len(row) > 1}
    assert rows["Sở Tư pháp"][2:23] == [
        "10", "1", "6", "1", "2", "6", "3", "1", "2", "3", "2", "1", "2", "1", "1",
        "66.7%", "22.2%", "11.1%", "28.6%", "25.3", "24.0",
    ]  # fmt: skip
    assert rows["Tổng cộng"][2:4] == ["11", "1"]
    assert rows["Cơ quan giải quyết"][:3] == ["STT", "Cơ quan giải quyết", "Số hồ sơ nhận giải quyết"]
    pdf_text = checker._pdf_text(tmp_path / "pdf" / "bao-cao-procedure.pdf")
    assert "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản" in " ".join(pdf_text.split())


def _sheet(values: dict):
    book = openpyxl.Workbook()
    sheet = book.active
    for coordinate, (value, number_format) in values.items():
        sheet[coordinate] = value
        sheet[coordinate].number_format = number_format
    return sheet


def test_the_checker_finds_lost_diacritics_wrong_numbers_and_error_cells():
    sheet = _sheet(
        {
            "A1": ("Sở Tư pháp", "General"),
            "B1": (0.6667, "0.0%"),
            "C1": (25.25, "0.0"),
            "D1": (1234, "#,##0"),
        }
    )
    assert checker.compare_sheet(sheet, [["Sở Tư pháp", "66.7%", "25.3", "1,234"]], "x") == (4, [])

    checked, problems = checker.compare_sheet(
        sheet, [["So Tu phap", "66.6%", "Err:502", "1234"], ["#VALUE!"]], "x"
    )
    assert checked == 4
    assert problems == [
        "x!C1: Calc shows an error: 'Err:502'",
        "x!A2: Calc shows an error: '#VALUE!'",
        "x!A1: wrote 'Sở Tư pháp', Calc shows 'So Tu phap'",
        "x!B1: wrote 0.6667 (0.0%), Calc shows '66.6%', expected '66.7%'",
        "x!C1: wrote 25.25 (0.0), Calc shows 'Err:502', expected '25.3'",
        "x!D1: wrote 1234 (#,##0), Calc shows '1234', expected '1,234'",
    ]
    decomposed = "Sở Tư pháp".replace("ở", "ơ\u0309")
    _, problems = checker.compare_sheet(sheet, [[decomposed, "66.7%", "25.3", "1,234"]], "x")
    assert problems[0] == f"x!A1: not NFC: {decomposed!r}"
