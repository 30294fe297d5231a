"""HTML → PDF with WeasyPrint, using only the fonts shipped in this package."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

FONT_DIR = Path(__file__).resolve().parent / "fonts"
# A family name no system font carries, so fontconfig can never substitute a font without Vietnamese glyphs.
FONT_FAMILY = "Motcua DejaVu Sans"
FONT_FACES = (
    ("DejaVuSans.ttf", "normal", "normal"),
    ("DejaVuSans-Bold.ttf", "bold", "normal"),
    ("DejaVuSans-Oblique.ttf", "normal", "italic"),
)

A5 = "A5 portrait"
A4 = "A4 portrait"
A4_LANDSCAPE = "A4 landscape"
# A5 forms keep their margins small so that Form 01 fits one sheet per copy; the left edge is wider for
# binding, as in Decree 30/2020.
MARGINS = {A5: "9mm 10mm 8mm 14mm", A4: "15mm 15mm 15mm 20mm", A4_LANDSCAPE: "12mm 10mm 12mm 15mm"}


class LocalOnlyFetcher(URLFetcher):
    """Forms carry text typed by citizens and officers: whatever ends up in the HTML, rendering reaches
    neither the network nor any file but the shipped fonts."""

    def fetch(self, url, headers=None):
        if url.startswith("data:") or _is_shipped_font(url):
            return super().fetch(url, headers)
        raise ValueError(f"paperwork: refused to fetch {url[:80]}")


def _is_shipped_font(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    # Resolved, so that `fonts/../../` cannot reach another file.
    return Path(url2pathname(parts.path)).resolve().parent == FONT_DIR


def font_faces() -> list[dict[str, str]]:
    return [
        {"family": FONT_FAMILY, "url": (FONT_DIR / name).as_uri(), "weight": weight, "style": style}
        for name, weight, style in FONT_FACES
    ]


def render_pdf(*, template: str, context: dict, page_size: str, numbered: bool = False) -> bytes:
    html = render_to_string(template, context)
    font_config = FontConfiguration()
    fetcher = LocalOnlyFetcher()
    css = CSS(
        string=render_to_string(
            "paperwork/forms.css",
            {
                "fonts": font_faces(),
                "family": FONT_FAMILY,
                "page_size": page_size,
                "margin": MARGINS[page_size],
                "numbered": numbered,
            },
        ),
        font_config=font_config,
        url_fetcher=fetcher,
    )
    return HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=[css], font_config=font_config
    )
