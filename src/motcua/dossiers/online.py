"""Online submission by the citizen (issue #4 §2, §3, §6): drafts, e-form answers, component uploads or
documents reused from the citizen's store, submission, resubmission after a return for completion, and online
supplements. The portal wizard and the API both call these; every status change still goes through
`services.dossier_transition`, and every write here is one transaction that leaves nothing half-done.

Rules enforced here:
- only the owner's account changes an online dossier, and only while it is a draft or returned for
  completion (`incomplete`); afterwards the centre owns it until it asks for something;
- the e-form is validated by `catalog.eform.eform_validate`, fully at submission;
- every required component is answered at submission, by a scan or by a document of the owner's own store
  (Decree 45/2020 Art. 14: a paper kept electronically is not asked for again); components the state can
  read from its own databases are never required online;
- on submission, uploaded scans are kept in the owner's store for later dossiers;
- a supplement answers exactly the items of the supplement request (Form 02), with the documents and the
  clock's restart in one transaction."""

from __future__ import annotations

import logging
from dataclasses import replace

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.eform import eform_unknown_names, eform_validate
from motcua.catalog.enums import OnlineLevel, VersionStatus
from motcua.catalog.models import ComponentRequirement, ProcedureVersion
from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.core.text import fold
from motcua.docstore.models import StoredDocument
from motcua.docstore.services import stored_document_add
from motcua.org.models import Unit

from .citizen_selectors import online_receiving_units, supplement_items
from .enums import Action, Channel, ReturnMode, Status
from .models import Applicant, Dossier, DossierDocument
from .services import (
    ApplicantData,
    DocumentData,
    IntakeData,
    _applicant_upsert,
    _default_competent_unit,
    _validate_intake,
    dossier_create,
    dossier_documents_add,
    dossier_transition,
)

logger = logging.getLogger(__name__)

ONLINE_LEVELS = (OnlineLevel.END_TO_END, OnlineLevel.PARTIAL)
ONLINE_CHANNELS = (Channel.ONLINE, Channel.ASSISTED_ONLINE)
EDITABLE_STATUSES = (Status.DRAFT, Status.INCOMPLETE)


# --- guards --------------------------------------------------------------------------------------------------
def _require_signed_in(actor) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted(_("Cần đăng nhập để nộp hồ sơ trực tuyến."))


def _lock_own(dossier: Dossier, actor) -> Dossier:
    """The dossier, locked for this transaction, if `actor` owns it; another's looks like a missing one."""
    _require_signed_in(actor)
    locked = (
        Dossier.objects.select_for_update()
        .filter(pk=dossier.pk, owner_id=actor.pk)
        .select_related("procedure_version", "receiving_unit", "competent_unit")
        .first()
    )
    if locked is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    return locked


def _require_editable(dossier: Dossier) -> None:
    if dossier.status not in EDITABLE_STATUSES:
        raise InvalidTransition(
            _("Hồ sơ đang ở trạng thái “%(status)s”, không sửa được nữa.")
            % {"status": Status(dossier.status).label}
        )


def _check_version_online(version: ProcedureVersion) -> None:
    if version.status != VersionStatus.IN_FORCE:
        raise ValidationFailed(
            _("Thủ tục này không còn hiệu lực."),
            details={"procedure": _("Thủ tục này không còn hiệu lực.")},
        )
    if version.online_level not in ONLINE_LEVELS:
        raise ValidationFailed(
            _(
                "Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp trực tiếp hoặc qua bưu chính."
            ),
            details={"procedure": _("Thủ tục này không nộp trực tuyến được.")},
        )


def _check_form_data_names(version: ProcedureVersion, form_data: dict) -> None:
    unknown = eform_unknown_names(version.eform_fields or [], form_data)
    if unknown:
        raise ValidationFailed(
            _("Tờ khai có nội dung không thuộc thủ tục này."),
            details={f"form_data.{name}": _("Không có trong tờ khai của thủ tục.") for name in unknown},
        )


