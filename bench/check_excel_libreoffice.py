"""Every Excel workbook the system produces, opened by LibreOffice Calc: the text must arrive intact.

    .venv/bin/python bench/check_excel_libreoffice.py --from 2026-03-01 --to 2026-03-31 [--unit H12] \
        [--database-url sqlite:///data/motcua.sqlite3] [--out test-artifacts/excel-libreoffice]

Builds the report table (grouped by unit, field, procedure, channel and receiving officer), the Decision 766
index, the dossier register (Form 07) of every service centre and the catalogue export from the database
(DATABASE_URL, or the development database; `motcua demo --no-serve` seeds one), converts them with
`soffice --headless --convert-to csv` (every sheet) and `--convert-to pdf`, and checks:

- every cell openpyxl wrote is in LibreOffice's CSV at the same place: text exactly (Unicode NFC, so
  Vietnamese diacritics are neither lost nor decomposed), numbers equal to the report's at the precision
  shown (counts, rates as percentages, hours), dates as dd/mm/yyyy;
- no cell and no PDF page shows an error (#VALUE!, #REF!, #NAME?, #DIV/0!, #N/A, Err:nnn) or "###" (a
  number wider than its column);
- the PDF holds the report's Vietnamese title and names, and is A4 (landscape where the sheet says so);
- with --png, every PDF page is also rendered to PNG (pdftoppm) to look at column widths and wrapping.

Prints one line per workbook and exits 1 on any problem. tests/reports/test_excel_libreoffice.py runs the
same checks on the March 2026 scenario and is skipped where LibreOffice is not installed."""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Calc's CSV filter: comma, double quote, UTF-8 (76), from line 1, default cell format, en-US (1033),
# quoted fields not as text, detect special numbers, cells as shown, no formulas, keep spaces, every sheet
# (-1: one file per sheet, "<name>-<sheet>.csv").
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false,-1"
ERROR_PATTERN = re.compile(r"#VALUE!|#REF!|#NAME\?|#DIV/0!|#N/A|#NUM!|#NULL!|Err:\d+")
A4_PORTRAIT = (595, 842)  # points, rounded


@dataclass
class Workbook:
    name: str  # file stem, ASCII
    content: bytes
    must_show: list[str] = field(default_factory=list)  # text the PDF must contain (NFC)
    landscape: bool = True


@dataclass
class Outcome:
    name: str
    sheets: int = 0
    cells: int = 0
    pdf_pages: int = 0
    problems: list[str] = field(default_factory=list)
    pngs: list[Path] = field(default_factory=list)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def workbooks(*, date_from: date, date_to: date, unit=None) -> list[Workbook]:
    """Every Excel export of the system for the period and unit (None: the whole province)."""
    from motcua.catalog.transfer import catalog_export_xlsx
    from motcua.org.enums import SERVICE_CENTRE_KINDS
    from motcua.org.models import Unit
    from motcua.paperwork import register_xlsx
    from motcua.paperwork.formatting import agency_lines
    from motcua.reports import excel
    from motcua.reports.enums import GroupBy
    from motcua.reports.selectors import summary

    books = []
    for group_by in GroupBy:
        result = summary(date_from=date_from, date_to=date_to, unit=unit, group_by=group_by)
        books.append(
            Workbook(
                name=f"bao-cao-{group_by.value}",
                content=excel.summary_xlsx(result),
                must_show=[
                    "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH",
                    str(result.group_label),
                    "Tổng cộng",
                    *(row.label for row in result.rows),
                ],
            )
        )
    from motcua.reports.index766 import index766

    result = index766(date_from=date_from, date_to=date_to, unit=unit, with_children=True)
    books.append(
        Workbook(
            name="chi-so-766",
            content=excel.index766_xlsx(result),
            must_show=[
                excel.INDEX766_TITLE,
                *(str(g.group.name) for g in result.groups),
                *(str(item.indicator.name) for g in result.groups for item in g.indicators),
            ],
        )
    )
    centres = Unit.objects.filter(kind__in=SERVICE_CENTRE_KINDS).order_by("agency_code")
    if unit is not None:
        from motcua.org.selectors import unit_subtree_ids

        centres = centres.filter(pk__in=unit_subtree_ids([unit.pk]))
    for centre in centres:
        books.append(
            Workbook(
                name=f"so-theo-doi-{centre.agency_code}",
                content=register_xlsx(unit=centre, date_from=date_from, date_to=date_to),
                must_show=["SỔ THEO DÕI HỒ SƠ", "Ngày, tháng, năm", agency_lines(centre)[-1]],
            )
        )
    books.append(Workbook(name="danh-muc-tthc", content=catalog_export_xlsx(), landscape=False))
    return books


