"""Checking a downloaded electronic result: is it signed, by whom, when, is the signature mathematically sound,
does the signer's certificate chain to a root this system trusts, and was anything changed after signing.

The answer is a structured `Verdict`; the verification page and `motcua verify_result` only present it. No
revocation data is fetched (the demo CA publishes none, and a verifier must not reach the network on the
strength of a URL inside an uploaded file); a province whose provider publishes CRLs adds them in a later step."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from io import BytesIO

from django.utils.translation import gettext_lazy as _

from .signing import DEMO_MARK, trust_roots

# Problems, each with the sentence shown to the person who uploaded the file.
UNREADABLE = "unreadable"
UNSIGNED = "unsigned"
NOT_INTACT = "not_intact"
BAD_SIGNATURE = "bad_signature"
UNTRUSTED = "untrusted"
CHANGED = "changed_after_signing"
PARTIAL = "partial_coverage"

MESSAGES = {
    UNREADABLE: _("Tệp không phải là PDF hợp lệ hoặc đã bị hỏng, không đọc được."),
    UNSIGNED: _("Tệp PDF không có chữ ký số."),
    NOT_INTACT: _("Nội dung đã ký bị thay đổi: dữ liệu không còn khớp với chữ ký số."),
    BAD_SIGNATURE: _("Chữ ký số không hợp lệ về mặt mật mã."),
    UNTRUSTED: _(
        "Chứng thư số của người ký không thuộc tổ chức cung cấp dịch vụ chứng thực được hệ thống tin cậy, "
        "hoặc đã hết hiệu lực."
    ),
    CHANGED: _("Tệp đã bị sửa đổi, bổ sung sau khi ký số."),
    PARTIAL: _("Chữ ký số chỉ bao phủ một phần của tệp."),
}


@dataclass(frozen=True)
class SignatureCheck:
    field_name: str
    signer_subject: str
    signer_name: str  # the certificate's common name: the signing unit
    signer_organisation: str
    is_demo: bool
    signed_at: dt.datetime | None  # as the signer's computer stated it (no time-stamp authority yet)
    is_intact: bool
    is_valid: bool
    is_trusted: bool
    covers_whole_file: bool
    is_changed_after_signing: bool

    @property
    def is_ok(self) -> bool:
        return self.is_intact and self.is_valid and self.is_trusted and not self.is_changed_after_signing


@dataclass(frozen=True)
class Verdict:
    sha256: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems

    @property
    def signature(self) -> SignatureCheck | None:
        """The last signature: the one that has to cover the file as it is."""
        return self.signatures[-1] if self.signatures else None

    @property
    def is_changed_after_signing(self) -> bool:
        return any(code in self.problems for code in (NOT_INTACT, CHANGED, PARTIAL))

    @property
    def messages(self) -> list[str]:
        return [str(MESSAGES[code]) for code in self.problems]


def pdf_verify(pdf: bytes) -> Verdict:
    """Check every signature in `pdf` against the configured trust roots."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator import ValidationContext

    sha256 = hashlib.sha256(pdf).hexdigest()
    if not pdf.startswith(b"%PDF-"):
        return Verdict(sha256=sha256, problems=[UNREADABLE])
    try:
        embedded = list(PdfFileReader(BytesIO(pdf), strict=False).embedded_signatures)
    except Exception:  # pyHanko raises many kinds of error for a damaged file
        return Verdict(sha256=sha256, problems=[UNREADABLE])
    if not embedded:
        return Verdict(sha256=sha256, problems=[UNSIGNED])
    roots = trust_roots()
    checks = []
    for signature in embedded:
        # A fresh context per signature: a context caches what it has validated.
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        checks.append(_check(signature, context))
    problems: list[str] = []
    for check in checks:
        for failed, code in (
            (not check.is_intact, NOT_INTACT),
            (not check.is_valid, BAD_SIGNATURE),
            # pyHanko does not judge the chain of a signature whose digest fails: that is not a trust verdict.
            (check.is_intact and check.is_valid and not check.is_trusted, UNTRUSTED),
            (check.is_changed_after_signing, CHANGED),
        ):
            if failed and code not in problems:
                problems.append(code)
    if not checks[-1].covers_whole_file and CHANGED not in problems:
        problems.append(CHANGED)
    return Verdict(sha256=sha256, signatures=checks, problems=problems)


def _check(signature, context) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel

    from .signing import outside_event_loop

    certificate = signature.signer_cert
    subject = certificate.subject.native
    organisation = str(subject.get("organization_name", ""))
    common = {
        "field_name": str(signature.field_name or ""),
        "signer_subject": certificate.subject.human_friendly,
        "signer_name": str(subject.get("common_name", "")),
        "signer_organisation": organisation,
        "is_demo": DEMO_MARK in certificate.subject.human_friendly,
    }
    try:
        status = outside_event_loop(validate_pdf_signature, signature, context)
    except Exception:  # a signature that cannot even be checked is not a valid one, whatever the reason
        return SignatureCheck(
            **common,
            signed_at=signature.self_reported_timestamp,
            is_intact=False,
            is_valid=False,
            is_trusted=False,
            covers_whole_file=False,
            is_changed_after_signing=True,
        )
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # Adding signatures or validation data after a signature is allowed by PDF; anything else is a change.
    acceptable = status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and status.modification_level in (
        ModificationLevel.NONE,
        ModificationLevel.LTA_UPDATES,
        ModificationLevel.FORM_FILLING,
    )
    changed = not whole and not (acceptable and status.docmdp_ok)
    signed_at = status.signer_reported_dt
    return SignatureCheck(
        **common,
        signed_at=signed_at,
        is_intact=bool(status.intact),
        is_valid=bool(status.valid),
        is_trusted=bool(status.trusted),
        covers_whole_file=whole,
        is_changed_after_signing=changed,
    )
