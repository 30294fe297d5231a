"""PDF reading helpers shared by the paperwork tests."""

import os
from datetime import datetime
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from motcua.workcal.calendar import LOCAL_TZ

BASE_URL = "https://motcua.camau.gov.vn"
A5 = (419.53, 595.28)
A4 = (595.28, 841.89)
A4_LANDSCAPE = (841.89, 595.28)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def keep(filename: str, content: bytes) -> None:
    """With PAPERWORK_ARTIFACTS set (e.g. to test-artifacts/paperwork), keep the file there to be looked at."""
    if os.environ.get("PAPERWORK_ARTIFACTS"):
        folder = Path(os.environ["PAPERWORK_ARTIFACTS"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / filename).write_bytes(content)


def pages_text(pdf: bytes, name: str) -> list[str]:
    """Text of each page with whitespace collapsed (pypdf splits lines and table cells at will)."""
    keep(f"{name}.pdf", pdf)
    assert pdf.startswith(b"%PDF-")
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


def page_size(pdf: bytes) -> tuple[float, float]:
    box = PdfReader(BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names