def convert(paths: list[Path], target: str, outdir: Path, profile: Path) -> None:
    """One LibreOffice run for all files; its own profile, so a desktop session or a parallel run cannot
    hold the lock."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, paths),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=600,
    )


def _decimals(number_format: str) -> int:
    match = re.search(r"0\.(0+)", number_format)
    return len(match.group(1)) if match else 0


def _expected_text(value, number_format: str) -> str | None:
    """What Calc shows for a value under our number formats (en-US), or None when the value is text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M") if "h" in number_format.lower() else value.strftime("%d/%m/%Y")
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if not isinstance(value, int | float):
        return None
    decimals = _decimals(number_format)
    if number_format.endswith("%"):
        return f"{_half_up(value * 100, decimals):,}%"
    if "#,##0" in number_format:
        return f"{_half_up(value, decimals):,}"
    if number_format == "General":
        return None  # Calc's "General" picks its own digits: compared as a number instead
    return f"{_half_up(value, decimals)}"


def _half_up(value, decimals: int) -> Decimal:
    """Rounded as a spreadsheet shows it: 25.25 → 25.3 (Python's format would give 25.2)."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _same_number(value, shown: str) -> bool:
    try:
        return abs(float(shown.replace(",", "")) - float(value)) < 1e-9 * max(1, abs(float(value)))
    except ValueError:
        return False


def compare_sheet(sheet, rows: list[list[str]], where: str) -> tuple[int, list[str]]:
    """(cells checked, problems) of one worksheet against the CSV Calc wrote for it."""
    problems = []
    checked = 0
    for line, row in enumerate(rows, start=1):
        for column, shown in enumerate(row, start=1):
            if ERROR_PATTERN.search(shown):
                problems.append(f"{where}!{_ref(line, column)}: Calc shows an error: {shown!r}")
            if unicodedata.normalize("NFC", shown) != shown:
                problems.append(f"{where}!{_ref(line, column)}: not NFC: {shown!r}")
    for cells in sheet.iter_rows():
        for cell in cells:
            value = cell.value
            if value is None or not hasattr(cell, "column"):
                continue
            checked += 1
            line, column = cell.row, cell.column
            shown = rows[line - 1][column - 1] if line <= len(rows) and column <= len(rows[line - 1]) else ""
            if isinstance(value, str):
                if value.startswith("=") and cell.data_type == "f":
                    problems.append(f"{where}!{cell.coordinate}: a formula in a report: {value!r}")
                elif shown != value:
                    problems.append(f"{where}!{cell.coordinate}: wrote {value!r}, Calc shows {shown!r}")
                continue
            expected = _expected_text(value, cell.number_format)
            if expected is None and not _same_number(value, shown):
                problems.append(f"{where}!{cell.coordinate}: wrote {value!r}, Calc shows {shown!r}")
            elif expected is not None and shown != expected:
                problems.append(
                    f"{where}!{cell.coordinate}: wrote {value!r} ({cell.number_format}), "
                    f"Calc shows {shown!r}, expected {expected!r}"
                )
    return checked, problems


def _ref(line: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{line}"


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True)
    return unicodedata.normalize("NFC", done.stdout.decode("utf-8"))


def _pdf_pages(path: Path) -> list[tuple[float, float]]:
    done = subprocess.run(["pdfinfo", "-l", "999", str(path)], capture_output=True, check=True, text=True)
    return [
        (float(width), float(height))
        for width, height in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", done.stdout)
    ]


def check(books: list[Workbook], workdir: Path, *, png: bool = False) -> list[Outcome]:
    import openpyxl

    source = workdir / "xlsx"
    csv_dir = workdir / "csv"
    pdf_dir = workdir / "pdf"
    for folder in (source, csv_dir, pdf_dir):
        folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for book in books:
        path = source / f"{book.name}.xlsx"
        path.write_bytes(book.content)
        paths.append(path)
    profile = workdir / "lo-profile"
    convert(paths, CSV_FILTER, csv_dir, profile)
    convert(paths, "pdf", pdf_dir, profile)

    outcomes = []
    for book in books:
        outcome = Outcome(book.name)
        outcomes.append(outcome)
        workbook = openpyxl.load_workbook(BytesIO(book.content))
        for sheet in workbook.worksheets:
            outcome.sheets += 1
            csv_path = csv_dir / f"{book.name}-{sheet.title}.csv"
            if not csv_path.exists() and len(workbook.worksheets) == 1:
                csv_path = csv_dir / f"{book.name}.csv"
            if not csv_path.exists():
                outcome.problems.append(f"{sheet.title}: Calc wrote no CSV ({csv_path.name})")
                continue
            with csv_path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))
            checked, problems = compare_sheet(sheet, rows, f"{book.name}/{sheet.title}")
            outcome.cells += checked
            outcome.problems += problems
        pdf = pdf_dir / f"{book.name}.pdf"
        if not pdf.exists():
            outcome.problems.append("Calc wrote no PDF")
            continue
        text = _pdf_text(pdf)
        pages = _pdf_pages(pdf)
        outcome.pdf_pages = len(pages)
        for wanted in book.must_show:
            wanted = unicodedata.normalize("NFC", wanted)
            # pdftotext breaks wrapped cells into lines: compare with runs of spaces collapsed.
            if wanted and " ".join(wanted.split()) not in " ".join(text.split()):
                outcome.problems.append(f"PDF: {wanted!r} not found")
        if ERROR_PATTERN.search(text) or "###" in text:
            outcome.problems.append("PDF: an error mark or ### (a value wider than its column)")
        for width, height in pages:
            size = tuple(sorted((round(width), round(height))))
            if size != A4_PORTRAIT:
                outcome.problems.append(f"PDF: page {width}×{height} pt is not A4")
                break
            if book.landscape and width < height:
                outcome.problems.append("PDF: portrait pages for a landscape report")
                break
        if png:
            prefix = workdir / "png" / book.name
            prefix.parent.mkdir(exist_ok=True)
            subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(prefix)], check=True)
            outcome.pngs = sorted(prefix.parent.glob(f"{book.name}-*.png"))
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True)
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True)
    parser.add_argument("--unit", help="agency code (default: the whole province)")
    parser.add_argument("--database-url", help="default: DATABASE_URL or the development database")
    parser.add_argument("--out", type=Path, help="keep the xlsx, csv, pdf (and png) here")
    parser.add_argument("--png", action="store_true", help="render every PDF page to PNG (pdftoppm)")
    args = parser.parse_args()
    if soffice() is None:
        print("LibreOffice is not installed: apt-get install libreoffice-calc-nogui poppler-utils")
        return 2
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.utils import translation

    from motcua.org.models import Unit

    translation.activate("vi")
    unit = Unit.objects.get(agency_code=args.unit) if args.unit else None
    books = workbooks(date_from=args.date_from, date_to=args.date_to, unit=unit)
    workdir = args.out or Path(tempfile.mkdtemp(prefix="excel-libreoffice-"))
    outcomes = check(books, workdir, png=args.png)
    failed = 0
    for outcome in outcomes:
        status = "ok" if not outcome.problems else f"{len(outcome.problems)} problem(s)"
        print(
            f"{outcome.name:28} {outcome.sheets} sheet(s) {outcome.cells:6} cells "
            f"{outcome.pdf_pages:3} PDF page(s)  {status}"
        )
        for problem in outcome.problems[:20]:
            print(f"    {problem}")
        for png in outcome.pngs:
            print(f"    {png}")
        failed += bool(outcome.problems)
    print(f"files in {workdir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
