"""Checks on digitised scans uploaded at the counter.

The type is decided by the first bytes of the file, never by its name or the browser's Content-Type: both
come from the client and a renamed executable or text file must not be stored as a "PDF"."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ScanKind:
    content_type: str
    extension: str


_SIGNATURES: tuple[tuple[bytes, ScanKind], ...] = (
    (b"%PDF-", ScanKind("application/pdf", ".pdf")),
    (b"\xff\xd8\xff", ScanKind("image/jpeg", ".jpg")),
    (b"\x89PNG\r\n\x1a\n", ScanKind("image/png", ".png")),
)
_HEAD_BYTES = max(len(signature) for signature, _kind in _SIGNATURES)


def upload_sniff(file) -> ScanKind | None:
    """The scan kind read from the file's first bytes, or None when it is not a PDF, JPEG or PNG."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(position)
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    return None


def upload_check(file) -> str | None:
    """None when `file` may be stored as a digitised scan, else the message to show the officer."""
    name = getattr(file, "name", "") or _("tệp")
    size = getattr(file, "size", None)
    if not size:
        return _("Tệp “%(name)s” rỗng.") % {"name": name}
    if size > MAX_UPLOAD_BYTES:
        return _("Tệp “%(name)s” lớn hơn 20 MB; hãy quét lại với độ phân giải thấp hơn.") % {"name": name}
    if upload_sniff(file) is None:
        return _(
            "Tệp “%(name)s” không phải là PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp). "
            "Chỉ nhận bản quét định dạng PDF, JPG hoặc PNG."
        ) % {"name": name}
    return None


def upload_normalise(file) -> None:
    """After `upload_check`: name and Content-Type follow the content, so the stored file and its download
    carry the real type whatever the client claimed."""
    kind = upload_sniff(file)
    if kind is None:
        return
    file.content_type = kind.content_type
    file.name = f"ban-so-hoa{kind.extension}"
