"""The electronic result of a dossier: a PDF signed (PAdES) with the issuing unit's certificate, kept as the
dossier's `DossierResult` and in the applicant's own document store.

Rules (docs/results.md):
- Decree 45/2020 Art. 17: an electronic result is signed by the agency that issues it and has the value of
  the paper result. It is signed with the competent unit's certificate, or, when that unit has none installed,
  with the receiving centre's (which returns results on its behalf, Decree 61/2018 Art. 19); none is an error.
- Who attaches it: the competent unit's signing leader, the receiving centre's receiving officer, or whoever
  holds the dossier's current step (at that point, the return step).
- When: once the dossier has a decision (`result_ready`), and still after the return (`returned`) so that a
  paper result handed over at the counter can be digitised into the citizen's store (Decree 107/2021 Art. 1
  amending Decree 61/2018: results are digitised). A denial's written answer is a result too.
- Once: a signed result that the citizen may already hold is never replaced silently; a correction is a new
  decision outside this service.

Reads for the interfaces (owner download, status-page download, matching a verified file) are at the end."""

from __future__ import annotations

import hashlib
import logging

from django.core.files.base import ContentFile
from django.db import transaction

from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.org.enums import Role

from .enums import Action, Outcome, Status
from .models import Dossier, DossierResult
from .permissions import actor_acts_in
from .services import dossier_event_record

logger = logging.getLogger(__name__)

RESULT_STATUSES = frozenset({Status.RESULT_READY, Status.RETURNED})
MAX_RESULT_BYTES = 20 * 1024 * 1024
NAME_MAX = 300