def _clean_form_data(version: ProcedureVersion, form_data: dict, *, partial: bool) -> dict:
    if not isinstance(form_data, dict):
        raise ValidationFailed(
            _("Nội dung tờ khai không hợp lệ."), details={"form_data": _("Phải là một đối tượng.")}
        )
    _check_form_data_names(version, form_data)
    cleaned, errors = eform_validate(version.eform_fields or [], form_data, partial=partial)
    if errors:
        raise ValidationFailed(
            _("Tờ khai chưa hợp lệ, vui lòng kiểm tra lại."),
            details={f"form_data.{name}": message for name, message in errors.items()},
        )
    return cleaned


# --- defaults ------------------------------------------------------------------------------------------------
def applicant_from_profile(user) -> ApplicantData:
    """What the account already knows about its holder: its own fields, then the latest applicant record the
    account submitted as (so the ID number and address typed once are offered again)."""
    known = (
        Applicant.objects.filter(user_id=user.pk).order_by("-updated_at", "-id").first() if user.pk else None
    )
    profile = None
    for attribute in ("citizen_profile", "profile"):
        profile = getattr(user, attribute, None)
        if profile is not None:
            break

    def pick(name: str, *sources):
        for source in sources:
            value = getattr(source, name, None) if source is not None else None
            if value not in (None, ""):
                return value
        return None

    return ApplicantData(
        name=(pick("full_name", user) or pick("name", known) or user.get_username() or "").strip(),
        phone=pick("phone", user, profile, known) or "",
        email=pick("email", user, profile, known) or "",
        id_number=pick("id_number", user, profile, known) or "",
        address=pick("address", user, profile, known) or "",
        date_of_birth=pick("date_of_birth", user, profile, known),
    )


def default_receiving_unit(*, version: ProcedureVersion) -> Unit:
    units = online_receiving_units(version=version)
    if not units:
        raise ValidationFailed(
            _("Chưa có nơi tiếp nhận hồ sơ trực tuyến cho thủ tục này."),
            details={"receiving_unit": _("Chưa có nơi tiếp nhận.")},
        )
    return units[0]


def _check_receiving_unit(version: ProcedureVersion, unit: Unit) -> None:
    if unit.pk not in {u.pk for u in online_receiving_units(version=version)}:
        raise ValidationFailed(
            _("Nơi tiếp nhận đã chọn không nhận hồ sơ của thủ tục này."),
            details={"receiving_unit": _("Chọn một nơi tiếp nhận trong danh sách.")},
        )


def _raise_intake_errors(data: IntakeData) -> None:
    errors = _validate_intake(data)
    if errors:
        raise ValidationFailed(_("Hồ sơ chưa hợp lệ, vui lòng kiểm tra lại."), details=errors)


# --- drafts --------------------------------------------------------------------------------------------------
@transaction.atomic
def online_draft_create(
    *,
    actor,
    version: ProcedureVersion,
    receiving_unit: Unit | None = None,
    applicant: ApplicantData | None = None,
    form_data: dict | None = None,
    return_mode: str = ReturnMode.ONLINE,
    return_address: str = "",
    competent_unit: Unit | None = None,
    channel: str = Channel.ONLINE,
    assisted_by=None,
) -> Dossier:
    """A draft owned by `actor`, prefilled from the account; nothing is sent to the centre until
    `online_submit`. `assisted_by` is the officer helping at the counter (assisted online channel)."""
    _require_signed_in(actor)
    _check_version_online(version)
    if channel not in ONLINE_CHANNELS:
        raise ValidationFailed(
            _("Hình thức nộp không hợp lệ."), details={"channel": _("Chỉ nộp trực tuyến.")}
        )
    if assisted_by is not None and channel != Channel.ASSISTED_ONLINE:
        channel = Channel.ASSISTED_ONLINE
    receiving_unit = receiving_unit or default_receiving_unit(version=version)
    _check_receiving_unit(version, receiving_unit)
    answers = _clean_form_data(version, form_data or {}, partial=True)
    dossier = dossier_create(
        data=IntakeData(
            procedure_version=version,
            receiving_unit=receiving_unit,
            applicant=applicant or applicant_from_profile(actor),
            competent_unit=competent_unit,
            channel=channel,
            return_mode=return_mode,
            return_address=(return_address or "").strip(),
            form_data=answers,
            assisted_by=assisted_by,
        ),
        actor=assisted_by or actor,
        owner=actor,
    )
    logger.info("online draft created", extra={"dossier_id": dossier.pk, "version_id": version.pk})
    return dossier


