"""Assisted online submission (nộp trực tuyến có hỗ trợ, DESIGN §8): at the counter, an officer files the
online dossier for a citizen who cannot do it alone — the e-form, the scans of the papers — and submits it on
their behalf. It is recorded as its own channel with the officer in `assisted_by`, so the figures count it as
online without pretending the citizen typed it. The citizen's own account is linked when one was found, so the
dossier appears under "my dossiers" and the scans go to their document store (Decree 45/2020 Art. 15).

The dossier follows the online rules of `online.py` (a procedure offered online, the e-form complete, every
required component scanned) and the lifecycle of every online dossier: submitted, with its reply clock, then
received or returned for completion by the centre — at once, in the same transaction, when the officer chooses
to (the applicant is standing at the counter)."""

from __future__ import annotations

from django.db import transaction

from motcua.catalog.eform import eform_unknown_names, eform_validate
from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.docstore.models import StoredDocument
from motcua.docstore.services import stored_document_add
from motcua.org.enums import Role
from motcua.org.selectors import user_is_staff_member

from .enums import Action, Channel
from .models import Dossier
from .online import ONLINE_LEVELS, online_submission_problems
from .permissions import actor_acts_in
from .services import IntakeData, _validate_intake, dossier_create, dossier_transition

# What the officer may do right after submitting: nothing more (it waits in the online worklist like any
# online dossier), or the reception decision the counter would take.
FOLLOW_UPS = (None, Action.RECEIVE, Action.RETURN_FOR_COMPLETION, Action.REFUSE)


def _problems_before_create(data: IntakeData) -> dict[str, str]:
    """What `online_submission_problems` would find, read from the input so nothing is stored (not even a
    scan) when the dossier cannot be sent."""
    version = data.procedure_version
    problems = dict(_validate_intake(data))
    if version.online_level not in ONLINE_LEVELS:
        problems["procedure"] = "Thủ tục này chưa cung cấp dịch vụ công trực tuyến."
    if not data.applicant.phone:
        problems["applicant.phone"] = "Nhập số điện thoại để người nộp nhận thông báo về hồ sơ."
    if not data.applicant.id_number:
        problems["applicant.id_number"] = "Nhập số định danh cá nhân (số CCCD) hoặc mã số doanh nghiệp."
    fields = version.eform_fields or []
    for name in eform_unknown_names(fields, data.form_data or {}):
        problems[f"form_data.{name}"] = "Không có trong tờ khai của thủ tục."
    answers, errors = eform_validate(fields, data.form_data or {})
    problems.update({f"form_data.{name}": message for name, message in errors.items()})
    if not errors:
        data.form_data = answers
    scanned = {
        doc.requirement_id for doc in data.documents if doc.upload is not None or doc.reused_from is not None
    }
    for component in version.components.all():
        if (
            component.is_required
            and not component.is_replaceable_by_state_data
            and component.pk not in scanned
        ):
            problems[f"documents.{component.pk}"] = f"Chưa có bản quét: {component.name}"
    return problems


@transaction.atomic
def assisted_online_submit(
    *, data: IntakeData, actor, owner=None, then: str | None = None, note: str = "", **fields
) -> Dossier:
    """Create, submit and (optionally) decide an assisted online dossier in one transaction. `actor` is a
    receiving officer of the receiving centre; `owner` the citizen's own account, never an officer's."""
    if not getattr(actor, "is_authenticated", False) or not actor_acts_in(
        actor, {Role.RECEIVING_OFFICER}, data.receiving_unit
    ):
        raise NotPermitted("Chỉ cán bộ tiếp nhận của đơn vị mới nộp trực tuyến thay người dân.")
    if then not in FOLLOW_UPS:
        raise ValidationFailed("Thao tác sau khi nộp không hợp lệ.", details={"action": "Không hợp lệ."})
    if owner is not None and (not owner.is_active or user_is_staff_member(owner)):
        raise ValidationFailed(
            "Chỉ liên kết được với tài khoản của chính người dân.",
            details={"owner": "Tài khoản không hợp lệ."},
        )
    data.channel = Channel.ASSISTED_ONLINE
    data.assisted_by = actor
    # Online papers are scans, each counted as handed in (the originals are checked at the counter).
    for document in data.documents:
        document.is_received = document.upload is not None or document.reused_from is not None
    problems = _problems_before_create(data)
    if problems:
        raise ValidationFailed("Hồ sơ chưa đủ để nộp trực tuyến, vui lòng hoàn thiện.", details=problems)
    dossier = dossier_create(data=data, actor=actor, owner=owner)
    # The online rules have the last word, on the stored dossier.
    problems = online_submission_problems(dossier)
    if problems:
        raise ValidationFailed("Hồ sơ chưa đủ để nộp trực tuyến, vui lòng hoàn thiện.", details=problems)
    dossier = dossier_transition(dossier=dossier, action=Action.SUBMIT, actor=actor)
    if owner is not None:
        for document in dossier.documents.select_related("requirement"):
            if document.reused_from_id or not document.file or not document.sha256:
                continue
            stored_document_add(
                owner=owner,
                kind=StoredDocument.Kind.SUBMITTED,
                name=document.name[:300],
                file_name=document.file.name,
                content_type=document.content_type,
                size=document.size,
                sha256=document.sha256,
                source_dossier=dossier,
                component_name=document.requirement.name if document.requirement_id else document.name,
            )
    if then is not None:
        dossier = dossier_transition(dossier=dossier, action=then, actor=actor, note=note, **fields)
    return dossier