# --- writes --------------------------------------------------------------------------------------------------
def dossier_result_may_attach(*, dossier: Dossier, actor) -> bool:
    """The permission part of the rule alone (the page uses it to offer the form or not)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor_acts_in(actor, {Role.SIGNING_LEADER}, dossier.competent_unit):
        return True
    if actor_acts_in(actor, {Role.RECEIVING_OFFICER}, dossier.receiving_unit):
        return True
    step = dossier.current_step
    return step is not None and actor_acts_in(actor, {step.role}, step.unit)


def dossier_result_default_name(dossier: Dossier) -> str:
    if dossier.outcome == Outcome.DENIED:
        return f"Văn bản trả lời kết quả giải quyết hồ sơ {dossier.code}"
    return f"Giấy xác nhận kết quả giải quyết hồ sơ {dossier.code}"


def dossier_result_signing_unit(dossier: Dossier):
    """The competent unit when it has a certificate installed, else the receiving centre, else None."""
    from motcua.paperwork.signing import unit_has_certificate

    for unit in (dossier.competent_unit, dossier.receiving_unit):
        if unit_has_certificate(unit):
            return unit
    return None


def _content_of(pdf) -> bytes:
    if isinstance(pdf, bytes | bytearray):
        return bytes(pdf)
    size = getattr(pdf, "size", None)
    if size is not None and size > MAX_RESULT_BYTES:
        raise ValidationFailed("Tệp kết quả lớn hơn 20 MB.", details={"file": "Tệp lớn hơn 20 MB."})
    pdf.seek(0)
    return pdf.read()


def _guard(dossier: Dossier, actor) -> None:
    if not dossier_result_may_attach(dossier=dossier, actor=actor):
        raise NotPermitted(
            "Chỉ lãnh đạo cơ quan giải quyết, cán bộ tiếp nhận của nơi tiếp nhận hoặc người đang xử lý bước "
            "hiện tại mới được ký số và đính kèm kết quả."
        )
    if dossier.status not in RESULT_STATUSES:
        raise InvalidTransition(
            f"Hồ sơ đang ở trạng thái “{Status(dossier.status).label}”: chỉ đính kèm kết quả điện tử khi hồ sơ "
            "đã có kết quả giải quyết."
        )
    if DossierResult.objects.filter(dossier=dossier).exists():
        raise InvalidTransition("Hồ sơ đã có kết quả điện tử đã ký số; không thể thay thế.")


def _load(pk: int) -> Dossier:
    return Dossier.objects.select_related(
        "procedure_version", "competent_unit", "receiving_unit", "current_step__unit", "owner"
    ).get(pk=pk)


def dossier_result_attach(*, dossier: Dossier, actor, pdf=None, name: str = "") -> DossierResult:
    """Sign `pdf` (bytes or an uploaded file; None: generate the confirmation document) with the issuing
    unit's certificate and keep it as the dossier's electronic result, in one transaction."""
    from motcua.paperwork.signing import pdf_sign

    dossier = _load(dossier.pk)
    _guard(dossier, actor)
    name = " ".join((name or "").split()) or dossier_result_default_name(dossier)
    if len(name) > NAME_MAX:
        raise ValidationFailed(
            f"Tên kết quả dài quá {NAME_MAX} ký tự.", details={"name": f"Tối đa {NAME_MAX} ký tự."}
        )
    unit = dossier_result_signing_unit(dossier)
    if unit is None:
        from motcua.paperwork.signing import CertificateMissing

        raise CertificateMissing(
            f"Chưa có chứng thư số của {dossier.competent_unit.name} hay {dossier.receiving_unit.name}; "
            "đề nghị quản trị hệ thống cài đặt chứng thư số trước khi ký kết quả."
        )
    if pdf is None:
        from motcua.paperwork.result_document import certificate_is_demo, result_document_render

        content = result_document_render(dossier=dossier, signer_unit=unit, is_demo=certificate_is_demo(unit))
    else:
        content = _content_of(pdf)
        if not content.startswith(b"%PDF-"):
            raise ValidationFailed(
                "Kết quả điện tử phải là tệp PDF (kiểm tra theo nội dung tệp).",
                details={"file": "Chọn tệp PDF."},
            )
        if len(content) > MAX_RESULT_BYTES:
            raise ValidationFailed("Tệp kết quả lớn hơn 20 MB.", details={"file": "Tệp lớn hơn 20 MB."})
    # Signed before the lock: signing does not depend on the row, and the lock is then held only briefly.
    signed = pdf_sign(pdf=content, unit=unit, reason=name, location=unit.name)
    digest = hashlib.sha256(signed.content).hexdigest()
    result = DossierResult(
        dossier=dossier,
        name=name,
        sha256=digest,
        size=len(signed.content),
        signer_unit=unit,
        signer_subject=signed.signer_subject[:500],
        signed_at=signed.signed_at,
        created_by=actor,
    )
    result.file.save(f"{dossier.code}-{digest[:12]}.pdf", ContentFile(signed.content), save=False)
    try:
        with transaction.atomic():
            Dossier.objects.select_for_update().get(pk=dossier.pk)
            # Checked again under the lock: the state may have moved, or a colleague attached one meanwhile.
            locked = _load(dossier.pk)
            _guard(locked, actor)
            result.dossier = locked
            result.save()
            # The citizen's timeline and the audit trail show when and by whom the result was signed.
            dossier_event_record(
                dossier=locked,
                action=Action.RESULT_ATTACH,
                actor=actor,
                data={"result": {"sha256": digest, "signer_unit": unit.agency_code}},
            )
            if locked.owner_id is not None:
                from motcua.docstore.models import StoredDocument
                from motcua.docstore.services import stored_document_add

                stored_document_add(
                    owner=locked.owner,
                    kind=StoredDocument.Kind.RESULT,
                    name=name,
                    file_name=result.file.name,
                    content_type="application/pdf",
                    size=result.size,
                    sha256=digest,
                    source_dossier=locked,
                )
    except Exception:
        # Nothing half-written: the file saved above goes when the rows do not exist.
        result.file.delete(save=False)
        raise
    logger.info("dossier %s: electronic result signed by unit %s", dossier.pk, unit.agency_code)
    return result


# --- reads ---------------------------------------------------------------------------------------------------
def dossier_result_for_owner(*, user, reference: str) -> DossierResult:
    """The result of the signed-in citizen's own dossier; anyone else's looks like none at all."""
    from .citizen_selectors import dossier_get_for_citizen

    dossier = dossier_get_for_citizen(user=user, reference=reference)
    result = DossierResult.objects.filter(dossier=dossier).select_related("dossier").first()
    if result is None:
        raise NotFound("Hồ sơ này chưa có kết quả điện tử.")
    return result


def dossier_result_of(dossier: Dossier) -> DossierResult | None:
    return DossierResult.objects.filter(dossier=dossier).select_related("signer_unit", "created_by").first()


def dossier_result_by_sha256(*, sha256: str) -> DossierResult | None:
    """The result whose signed file has exactly this content (a verified download matches its dossier)."""
    if len(sha256) != 64:
        return None
    return (
        DossierResult.objects.filter(sha256=sha256.lower()).select_related("dossier", "signer_unit").first()
    )