def _intake_of(dossier: Dossier) -> IntakeData:
    return IntakeData(
        procedure_version=dossier.procedure_version,
        receiving_unit=dossier.receiving_unit,
        competent_unit=dossier.competent_unit,
        applicant=ApplicantData(
            kind=dossier.applicant_kind,
            name=dossier.applicant_name,
            phone=dossier.applicant_phone,
            id_number=dossier.applicant_id_number,
            address=dossier.applicant_address,
            email=dossier.applicant_email,
            date_of_birth=dossier.applicant_date_of_birth,
        ),
        channel=dossier.channel,
        return_mode=dossier.return_mode,
        return_address=dossier.return_address,
    )


@transaction.atomic
def online_draft_update(
    *,
    dossier: Dossier,
    actor,
    form_data: dict | None = None,
    applicant: ApplicantData | None = None,
    return_mode: str | None = None,
    return_address: str | None = None,
    receiving_unit: Unit | None = None,
    competent_unit: Unit | None = None,
) -> Dossier:
    """Save what one page of the wizard answered. `form_data` is merged into the saved answers (an empty
    answer clears one); the other arguments replace what they name; None leaves a value alone. The draft is
    checked by the same rules as any intake, so it is always one `online_submit` away from being sent."""
    locked = _lock_own(dossier, actor)
    _require_editable(locked)
    version = locked.procedure_version
    intake = _intake_of(locked)
    if receiving_unit is not None and receiving_unit.pk != locked.receiving_unit_id:
        _check_receiving_unit(version, receiving_unit)
        intake.receiving_unit = receiving_unit
        # The competent unit followed the old centre (a commune centre → its commune); it follows the new one.
        intake.competent_unit = competent_unit
    elif competent_unit is not None:
        intake.competent_unit = competent_unit
    if applicant is not None:
        intake.applicant = replace(applicant, name=(applicant.name or "").strip())
    if return_mode is not None:
        intake.return_mode = return_mode
        if return_mode != ReturnMode.POSTAL and return_address is None:
            intake.return_address = ""
    if return_address is not None:
        intake.return_address = return_address.strip()
    _raise_intake_errors(intake)
    if form_data is not None:
        answers = _clean_form_data(version, form_data, partial=True)
        locked.form_data = {**(locked.form_data or {}), **answers}
    locked.receiving_unit = intake.receiving_unit
    locked.competent_unit = intake.competent_unit or _default_competent_unit(version, intake.receiving_unit)
    if applicant is not None:
        person = intake.applicant
        locked.applicant = _applicant_upsert(person, owner=locked.owner)
        locked.applicant_kind = person.kind
        locked.applicant_name = person.name
        locked.applicant_search_name = fold(person.name)
        locked.applicant_id_number = person.id_number
        locked.applicant_phone = person.phone
        locked.applicant_email = person.email
        locked.applicant_address = person.address
        locked.applicant_date_of_birth = person.date_of_birth
    locked.return_mode = intake.return_mode
    locked.return_address = intake.return_address if intake.return_mode == ReturnMode.POSTAL else ""
    locked.save()
    return locked


# --- documents -----------------------------------------------------------------------------------------------
def _requirements(version: ProcedureVersion) -> dict[int, ComponentRequirement]:
    return {component.pk: component for component in version.components.all()}


