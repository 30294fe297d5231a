"""Checks on uploaded scans (the counter, online submission, result verification, petitions).

The type is decided by the first bytes of the file, never by its name or the browser's Content-Type: both
come from the client and a renamed executable or text file must not be stored as a "PDF". Then the content
itself (docs/security.md): images whose header claims more pixels than a scan has (a decompression bomb for
every viewer), PDFs whose compressed streams inflate far beyond any scan, encrypted PDFs (nobody can archive
or print them), PDFs with more pages than a dossier, and PDFs that carry JavaScript, launch actions or
embedded files. Nothing is decompressed into memory or onto disk to decide: sizes are counted as they stream.
A file the parsers cannot read at all is judged by its signature only, as before."""

import io
import re
import warnings
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A4 at 600 dpi is 35 million pixels, A3 at 600 dpi 70 million.
MAX_IMAGE_PIXELS = 80_000_000
MAX_PDF_PAGES = 300
# Scans are JPEG inside the PDF (not inflated by zlib); text and vector pages inflate a few MB at most.
MAX_PDF_INFLATED_BYTES = 256 * 1024 * 1024


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
    return upload_content_problem(file)


def upload_content_problem(file) -> str | None:
    """After the signature check: None when the content is safe to store and to open, else the message."""
    kind = upload_sniff(file)
    if kind is None:
        return None
    name = getattr(file, "name", "") or _("tệp")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    try:
        if kind.content_type == "application/pdf":
            return _pdf_problem(file.read(), name)
        return _image_problem(file, name)
    finally:
        file.seek(position)


def _limit(setting: str, default: int) -> int:
    return int(getattr(settings, setting, default))


def _image_problem(file, name: str) -> str | None:
    from PIL import Image

    too_big = _(
        "Ảnh “%(name)s” có kích thước điểm ảnh quá lớn (quá %(limit)s triệu điểm ảnh); hãy quét lại với độ phân "
        "giải thấp hơn."
    ) % {"name": name, "limit": _limit("MOTCUA_UPLOAD_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS) // 1_000_000}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # open() reads the header only: the pixels are never decoded here.
            with Image.open(file, formats=("JPEG", "PNG")) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return too_big
    except (OSError, ValueError, SyntaxError):
        # Pillow wants more than the header; a PNG still states its size in the first chunk, which is what
        # a viewer allocates for.
        file.seek(0)
        head = file.read(24)
        if head[12:16] != b"IHDR":
            return None
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
    if width * height > _limit("MOTCUA_UPLOAD_MAX_IMAGE_PIXELS", MAX_IMAGE_PIXELS):
        return too_big
    return None


_STREAM = re.compile(rb"stream\r?\n")


def _inflated_size(data: bytes, cap: int) -> int:
    """Total size of the PDF's zlib streams once inflated, counted chunk by chunk and stopped past `cap`."""
    total = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        if data[start : start + 1] not in (b"\x78", b"\x58", b"\x08", b"\x68", b"\x48", b"\x28", b"\x18"):
            continue  # not a zlib header: an image stream (DCT, JBIG2, CCITT) or plain content
        end = data.find(b"endstream", start)
        inflater = zlib.decompressobj()
        chunk = data[start : end if end != -1 else len(data)]
        try:
            out = inflater.decompress(chunk, 1024 * 1024)
            total += len(out)
            while inflater.unconsumed_tail and total <= cap:
                out = inflater.decompress(inflater.unconsumed_tail, 1024 * 1024)
                if not out:
                    break
                total += len(out)
        except zlib.error:
            continue
        if total > cap:
            return total
    return total


_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}


def _has_active_content(reader, pages: list) -> bool:
    """JavaScript, launch actions or embedded files where a PDF viewer would find and run or open them."""
    root = reader.root

    def active(action) -> bool:
        try:
            action = action.get_object() if hasattr(action, "get_object") else action
            return hasattr(action, "get") and str(action.get("/S", "")) in _ACTIVE_ACTIONS
        except Exception:  # a broken reference is not an action
            return False

    names = root.get("/Names")
    if names is not None and ("/JavaScript" in names or "/EmbeddedFiles" in names):
        return True
    if active(root.get("/OpenAction")):
        return True
    for trigger in (root.get("/AA") or {}).values():
        if active(trigger):
            return True
    if "/AcroForm" in root and "/XFA" in root["/AcroForm"]:
        return True
    for page in pages:
        for trigger in (page.get("/AA") or {}).values():
            if active(trigger):
                return True
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if str(annotation.get("/Subtype", "")) in {"/FileAttachment", "/RichMedia", "/Movie", "/Screen"}:
                return True
            if active(annotation.get("/A")):
                return True
            for trigger in (annotation.get("/AA") or {}).values():
                if active(trigger):
                    return True
    return False


def _pages(reader) -> list:
    """The page dictionaries, walking /Kids with a guard against loops and at most the page limit."""
    limit = _limit("MOTCUA_UPLOAD_MAX_PDF_PAGES", MAX_PDF_PAGES)
    pages, seen, stack = [], set(), [reader.root.raw_get("/Pages")]
    while stack and len(pages) <= limit:
        reference = stack.pop()
        key = getattr(reference, "reference", None) or id(reference)
        if key in seen:
            continue
        seen.add(key)
        node = reference.get_object() if hasattr(reference, "get_object") else reference
        if str(node.get("/Type", "")) == "/Page" or "/Kids" not in node:
            pages.append(node)
        else:
            stack.extend(reversed(list(node["/Kids"])))
    return pages


def _pdf_problem(data: bytes, name: str) -> str | None:
    cap = _limit("MOTCUA_UPLOAD_MAX_PDF_INFLATED_BYTES", MAX_PDF_INFLATED_BYTES)
    if _inflated_size(data, cap) > cap:
        return _(
            "Tệp “%(name)s” chứa dữ liệu nén bất thường (giải nén ra hơn %(limit)s MB) nên không được nhận. "
            "Hãy quét lại tài liệu và tải lên tệp PDF mới."
        ) % {"name": name, "limit": cap // (1024 * 1024)}
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
    except Exception:  # the parser gave up: the signature check alone decides, as for any unreadable scan
        # ... unless it gave up on an encryption dictionary it could not use: still a locked file.
        encrypted = re.search(rb"/Encrypt\b", data) is not None
        if not encrypted:
            return None
    if encrypted:
        return _("Tệp “%(name)s” được đặt mật khẩu hoặc mã hóa; hãy tải lên bản PDF không đặt mật khẩu.") % {
            "name": name
        }
    try:
        walked = _pages(reader)
        # /Count is only what the file says; the walk counts what a viewer would show.
        pages = max(int(reader.root["/Pages"].get("/Count", 0)), len(walked))
        active = _has_active_content(reader, walked)
    except Exception:
        return None
    max_pages = _limit("MOTCUA_UPLOAD_MAX_PDF_PAGES", MAX_PDF_PAGES)
    if pages > max_pages:
        return _("Tệp “%(name)s” có %(pages)s trang, nhiều hơn mức tối đa %(max)s trang.") % {
            "name": name,
            "pages": pages,
            "max": max_pages,
        }
    if active:
        return _(
            "Tệp “%(name)s” chứa mã lệnh (JavaScript), lệnh mở chương trình hoặc tệp đính kèm bên trong nên "
            "không được nhận. Hãy in ra PDF hoặc quét lại rồi tải lên."
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
