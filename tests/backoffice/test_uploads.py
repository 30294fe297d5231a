import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.backoffice.uploads import MAX_UPLOAD_BYTES, upload_check, upload_normalise, upload_sniff


class BigFile(io.BytesIO):
    """A PDF that claims 20 MB + 1 byte without holding it in memory."""

    name = "ho-so.pdf"
    size = MAX_UPLOAD_BYTES + 1


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
    ],
)
def test_pdf_jpeg_and_png_are_accepted_by_their_first_bytes(content, content_type):
    upload = SimpleUploadedFile("anything.bin", content, content_type="application/octet-stream")
    assert upload_check(upload) is None
    assert upload_sniff(upload).content_type == content_type
    upload_normalise(upload)
    assert upload.content_type == content_type
    assert upload.read() == content  # the check leaves the file at its start


@pytest.mark.parametrize(
    "content",
    [
        b"hello, I am text",
        b"MZ\x90\x00 an executable",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"PK\x03\x04",
    ],
)
def test_anything_else_is_refused_whatever_its_name(content):
    upload = SimpleUploadedFile("to-khai.pdf", content, content_type="application/pdf")
    assert upload_check(upload) == (
        "Tệp “to-khai.pdf” không phải là PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp). "
        "Chỉ nhận bản quét định dạng PDF, JPG hoặc PNG."
    )


def test_size_limit_and_empty_files():
    assert upload_check(BigFile(b"%PDF-1.7")) == (
        "Tệp “ho-so.pdf” lớn hơn 20 MB; hãy quét lại với độ phân giải thấp hơn."
    )
    assert upload_check(SimpleUploadedFile("rong.pdf", b"")) == "Tệp “rong.pdf” rỗng."
