"""Uploads are judged by their content: a header claiming a huge image, a PDF whose streams inflate to
hundreds of megabytes (a zip bomb inside a PDF), a locked PDF, one with too many pages or with JavaScript are
refused with a Vietnamese message, and nothing is stored."""

from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.backoffice.uploads import upload_check
from motcua.dossiers.models import DossierDocument
from motcua.petitions.models import Petition, PetitionAttachment
from tests.factories import dossier_world
from tests.petitions.helpers import at
from tests.postal.helpers import online_draft
from tests.security.files import build_pdf, encrypted_pdf, png, stream_object

JAVASCRIPT = build_pdf(
    catalog_extra=b"/OpenAction 4 0 R", objects=(b"<< /S /JavaScript /JS (app.alert(1)) >>",)
)
LAUNCH_ON_PAGE_OPEN = build_pdf(
    pages=1, objects=(b"<< /S /Launch /F (cmd.exe) >>",), catalog_extra=b"/AA << /WC 4 0 R >>"
)
EMBEDDED_FILE = build_pdf(catalog_extra=b"/Names << /EmbeddedFiles 4 0 R >>", objects=(b"<< /Names [] >>",))


def _check(content: bytes, name: str = "ban-quet.pdf") -> str | None:
    return upload_check(SimpleUploadedFile(name, content))


def test_ordinary_scans_pass():
    assert _check(build_pdf(pages=12)) is None
    assert _check(build_pdf(objects=(stream_object(b"BT /F1 12 Tf (Trang 1) Tj ET" * 2000),))) is None
    assert _check(png(2480, 3508), "a4-300dpi.png") is None


def test_a_pdf_whose_streams_inflate_past_the_limit_is_refused(settings):
    settings.MOTCUA_UPLOAD_MAX_PDF_INFLATED_BYTES = 8 * 1024 * 1024
    bomb = build_pdf(objects=(stream_object(b"\0" * (64 * 1024 * 1024)),))
    assert len(bomb) < 100 * 1024  # 64 MB of zeros deflate to about 64 kB: a ratio of 1000 to 1
    assert _check(bomb, "bom.pdf") == (
        "Tệp “bom.pdf” chứa dữ liệu nén bất thường (giải nén ra hơn 8 MB) nên không được nhận. "
        "Hãy quét lại tài liệu và tải lên tệp PDF mới."
    )


def test_an_image_claiming_more_pixels_than_a_scan_is_refused():
    message = (
        "Ảnh “bom.png” có kích thước điểm ảnh quá lớn (quá 80 triệu điểm ảnh); hãy quét lại với độ phân giải "
        "thấp hơn."
    )
    assert _check(png(100_000, 100_000), "bom.png") == message  # 10 billion pixels: Pillow's own bomb guard
    assert _check(png(10_000, 9_000), "bom.png") == message  # 90 million: over our limit
    assert _check(png(100_000, 100_000)[:33], "bom.png") == message  # the header alone is enough


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            encrypted_pdf(),
            "Tệp “ban-quet.pdf” được đặt mật khẩu hoặc mã hóa; hãy tải lên bản PDF không đặt mật khẩu.",
        ),
        (build_pdf(pages=301), "Tệp “ban-quet.pdf” có 301 trang, nhiều hơn mức tối đa 300 trang."),
        *[
            (
                scripted,
                "Tệp “ban-quet.pdf” chứa mã lệnh (JavaScript), lệnh mở chương trình hoặc tệp đính kèm bên trong "
                "nên không được nhận. Hãy in ra PDF hoặc quét lại rồi tải lên.",
            )
            for scripted in (JAVASCRIPT, LAUNCH_ON_PAGE_OPEN, EMBEDDED_FILE)
        ],
    ],
)
def test_locked_long_or_active_pdfs_are_refused(content, message):
    assert _check(content) == message


def _stored_files(media_root) -> list[Path]:
    root = Path(media_root)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


@pytest.mark.django_db
def test_the_api_refuses_a_pdf_bomb_and_stores_nothing(client, settings):
    from motcua.accounts.services import api_token_issue

    settings.MOTCUA_UPLOAD_MAX_PDF_INFLATED_BYTES = 8 * 1024 * 1024
    w = dossier_world()
    draft = online_draft(w)
    before, files_before = DossierDocument.objects.count(), _stored_files(settings.MEDIA_ROOT)
    bomb = build_pdf(objects=(stream_object(b"\0" * (64 * 1024 * 1024)),))
    response = client.post(
        f"/api/v1/dossiers/{draft.reference}/documents",
        {"component": "1", "file": SimpleUploadedFile("to-khai.pdf", bomb, "application/pdf")},
        HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=w.citizen)}",
    )
    assert response.status_code == 422
    assert "chứa dữ liệu nén bất thường" in response.json()["error"]["message"]
    assert DossierDocument.objects.count() == before
    assert _stored_files(settings.MEDIA_ROOT) == files_before


@pytest.mark.django_db
def test_a_petition_with_a_bomb_image_is_refused_and_nothing_is_written(client, settings):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        dossier_world()
    form = {
        "subject_kind": "procedure",
        "procedure_code": "1.004873",
        "title": "Đề nghị giảm giấy tờ",
        "description": "Thủ tục yêu cầu nộp bản sao giấy khai sinh dù đã có dữ liệu dân cư.",
        "petitioner_name": "Trần Thị Bình",
        "petitioner_phone": "0912345678",
        "privacy": "public",
        "attachments": SimpleUploadedFile("anh-chup.png", png(100_000, 100_000)),
    }
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        response = client.post("/phan-anh/gui/", form)
    assert response.status_code == 422
    assert "Ảnh “anh-chup.png” có kích thước điểm ảnh quá lớn" in response.content.decode()
    assert Petition.objects.count() == 0 and PetitionAttachment.objects.count() == 0
    assert _stored_files(settings.MEDIA_ROOT) == []


def test_the_refusal_reads_in_english():
    from django.utils import translation

    with translation.override("en"):
        assert _check(build_pdf(pages=301)) == (
            "The file “ban-quet.pdf” has 301 pages, more than the maximum of 300 pages."
        )


def test_uploaded_files_have_no_public_url():
    # Scans hold personal data: they leave the server only through views that check who asks, never from a
    # folder the web server or WhiteNoise publishes.
    from django.urls import get_resolver
    from django.views.static import serve

    import motcua.settings as configured  # the module's own values: conftest gives each test its own media

    media = Path(configured.MEDIA_ROOT).resolve()
    static = Path(configured.STATIC_ROOT).resolve()
    assert not media.is_relative_to(static) and not static.is_relative_to(media)

    def views(resolver):
        for pattern in resolver.url_patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern)
            else:
                yield pattern.callback

    assert serve not in set(views(get_resolver()))
