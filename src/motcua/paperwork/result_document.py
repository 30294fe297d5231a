"""A generated result document ("Giấy xác nhận kết quả giải quyết hồ sơ") for dossiers whose paper result is
not uploaded: the demo, tests, and procedures whose result is itself a confirmation of the decision."""

from __future__ import annotations

from django.utils import timezone, translation

from motcua.dossiers.enums import Outcome
from motcua.dossiers.models import Dossier

from .formatting import agency_lines, long_date, moment, place_name
from .pdf import A4, render_pdf
from .signing import DEMO_MARK, unit_certificate_path


def result_document_render(*, dossier: Dossier, signer_unit, is_demo: bool) -> bytes:
    """The PDF to be signed by `signer_unit`; `is_demo` prints that it has no legal value."""
    now = timezone.now()
    approved = dossier.outcome != Outcome.DENIED
    with translation.override("vi"):
        context = {
            "document_title": f"Kết quả giải quyết hồ sơ {dossier.code}",
            "author": signer_unit.name,
            "body_class": "a4",
            "agency_lines": agency_lines(signer_unit),
            "is_reception": False,
            "place_date": f"{place_name(signer_unit)}, {long_date(now)}",
            "code": dossier.code,
            "approved": approved,
            "applicant_name": dossier.applicant_name,
            "applicant_address": dossier.applicant_address,
            "procedure_name": dossier.procedure_version.name,
            "competent_unit": dossier.competent_unit.name,
            "received_at": moment(dossier.received_at),
            "decided_at": moment(dossier.result_ready_at) if dossier.result_ready_at else "",
            "reason": _denial_reason(dossier) if not approved else "",
            "signer_unit": signer_unit.name,
            "is_demo": is_demo,
            "demo_mark": DEMO_MARK,
        }
        return render_pdf(template="paperwork/result.html", context=context, page_size=A4)


def _denial_reason(dossier: Dossier) -> str:
    from motcua.dossiers.enums import Action

    event = dossier.events.filter(action=Action.DENY).order_by("-seq").first()
    return (event.data.get("reason") or event.note) if event else ""


def certificate_is_demo(unit) -> bool:
    """Whether the unit's certificate is a demo one (its subject carries the demo mark)."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from django.conf import settings

    try:
        _key, certificate, _others = pkcs12.load_key_and_certificates(
            unit_certificate_path(unit).read_bytes(), settings.MOTCUA_CERT_PASSPHRASE.encode()
        )
    except (OSError, ValueError):
        return False
    return certificate is not None and DEMO_MARK in certificate.subject.rfc4514_string()