def _check_reuse(document: DocumentData, owner_id: int) -> None:
    stored = document.reused_from
    if stored is None:
        return
    if not isinstance(stored, StoredDocument) or stored.owner_id != owner_id:
        # The same answer as for a document that does not exist: ids of others' papers are not confirmed.
        raise NotPermitted(_("Chỉ dùng lại được giấy tờ trong kho dữ liệu của chính bạn."))


@transaction.atomic
def online_documents_add(*, dossier: Dossier, actor, documents: list[DocumentData]) -> list[DossierDocument]:
    """Attach scans (already checked by `uploads.upload_check`) or store documents to a draft. A component
    has one answer: a new one replaces the one given before."""
    locked = _lock_own(dossier, actor)
    _require_editable(locked)
    if not documents:
        raise ValidationFailed(_("Chọn tệp cần nộp."), details={"documents": _("Chưa có tệp nào.")})
    requirements = _requirements(locked.procedure_version)
    prepared = []
    for index, document in enumerate(documents):
        if document.upload is None and document.reused_from is None:
            raise ValidationFailed(
                _("Chọn tệp bản quét hoặc một giấy tờ trong kho dữ liệu."),
                details={f"documents.{index}": _("Chưa có tệp.")},
            )
        _check_reuse(document, locked.owner_id)
        requirement = None
        if document.requirement_id is not None:
            requirement = requirements.get(document.requirement_id)
            if requirement is None:
                raise ValidationFailed(
                    _("Giấy tờ này không thuộc thành phần hồ sơ của thủ tục."),
                    details={f"documents.{index}": _("Thành phần hồ sơ không hợp lệ.")},
                )
        elif not (document.name or "").strip():
            raise ValidationFailed(
                _("Nhập tên giấy tờ."), details={f"documents.{index}": _("Chưa có tên giấy tờ.")}
            )
        prepared.append(
            replace(
                document,
                name=requirement.name if requirement else document.name.strip(),
                paper_kind=requirement.paper_kind if requirement else document.paper_kind,
                quantity=requirement.quantity if requirement else document.quantity,
                is_received=True,
                is_supplement=False,
            )
        )
    replaced = {d.requirement_id for d in prepared if d.requirement_id is not None}
    if replaced:
        # Rows only: the file may be shared with the store or another dossier, so it is never deleted here.
        locked.documents.filter(requirement_id__in=replaced, is_supplement=False).delete()
    return dossier_documents_add(dossier=locked, documents=prepared, actor=actor)


@transaction.atomic
def online_document_remove(*, dossier: Dossier, actor, document_id) -> None:
    locked = _lock_own(dossier, actor)
    _require_editable(locked)
    deleted, _rows = locked.documents.filter(pk=document_id, is_supplement=False).delete()
    if not deleted:
        raise NotFound(_("Không tìm thấy tệp trong hồ sơ."))


def _keep_in_store(dossier: Dossier, documents) -> None:
    """Decree 45/2020 Art. 15: what the citizen submitted electronically is kept in their own store."""
    for document in documents:
        if document.reused_from_id or not document.file or not document.sha256:
            continue
        requirement = document.requirement
        stored_document_add(
            owner=dossier.owner,
            kind=StoredDocument.Kind.SUBMITTED,
            name=document.name[:300],
            file_name=document.file.name,
            content_type=document.content_type,
            size=document.size,
            sha256=document.sha256,
            source_dossier=dossier,
            component_name=requirement.name if requirement is not None else document.name,
        )


# --- submission ----------------------------------------------------------------------------------------------
def online_missing_components(dossier: Dossier) -> list[ComponentRequirement]:
    """Required components without an answer. One the state reads from its own databases is not asked for
    (Decree 45/2020 Art. 9; Decree 107/2021: "thay thế bằng khai thác dữ liệu")."""
    answered = set(
        dossier.documents.filter(is_supplement=False)
        .exclude(file="")
        .values_list("requirement_id", flat=True)
    )
    return [
        component
        for component in dossier.procedure_version.components.all()
        if component.is_required
        and not component.is_replaceable_by_state_data
        and component.pk not in answered
    ]


