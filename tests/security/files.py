"""Crafted files for the upload checks, built in the test: well-formed PDFs (with a chosen number of pages,
actions, streams or an encryption dictionary) and PNG headers claiming any size."""

import io
import struct
import zlib


def build_pdf(
    *, pages: int = 1, catalog_extra: bytes = b"", objects: tuple[bytes, ...] = (), trailer_extra: bytes = b""
) -> bytes:
    """A well-formed PDF: catalog (1), page tree (2), `pages` empty pages, then `objects` numbered after them."""
    first_page = 3
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
    ]
    bodies += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    bodies += list(objects)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (
        b"trailer\n<< /Size %d /Root 1 0 R " % (len(bodies) + 1)
        + trailer_extra
        + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    )
    return bytes(out)


def stream_object(payload: bytes) -> bytes:
    compressed = zlib.compress(payload, 9)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(compressed) + compressed + b"\nendstream"


def png(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height; its one IDAT holds a few bytes only."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 100))
        + chunk(b"IEND", b"")
    )


def encrypted_pdf() -> bytes:
    """Locked with a user password by pyHanko, as a real PDF tool would."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(build_pdf()), strict=False))
    writer.encrypt("owner-secret", "user-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
