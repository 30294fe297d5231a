"""Checks on files attached to a petition. The type is read from the first bytes of the file, never from its
name or the browser's Content-Type, which both come from the client."""

from django.utils.translation import gettext as _

from motcua.backoffice.uploads import upload_content_problem, upload_sniff

MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def attachment_kind(file) -> tuple[str, str] | None:
    """(content type, extension) read from the content, or None when it is not a PDF, JPEG or PNG. The same
    signatures as the counter's scans (backoffice/uploads.py), with the petitions' own size limit below."""
    kind = upload_sniff(file)
    return None if kind is None else (kind.content_type, kind.extension)


def attachment_problem(file) -> str | None:
    name = getattr(file, "name", "") or _("tệp")
    size = getattr(file, "size", None)
    if not size:
        return _("Tệp “%(name)s” rỗng.") % {"name": name}
    if size > MAX_ATTACHMENT_BYTES:
        return _("Tệp “%(name)s” lớn hơn 10 MB.") % {"name": name}
    if attachment_kind(file) is None:
        return _("Tệp “%(name)s” không phải là ảnh JPG, PNG hoặc tệp PDF (kiểm tra theo nội dung tệp).") % {
            "name": name
        }
    # The counter's content checks too: oversized images, compression bombs, locked or scripted PDFs.
    return upload_content_problem(file)