def online_submission_problems(dossier: Dossier) -> dict[str, str]:
    """Everything that stops a draft from being sent, keyed like `ValidationFailed.details`."""
    version = dossier.procedure_version
    problems: dict[str, str] = {}
    intake_errors = _validate_intake(_intake_of(dossier))
    problems.update(intake_errors)
    if not dossier.applicant_phone:
        problems["applicant.phone"] = _("Nhập số điện thoại để nhận thông báo về hồ sơ.")
    if not dossier.applicant_id_number:
        problems["applicant.id_number"] = _("Nhập số định danh cá nhân (số CCCD) hoặc mã số doanh nghiệp.")
    _answers, errors = eform_validate(version.eform_fields or [], dossier.form_data or {})
    problems.update({f"form_data.{name}": message for name, message in errors.items()})
    for component in online_missing_components(dossier):
        problems[f"documents.{component.pk}"] = _("Chưa nộp: %(name)s") % {"name": component.name}
    return problems


@transaction.atomic
def online_submit(*, dossier: Dossier, actor) -> Dossier:
    """Send a draft (or a dossier returned for completion) to the receiving centre. The centre answers within
    8 working hours (Decree 45/2020; `services._submit` sets `reply_due_at`)."""
    locked = _lock_own(dossier, actor)
    _require_editable(locked)
    _check_version_online(locked.procedure_version)
    problems = online_submission_problems(locked)
    if problems:
        raise ValidationFailed(_("Hồ sơ chưa đủ để gửi, vui lòng hoàn thiện."), details=problems)
    # Stored answers are normalised once more, in case the e-form changed while the draft waited.
    answers, _errors = eform_validate(locked.procedure_version.eform_fields or [], locked.form_data or {})
    if answers != locked.form_data:
        locked.form_data = answers
        locked.save(update_fields=["form_data", "updated_at"])
    submitted = dossier_transition(dossier=locked, action=Action.SUBMIT, actor=actor)
    _keep_in_store(submitted, submitted.documents.filter(is_supplement=False).select_related("requirement"))
    logger.info("online dossier submitted", extra={"dossier_id": submitted.pk})
    return submitted


@transaction.atomic
def online_supplement_submit(
    *, dossier: Dossier, actor, documents: list[DocumentData], note: str = ""
) -> Dossier:
    """Answer a supplement request from home: one document per item of the request (Form 02), named by the
    item, added beside the original components; the dossier returns to processing and the clock resumes
    with the working time it had left (legal-spec §1.7) — all or nothing."""
    locked = _lock_own(dossier, actor)
    if locked.status != Status.AWAITING_SUPPLEMENT:
        raise InvalidTransition(_("Hồ sơ không ở trạng thái chờ bổ sung."))
    items = supplement_items(dossier=locked)
    given: dict[str, DocumentData] = {}
    problems: dict[str, str] = {}
    for document in documents or []:
        name = (document.name or "").strip()
        if name not in items:
            raise ValidationFailed(
                _("Giấy tờ bổ sung phải theo đúng nội dung được yêu cầu."),
                details={"documents": _("“%(name)s” không có trong yêu cầu bổ sung.") % {"name": name}},
            )
        if document.upload is None and document.reused_from is None:
            continue
        _check_reuse(document, locked.owner_id)
        given[name] = replace(document, name=name, is_supplement=True, is_received=True, requirement_id=None)
    for index, item in enumerate(items):
        if item not in given:
            problems[f"items.{index}"] = _("Chưa nộp: %(item)s") % {"item": item}
    if problems:
        raise ValidationFailed(_("Cần nộp đủ các giấy tờ được yêu cầu bổ sung."), details=problems)
    added = dossier_documents_add(dossier=locked, documents=[given[item] for item in items], actor=actor)
    resumed = dossier_transition(dossier=locked, action=Action.SUPPLEMENT, actor=actor, note=note)
    _keep_in_store(resumed, added)
    logger.info("online supplement submitted", extra={"dossier_id": resumed.pk})
    return resumed
