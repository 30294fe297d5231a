"""Every write to a dossier. `dossier_transition` is the one entry point for lifecycle actions: it locks the
dossier, checks the actor's role in the right unit and the legal guards, changes the state, writes the
history row (the control slip), recomputes the clocks and schedules notifications after commit."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from motcua.catalog.content import version_unit_ids
from motcua.catalog.enums import StepUnitMode, TimeUnit, VersionStatus
from motcua.catalog.models import ProcedureVersion, ProcessStep
from motcua.catalog.services import fee_compute
from motcua.core import prepared
from motcua.core.batching import dossier_change_batch, dossier_created
from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.core.text import fold
from motcua.org.enums import Role
from motcua.org.models import Unit
from motcua.workcal.calendar import HOURS_PER_DAY, WorkingCalendar
from motcua.workcal.selectors import calendar_for_unit

from . import notify
from .enums import Action, Channel, Outcome, PauseKind, ReturnMode, Status, Timeliness
from .history import event_hash_of, history_data_normalise
from .models import (
    Applicant,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierEvent,
    DossierPause,
    DossierStep,
)
from .permissions import actor_acts_in
from .selectors import dossier_process_steps, dossier_step_unit, is_return_step
from .transitions import Rule, Scope, rule_for

logger = logging.getLogger(__name__)


# --- input shapes -------------------------------------------------------------------------------------------
@dataclass
class ApplicantData:
    name: str
    phone: str = ""
    id_number: str = ""
    address: str = ""
    email: str = ""
    date_of_birth: object = None
    kind: str = "person"


@dataclass
class DocumentData:
    name: str
    paper_kind: str = "original"
    quantity: int = 1
    requirement_id: int | None = None
    is_received: bool = True
    upload: object = None  # a Django UploadedFile, already checked by `uploads.upload_check`
    reused_from: object = None  # a docstore.StoredDocument of the applicant's own (Decree 45/2020)
    is_supplement: bool = False


@dataclass
class IntakeData:
    procedure_version: ProcedureVersion
    receiving_unit: Unit
    applicant: ApplicantData
    competent_unit: Unit | None = None
    channel: str = Channel.COUNTER
    return_mode: str = ReturnMode.COUNTER
    return_address: str = ""
    documents: list[DocumentData] = field(default_factory=list)
    delegate_name: str = ""
    delegate_id_number: str = ""
    delegate_phone: str = ""
    sets: int = 1
    pages: int = 0
    is_fee_exempt: bool = False
    note: str = ""
    form_data: dict = field(default_factory=dict)  # answers to the procedure's e-form, already validated
    postal_item_code: str = ""
    postal_posted_on: object = None
    assisted_by: object = None  # the officer submitting online on the citizen's behalf


# --- clocks --------------------------------------------------------------------------------------------------
def timeliness_of(finished: datetime, due: datetime) -> Timeliness:
    """Early: before the due day; on time: by the due instant; late: after it (DESIGN §8)."""
    local_finished, local_due = timezone.localtime(finished), timezone.localtime(due)
    if local_finished.date() < local_due.date():
        return Timeliness.EARLY
    if finished <= due:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def dossier_due(*, version: ProcedureVersion, calendar: WorkingCalendar, received_at: datetime) -> datetime:
    """The appointment date from the committed time (a same-day procedure received after 15:00 is due the next
    working day; a period counts from the next working day after 15:00)."""
    return calendar.deadline(received_at, version.committed_time_amount, version.committed_time_unit)


def dossier_worked_minutes(dossier: Dossier, calendar: WorkingCalendar) -> int | None:
    """Working minutes from the start of the legal clock to the result, less the working time the clock
    stood still (pauses and waits for a supplement); None before a result."""
    start = dossier.clock_start_at or dossier.received_at
    if start is None or dossier.result_ready_at is None:
        return None
    paused = DossierPause.objects.filter(dossier=dossier, working_hours__isnull=False).aggregate(
        total=Sum("working_hours")
    )["total"]
    worked = calendar.working_hours_between(start, dossier.result_ready_at) - float(paused or 0)
    return max(round(worked * 60), 0)


def _shift_after_pause(calendar: WorkingCalendar, due: datetime | None, paused_at: datetime, now: datetime):
    """Keep the working time that was left when the clock stopped; a due date already passed stays passed."""
    if due is None:
        return None
    remaining = calendar.working_hours_between(paused_at, due)
    if remaining <= 0:
        return due
    return calendar.add_working_hours(calendar.counting_start(now, apply_cutoff=False), remaining)


# --- code ----------------------------------------------------------------------------------------------------
def _next_sequence(unit: Unit, day) -> int:
    # One atomic upsert: concurrent intakes serialise on the (unit, day) row, and a rolled-back intake gives
    # its number back, so the daily sequence has no duplicate and no gap.
    table = DossierCodeSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, day, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (unit_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [unit.pk, day],
        )
        return cursor.fetchone()[0]


def dossier_code_issue(*, unit: Unit, at: datetime) -> str:
    """`<receiving agency code>-<YYMMDD>-<NNNN>` (Circular 03/2025 Art. 13)."""
    day = timezone.localtime(at).date()
    number = _next_sequence(unit, day)
    return f"{unit.agency_code}-{day:%y%m%d}-{number:04d}"


# --- intake --------------------------------------------------------------------------------------------------
def _applicant_upsert(data: ApplicantData, owner=None) -> Applicant:
    given = {
        attr: value
        for attr in ("kind", "name", "phone", "address", "email", "date_of_birth")
        if (value := getattr(data, attr)) not in (None, "")
    }
    if owner is not None:
        given["user"] = owner
    if not data.id_number:
        return prepared.insert([Applicant(**given)])[0]
    return _applicant_upsert_by_id_number(data.id_number, given)


_APPLICANT_FIELDS = [f for f in Applicant._meta.concrete_fields if not f.primary_key]


def _applicant_upsert_by_id_number(id_number: str, given: dict) -> Applicant:
    """One INSERT … ON CONFLICT on the unique ID number: a new applicant is written once, complete; a known one
    gets what was given now (an empty answer keeps what is known) and keeps the account it is linked to. Two
    counters receiving the same person at once meet on the unique index, not in a read-then-write race. It
    replaces a locked read, a savepoint, the INSERT and its release (or the read and a full UPDATE)."""
    row = Applicant(id_number=id_number, updated_at=timezone.now(), **given)
    quote = connection.ops.quote_name
    table = quote(Applicant._meta.db_table)
    columns = [model_field.column for model_field in _APPLICANT_FIELDS]
    values = [
        model_field.get_db_prep_save(getattr(row, model_field.attname), connection)
        for model_field in _APPLICANT_FIELDS
    ]
    updates = []
    for model_field in _APPLICANT_FIELDS:
        column = quote(model_field.column)
        if model_field.name == "user" and "user" in given:
            updates.append(f"{column} = COALESCE({table}.{column}, EXCLUDED.{column})")
        elif model_field.name in given or model_field.name == "updated_at":
            updates.append(f"{column} = EXCLUDED.{column}")
    # The conflict target repeats the partial unique index's predicate (applicant_unique_id_number) word for
    # word: SQLite matches it literally. raw() turns the returned row into an Applicant through the fields' own
    # converters (dates on SQLite).
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT (id_number) WHERE NOT (id_number = '') DO UPDATE SET {', '.join(updates)} RETURNING *"
    )
    (stored,) = Applicant.objects.raw(sql, values)
    return stored


def _validate_intake(data: IntakeData) -> dict[str, str]:
    errors: dict[str, str] = {}
    version = data.procedure_version
    if version.status != VersionStatus.IN_FORCE:
        errors["procedure"] = "Thủ tục này không còn hiệu lực, không thể tiếp nhận."
    if not data.applicant.name.strip():
        errors["applicant.name"] = "Nhập họ tên người nộp hồ sơ."
    phone_digits = "".join(ch for ch in data.applicant.phone if ch.isdigit())
    if data.applicant.phone and not (9 <= len(phone_digits) <= 12):
        errors["applicant.phone"] = "Số điện thoại không hợp lệ (9–12 chữ số)."
    if data.applicant.id_number and not data.applicant.id_number.isalnum():
        errors["applicant.id_number"] = "Số định danh chỉ gồm chữ số (hoặc chữ và số với mã số doanh nghiệp)."
    if data.return_mode == ReturnMode.POSTAL:
        if not version.is_postal_return_allowed:
            errors["return_mode"] = "Thủ tục này không trả kết quả qua bưu chính."
        elif not data.return_address.strip():
            errors["return_address"] = "Nhập địa chỉ nhận kết quả qua bưu chính."
    if data.channel == Channel.COUNTER and not version.is_counter_intake_allowed:
        errors["channel"] = "Thủ tục này không tiếp nhận trực tiếp tại Bộ phận Một cửa."
    if data.channel == Channel.POSTAL and not version.is_postal_intake_allowed:
        errors["channel"] = "Thủ tục này không tiếp nhận qua bưu chính."
    if data.channel not in Channel.values:
        errors["channel"] = "Hình thức nộp không hợp lệ."
    if data.return_mode not in ReturnMode.values:
        errors["return_mode"] = "Hình thức nhận kết quả không hợp lệ."
    competent_ids, receiving_ids = version_unit_ids(version)
    if data.competent_unit is not None and competent_ids and data.competent_unit.id not in competent_ids:
        errors["competent_unit"] = "Cơ quan này không có thẩm quyền giải quyết thủ tục đã chọn."
    if (
        data.competent_unit is None
        and len(competent_ids) > 1
        and data.receiving_unit.parent_id not in competent_ids
    ):
        errors["competent_unit"] = "Chọn cơ quan có thẩm quyền giải quyết."
    if receiving_ids and data.receiving_unit.id not in receiving_ids:
        errors["receiving_unit"] = "Đơn vị này không tiếp nhận thủ tục đã chọn."
    return errors


def _default_competent_unit(version: ProcedureVersion, receiving_unit: Unit) -> Unit:
    """A commune centre receives for its own commune unless told otherwise: one keystroke fewer at the counter.
    Else the first competent unit, else the receiving unit itself."""
    competent_ids, _receiving = version_unit_ids(version)
    if receiving_unit.parent_id is not None and receiving_unit.parent_id in competent_ids:
        return receiving_unit.parent
    return Unit.objects.get(pk=competent_ids[0]) if competent_ids else receiving_unit


@transaction.atomic
@dossier_change_batch()
def dossier_create(*, data: IntakeData, actor, owner=None) -> Dossier:
    """A dossier in `draft` with its applicant, documents and fee; a lifecycle action then decides it."""
    return _dossier_create(data=data, actor=actor, owner=owner)


def _dossier_create(*, data: IntakeData, actor, owner=None, insert: bool = True) -> Dossier:
    """`insert=False` (PostgreSQL only): the dossier's id is drawn from its sequence and the row is left to the
    caller's one INSERT; its documents reference it already (foreign keys are checked at commit)."""
    errors = _validate_intake(data)
    if errors:
        raise ValidationFailed("Hồ sơ chưa hợp lệ, vui lòng kiểm tra lại.", details=errors)
    version = data.procedure_version
    competent = data.competent_unit or _default_competent_unit(version, data.receiving_unit)
    applicant = _applicant_upsert(data.applicant, owner=owner)
    fee, _lines = fee_compute(
        version=version, pages=max(data.pages, 1), copies=data.sets, is_exempt=data.is_fee_exempt
    )
    dossier = Dossier(
        procedure_version=version,
        status=Status.DRAFT,
        channel=data.channel,
        receiving_unit=data.receiving_unit,
        competent_unit=competent,
        applicant=applicant,
        applicant_kind=data.applicant.kind,
        applicant_name=data.applicant.name.strip(),
        applicant_search_name=fold(data.applicant.name),
        applicant_id_number=data.applicant.id_number,
        applicant_date_of_birth=data.applicant.date_of_birth,
        applicant_phone=data.applicant.phone,
        applicant_email=data.applicant.email,
        applicant_address=data.applicant.address,
        delegate_name=data.delegate_name,
        delegate_id_number=data.delegate_id_number,
        delegate_phone=data.delegate_phone,
        owner=owner,
        sets=data.sets,
        pages=data.pages,
        fee_amount=fee,
        is_fee_exempt=data.is_fee_exempt,
        return_mode=data.return_mode,
        return_address=data.return_address,
        note=data.note,
        form_data=data.form_data or {},
        postal_item_code=data.postal_item_code,
        postal_posted_on=data.postal_posted_on,
        assisted_by=data.assisted_by,
        created_by=actor,
    )
    if insert:
        prepared.insert([dossier])
    else:
        dossier.pk = _dossier_id_draw()
    dossier_created(dossier.pk)
    dossier_documents_add(dossier=dossier, documents=data.documents, actor=actor, is_new=True)
    return dossier


def _dossier_id_draw() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Dossier._meta.db_table])
        return cursor.fetchone()[0]


def dossier_documents_add(
    *, dossier: Dossier, documents: list[DocumentData], actor, is_new: bool = False
) -> list[DossierDocument]:
    """Components (or supplements) with their scans or reused store documents; the caller holds the
    transaction. A reused document must belong to the dossier's owner: nobody attaches another's papers.
    `is_new`: the dossier was created in this transaction and has no document yet to number after."""
    start = (dossier.documents.aggregate(m=Max("order"))["m"] or 0) if dossier.pk and not is_new else 0
    added = []
    for order, doc in enumerate(documents, start=start + 1):
        document = DossierDocument(
            dossier=dossier,
            requirement_id=doc.requirement_id,
            order=order,
            name=doc.name,
            paper_kind=doc.paper_kind,
            quantity=doc.quantity,
            is_received=doc.is_received,
            is_supplement=doc.is_supplement,
        )
        if doc.upload is not None:
            _attach_upload(document, doc.upload, actor)
        elif doc.reused_from is not None:
            stored = doc.reused_from
            if dossier.owner_id is None or stored.owner_id != dossier.owner_id:
                raise NotPermitted("Chỉ dùng lại được giấy tờ trong kho dữ liệu của chính người nộp.")
            document.reused_from = stored
            document.file.name = stored.file.name  # shared, not copied: the store keeps the file
            document.content_type = stored.content_type
            document.size = stored.size
            document.sha256 = stored.sha256
            document.is_digitised = True
            document.uploaded_at = timezone.now()
            document.uploaded_by = actor
        added.append(document)
    # One INSERT for all of them (a counter dossier has several components); its post_save tells the figures.
    return prepared.insert(added)


def _attach_upload(document: DossierDocument, upload, actor) -> None:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document.file.save(f"{digest.hexdigest()[:16]}{_extension(upload.name)}", upload, save=False)
    document.content_type = getattr(upload, "content_type", "") or ""
    document.size = upload.size
    document.sha256 = digest.hexdigest()
    document.is_digitised = True
    document.uploaded_at = timezone.now()
    document.uploaded_by = actor


def _extension(name: str) -> str:
    # Stored names never carry what the citizen typed: only a known extension survives.
    lowered = (name or "").lower()
    for ext in (".pdf", ".jpg", ".jpeg", ".png"):
        if lowered.endswith(ext):
            return ext
    return ""


@transaction.atomic
@dossier_change_batch()
def dossier_intake(
    *,
    data: IntakeData,
    actor,
    action: str = Action.RECEIVE,
    note: str = "",
    at: datetime | None = None,
    **fields,
) -> Dossier:
    """Counter intake in one transaction: create, then receive (Form 01), return for completion (Form 02)
    or refuse (Form 03)."""
    if action not in (Action.RECEIVE, Action.RETURN_FOR_COMPLETION, Action.REFUSE):
        raise InvalidTransition("Tại quầy chỉ có thể tiếp nhận, hướng dẫn bổ sung hoặc từ chối hồ sơ.")
    # Inside this one transaction and batch: the inner steps need no savepoint of their own (nothing here
    # catches their errors), which saves four round trips per intake.
    # On PostgreSQL the dossier is written once, as received: its id is drawn first, and the rows that refer to
    # it (documents, steps, history) go in before it. A draft row then updated wrote the dossier's twenty index
    # entries twice and left a dead row (docs/performance.md, issue #7). SQLite has no sequence to draw from.
    deferred = connection.vendor == "postgresql"
    dossier = _dossier_create(data=data, actor=actor, insert=not deferred)
    return _dossier_transition(
        dossier=dossier, action=action, actor=actor, note=note, at=at, created_here=True, **fields
    )


# --- the entry point -----------------------------------------------------------------------------------------
@transaction.atomic
@dossier_change_batch()
def dossier_transition(
    *, dossier: Dossier, action: str, actor, note: str = "", at: datetime | None = None, **fields
) -> Dossier:
    """`at` replays history (migration from a previous system, demo data); it may not lie in the future."""
    return _dossier_transition(dossier=dossier, action=action, actor=actor, note=note, at=at, **fields)


def _dossier_transition(
    *,
    dossier: Dossier,
    action: str,
    actor,
    note: str = "",
    at: datetime | None = None,
    created_here: bool = False,
    **fields,
) -> Dossier:
    """`created_here`: the dossier was created in this transaction (counter intake), so no other transaction
    can see it: the instance in hand is current and needs no locked read."""
    rule = rule_for(action)
    if rule is None:
        raise InvalidTransition(f"Thao tác “{action}” không tồn tại.")
    if created_here:
        locked = dossier
    else:
        # One read locks the dossier row only (OF self: not the procedure or the units joined in) and loads
        # what the handlers and the answer use, the procedure's code included.
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related(
                "procedure_version__procedure", "receiving_unit", "competent_unit", "current_step__unit"
            )
            .get(pk=dossier.pk)
        )
    if locked.status not in rule.sources:
        raise InvalidTransition(
            f"Không thể “{rule.action.label}” khi hồ sơ đang ở trạng thái “{Status(locked.status).label}”."
        )
    actor_unit = _check_actor(locked, rule, actor)
    note = (note or "").strip()
    if rule.needs_note and not note:
        raise ValidationFailed(
            f"Cần ghi rõ lý do khi “{rule.action.label}”.", details={"note": "Nhập lý do."}
        )
    now = timezone.now()
    if at is not None:
        if at > now:
            raise ValidationFailed("Thời điểm thao tác không được ở tương lai.")
        now = at
    context = _Context(
        dossier=locked, actor=actor, now=now, note=note, rule=rule, fields=fields, actor_unit=actor_unit
    )
    from_status = locked.status
    from_step = locked.current_step
    HANDLERS[rule.action](context)
    if rule.target is not None:
        locked.status = rule.target
    event = _write_event(
        locked,
        rule.action,
        from_status,
        actor,
        now,
        note,
        context.data,
        from_step=from_step,
        to_step=locked.current_step,
        actor_unit=context.actor_unit,
        anchored=True,
    )
    # The change and the history's new anchor in one UPDATE, or the new dossier's one INSERT.
    if locked._state.adding:
        prepared.insert([locked])
    else:
        locked.save()
    notify.dossier_changing(dossier=locked, event=event)
    dossier_id, action_value = locked.pk, rule.action.value
    transaction.on_commit(lambda: notify.dossier_changed(dossier_id=dossier_id, action=action_value))
    return locked


@dataclass
class _Context:
    dossier: Dossier
    actor: object
    now: datetime
    note: str
    rule: Rule
    fields: dict
    data: dict = field(default_factory=dict)
    actor_unit: Unit | None = None

    @property
    def calendar(self) -> WorkingCalendar:
        if not hasattr(self, "_calendar"):
            self._calendar = calendar_for_unit(self.dossier.receiving_unit)
        return self._calendar


def _check_actor(dossier: Dossier, rule: Rule, actor) -> Unit | None:
    if not getattr(actor, "is_authenticated", False):
        raise NotPermitted("Cần đăng nhập để thực hiện thao tác này.")
    if rule.owner_may and dossier.owner_id is not None and dossier.owner_id == actor.pk:
        return None
    if rule.scope == Scope.OWNER:
        # Assisted online: the officer who files for the citizen at the counter submits on their behalf.
        if dossier.assisted_by_id == actor.pk and actor_acts_in(
            actor, {Role.RECEIVING_OFFICER}, dossier.receiving_unit
        ):
            return dossier.receiving_unit
        if dossier.owner_id != actor.pk:
            raise NotPermitted("Chỉ người nộp hồ sơ mới được thực hiện thao tác này.")
        return None
    unit = (
        dossier.receiving_unit
        if rule.scope == Scope.RECEIVING
        else (dossier.current_step.unit if dossier.current_step_id else None)
    )
    if unit is None or not actor_acts_in(actor, rule.roles, unit):
        raise NotPermitted(f"Bạn không có quyền “{rule.action.label}” hồ sơ này.")
    step = dossier.current_step
    if (
        rule.scope == Scope.STEP
        and rule.action not in (Action.ASSIGN, Action.CLAIM, Action.EXTEND)
        and step is not None
    ):
        if not actor_acts_in(actor, {step.role}, step.unit):
            raise NotPermitted(f"Bước “{step.name}” do {Role(step.role).label} thực hiện.")
        if step.assignee_id and step.assignee_id != actor.pk:
            raise NotPermitted(f"Bước “{step.name}” đã được phân công cho người khác.")
    return unit


def _write_event(
    dossier,
    action,
    from_status,
    actor,
    at,
    note,
    data,
    *,
    from_step=None,
    to_step=None,
    actor_unit=None,
    anchored=False,
) -> DossierEvent:
    """`anchored`: the instance was read under the row lock in this transaction and the caller saves it whole
    afterwards, so its anchor is current and the save writes the new one (two statements fewer per action).
    A stale anchor cannot pass unseen: its seq is taken, and the unique (dossier, seq) index refuses the row."""
    if anchored:
        last, prev = dossier.history_count, dossier.history_head
    else:
        # The anchor read under the dossier's row lock gives both the next seq and the link of the hash chain.
        last, prev = Dossier.objects.filter(pk=dossier.pk).values_list("history_count", "history_head").get()
    event = DossierEvent(
        dossier=dossier,
        seq=last + 1,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        at=at,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_unit=actor_unit,
        from_step=from_step,
        to_step=to_step,
        note=note,
        data=history_data_normalise(data),
    )
    event.hash = event_hash_of(event, prev=prev)
    prepared.insert([event])
    if not anchored:
        Dossier.objects.filter(pk=dossier.pk).update(history_count=event.seq, history_head=event.hash)
    # The caller's instance carries the anchor too, so a later full save() of it does not roll it back.
    dossier.history_count, dossier.history_head = event.seq, event.hash
    return event


def dossier_event_record(
    *, dossier: Dossier, action: str, actor, note: str = "", data: dict | None = None, actor_unit=None
) -> DossierEvent:
    """A history line for something that changes no status (a signed result, a pick-up request). Call it
    inside the transaction that holds the dossier's row lock, so that `seq` stays gapless and unique."""
    return _write_event(
        dossier, action, dossier.status, actor, timezone.now(), note, data or {}, actor_unit=actor_unit
    )


# --- steps ---------------------------------------------------------------------------------------------------
def _start_step(ctx: _Context, step: ProcessStep, *, apply_cutoff: bool = False) -> DossierStep:
    dossier = ctx.dossier
    unit = dossier_step_unit(dossier, step)
    calendar = calendar_for_unit(unit)
    start = calendar.counting_start(ctx.now, apply_cutoff=apply_cutoff)
    due = calendar.add_working_hours(start, step.budget_hours)
    # A step never runs past the dossier's appointment unless its own budget says so.
    dossier_step = DossierStep(
        dossier=dossier,
        process_step=step,
        order=step.order,
        name=step.name,
        unit=unit,
        role=step.role,
        budget_hours=step.budget_hours,
        started_at=ctx.now,
        due_at=due,
    )
    prepared.insert([dossier_step])
    dossier.current_step = dossier_step
    return dossier_step


def _finish_current_step(ctx: _Context) -> DossierStep | None:
    step = ctx.dossier.current_step
    if step is None:
        return None
    step.finished_at = ctx.now
    step.finished_by = ctx.actor
    step.timeliness = timeliness_of(ctx.now, step.due_at)
    step.save(update_fields=["finished_at", "finished_by", "timeliness"])
    ctx.dossier.current_step = None
    if step.timeliness == Timeliness.LATE:
        ctx.data["late_step"] = step.pk
    return step


def _next_process_step(dossier: Dossier, after_order: int | None) -> ProcessStep | None:
    for step in dossier_process_steps(dossier):
        if after_order is None or step.order > after_order:
            return step
    return None


# --- handlers ------------------------------------------------------------------------------------------------
ONLINE_REPLY_HOURS = 8


def _submit(ctx: _Context) -> None:
    """Decree 45/2020 (legal-spec §1.4 item 6): an online dossier is checked and answered
    within 8 working hours; a submission outside office hours counts from the next working period."""
    ctx.dossier.submitted_at = ctx.now
    start = ctx.calendar.counting_start(ctx.now, apply_cutoff=False)
    ctx.dossier.reply_due_at = ctx.calendar.add_working_hours(start, ONLINE_REPLY_HOURS)
    ctx.data["reply_due_at"] = ctx.dossier.reply_due_at.isoformat()


def _guard_not_an_unsent_online_draft(ctx: _Context) -> None:
    # A citizen's online draft is theirs until they submit it; officers act on it only once submitted.
    if ctx.dossier.status == Status.DRAFT and ctx.dossier.channel in (
        Channel.ONLINE,
        Channel.ASSISTED_ONLINE,
    ):
        raise InvalidTransition("Hồ sơ trực tuyến chưa được nộp; chỉ xử lý sau khi người nộp gửi hồ sơ.")


def _receive(ctx: _Context) -> None:
    dossier = ctx.dossier
    _guard_not_an_unsent_online_draft(ctx)
    version = dossier.procedure_version
    if version.status != VersionStatus.IN_FORCE:
        raise InvalidTransition("Thủ tục này không còn hiệu lực, không thể tiếp nhận.")
    calendar = ctx.calendar
    dossier.code = dossier_code_issue(unit=dossier.receiving_unit, at=ctx.now)
    dossier.received_at = ctx.now
    dossier.submitted_at = dossier.submitted_at or ctx.now
    apply_cutoff = version.committed_time_unit != TimeUnit.CALENDAR_DAYS
    dossier.clock_start_at = calendar.counting_start(ctx.now, apply_cutoff=apply_cutoff)
    # Decree 118: the receipt (Form 01) carries the code and the appointment; both are set here together,
    # and a database constraint refuses a received dossier without them.
    dossier.due_at = dossier_due(version=version, calendar=calendar, received_at=ctx.now)
    dossier.original_due_at = dossier.due_at
    steps = dossier_process_steps(dossier)
    if not steps:
        raise InvalidTransition("Thủ tục chưa có quy trình nội bộ, không thể tiếp nhận.")
    first = steps[0]
    if first.role == Role.RECEIVING_OFFICER and first.unit_mode == StepUnitMode.RECEIVING:
        _start_step(ctx, first)
    ctx.data.update({"code": dossier.code, "due_at": dossier.due_at.isoformat()})


def _return_for_completion(ctx: _Context) -> None:
    _guard_not_an_unsent_online_draft(ctx)
    items = [str(i).strip() for i in ctx.fields.get("missing_items") or [] if str(i).strip()]
    if not items:
        raise ValidationFailed(
            "Liệt kê đầy đủ các nội dung cần bổ sung, hoàn thiện (một lần, bằng văn bản).",
            details={"missing_items": "Nhập ít nhất một nội dung."},
        )
    if DossierEvent.objects.filter(dossier=ctx.dossier, action=Action.RETURN_FOR_COMPLETION).exists():
        raise InvalidTransition("Hồ sơ đã được hướng dẫn bổ sung một lần; không yêu cầu bổ sung lần thứ hai.")
    ctx.data["missing_items"] = items
    ctx.dossier.closed_at = None


def _refuse(ctx: _Context) -> None:
    _guard_not_an_unsent_online_draft(ctx)
    ctx.data["reason"] = ctx.note
    ctx.dossier.closed_at = ctx.now


def _transfer(ctx: _Context) -> None:
    dossier = ctx.dossier
    current = dossier.current_step
    after = current.order if current else None
    if current is not None:
        _finish_current_step(ctx)
    nxt = _next_process_step(dossier, after)
    if nxt is None:
        raise InvalidTransition("Quy trình không có bước xử lý tiếp theo.")
    # Legal-spec §1.5: a dossier received after 15:00 goes to the handling body the next working day.
    _start_step(ctx, nxt, apply_cutoff=True)


def _resolve_assignee(step: DossierStep, assignee):
    from motcua.accounts.models import User

    if assignee in (None, ""):
        return None
    if not isinstance(assignee, User):
        assignee = User.objects.filter(username=assignee).first()
        if assignee is None:
            raise ValidationFailed(
                "Không tìm thấy cán bộ được phân công.", details={"assignee": "Không tồn tại."}
            )
    if not actor_acts_in(assignee, {step.role}, step.unit):
        raise ValidationFailed(
            f"{assignee} không giữ vai trò {Role(step.role).label} tại {step.unit}.",
            details={"assignee": "Cán bộ không thuộc đơn vị xử lý bước này."},
        )
    return assignee


def _assign(ctx: _Context) -> None:
    """The head of division (re)assigns the current step to one of the officers who hold its role."""
    step = ctx.dossier.current_step
    assignee = _resolve_assignee(step, ctx.fields.get("assignee"))
    if assignee is None:
        raise ValidationFailed("Chọn cán bộ được phân công.", details={"assignee": "Chưa chọn cán bộ."})
    step.assignee = assignee
    step.save(update_fields=["assignee"])
    ctx.data["assignee"] = assignee.username


def _claim(ctx: _Context) -> None:
    step = ctx.dossier.current_step
    if step.assignee_id and step.assignee_id != ctx.actor.pk:
        raise InvalidTransition("Bước này đã có người xử lý.")
    if not actor_acts_in(ctx.actor, {step.role}, step.unit):
        raise NotPermitted(f"Bước “{step.name}” do {Role(step.role).label} thực hiện.")
    step.assignee = ctx.actor
    step.save(update_fields=["assignee"])
    ctx.data["assignee"] = ctx.actor.username


def _forward(ctx: _Context) -> None:
    dossier = ctx.dossier
    current = dossier.current_step
    nxt = _next_process_step(dossier, current.order)
    if nxt is None or is_return_step(nxt):
        raise InvalidTransition(
            "Đây là bước cuối của quy trình xử lý: trình lãnh đạo phê duyệt hoặc không phê duyệt."
        )
    if current.role == Role.SIGNING_LEADER and not any(
        s.role == Role.SIGNING_LEADER for s in dossier_process_steps(dossier) if s.order > current.order
    ):
        raise InvalidTransition("Bước ký duyệt cuối cùng phải phê duyệt hoặc không phê duyệt.")
    _finish_current_step(ctx)
    started = _start_step(ctx, nxt)
    # Forwarding may name who does the next step (the head of division's "phân công").
    assignee = _resolve_assignee(started, ctx.fields.get("assignee"))
    if assignee is not None:
        started.assignee = assignee
        started.save(update_fields=["assignee"])
        ctx.data["assignee"] = assignee.username


def _send_back(ctx: _Context) -> None:
    dossier = ctx.dossier
    current = dossier.current_step
    steps = [s for s in dossier_process_steps(dossier) if s.order < current.order]
    if not steps:
        raise InvalidTransition("Đây là bước đầu tiên, không có bước trước để trả lại.")
    wanted = ctx.fields.get("to_step")
    target = steps[-1]
    if wanted is not None:
        matches = [s for s in steps if s.order == int(wanted)]
        if not matches:
            raise ValidationFailed(
                "Bước trả lại không hợp lệ.", details={"to_step": "Chọn một bước trước đó."}
            )
        target = matches[0]
    _finish_current_step(ctx)
    _start_step(ctx, target)
    ctx.data["to_step"] = target.order


def _open_pause(ctx: _Context, kind: PauseKind) -> None:
    DossierPause.objects.create(
        dossier=ctx.dossier, kind=kind, reason=ctx.note or kind.label, started_at=ctx.now
    )


def _close_pause(ctx: _Context) -> None:
    dossier = ctx.dossier
    pause = DossierPause.objects.select_for_update().filter(dossier=dossier, ended_at__isnull=True).first()
    if pause is None:
        return
    calendar = ctx.calendar
    pause.ended_at = ctx.now
    pause.working_hours = Decimal(str(round(calendar.working_hours_between(pause.started_at, ctx.now), 2)))
    pause.save(update_fields=["ended_at", "working_hours"])
    # Legal-spec §1.7: time waiting for the applicant is not counted; the clock resumes with what was left.
    dossier.due_at = _shift_after_pause(calendar, dossier.due_at, pause.started_at, ctx.now)
    dossier.original_due_at = _shift_after_pause(calendar, dossier.original_due_at, pause.started_at, ctx.now)
    if dossier.extended_due_at:
        dossier.extended_due_at = dossier.due_at
    step = dossier.current_step
    if step is not None:
        step.due_at = _shift_after_pause(calendar_for_unit(step.unit), step.due_at, pause.started_at, ctx.now)
        step.save(update_fields=["due_at"])
    ctx.data["paused_working_hours"] = float(pause.working_hours)


def _request_supplement(ctx: _Context) -> None:
    items = [str(i).strip() for i in ctx.fields.get("missing_items") or [] if str(i).strip()]
    if not items:
        raise ValidationFailed(
            "Liệt kê đầy đủ các nội dung cần bổ sung (Mẫu 02).",
            details={"missing_items": "Nhập ít nhất một nội dung."},
        )
    # Decree 118 Art. 11: a supplement is requested once, listing everything at once.
    if DossierEvent.objects.filter(dossier=ctx.dossier, action=Action.REQUEST_SUPPLEMENT).exists():
        raise InvalidTransition("Hồ sơ đã được yêu cầu bổ sung một lần; không yêu cầu bổ sung lần thứ hai.")
    ctx.data["missing_items"] = items
    _open_pause(ctx, PauseKind.SUPPLEMENT)


def _supplement(ctx: _Context) -> None:
    _close_pause(ctx)


def _pause(ctx: _Context) -> None:
    _open_pause(ctx, PauseKind.PAUSE)


def _resume(ctx: _Context) -> None:
    _close_pause(ctx)


def _extend(ctx: _Context) -> None:
    dossier = ctx.dossier
    if dossier.extended_due_at is not None:
        raise InvalidTransition("Hồ sơ đã được gia hạn một lần; chỉ được hẹn lại một lần.")
    new_due = ctx.fields.get("new_due_at")
    if isinstance(new_due, str):
        try:
            new_due = datetime.fromisoformat(new_due)
        except ValueError:
            new_due = None
    if not isinstance(new_due, datetime) or new_due.tzinfo is None:
        raise ValidationFailed(
            "Nhập ngày hẹn trả mới (có giờ và múi giờ).", details={"new_due_at": "Bắt buộc."}
        )
    if new_due <= dossier.due_at:
        raise ValidationFailed("Ngày hẹn mới phải sau ngày hẹn hiện tại.", details={"new_due_at": "Quá sớm."})
    calendar = ctx.calendar
    # Decree 118: the apology and new date go out no later than one working day before the due date.
    if calendar.working_hours_between(ctx.now, dossier.due_at) < HOURS_PER_DAY:
        raise InvalidTransition("Chỉ được xin gia hạn chậm nhất 01 ngày làm việc trước ngày hẹn trả kết quả.")
    ctx.data.update(
        {"previous_due_at": dossier.due_at.isoformat(), "new_due_at": new_due.isoformat(), "reason": ctx.note}
    )
    dossier.due_at = new_due
    dossier.extended_due_at = new_due


def _decide(ctx: _Context, outcome: Outcome) -> None:
    dossier = ctx.dossier
    current = dossier.current_step
    _finish_current_step(ctx)
    dossier.outcome = outcome
    dossier.result_ready_at = ctx.now
    dossier.worked_minutes = dossier_worked_minutes(dossier, ctx.calendar)
    # An extension does not make a late dossier on time: the original due date decides.
    dossier.timeliness = timeliness_of(ctx.now, dossier.original_due_at)
    nxt = _next_process_step(dossier, current.order if current else None)
    if nxt is not None and is_return_step(nxt):
        _start_step(ctx, nxt)
    ctx.data.update({"outcome": outcome.value, "timeliness": dossier.timeliness})


def _approve(ctx: _Context) -> None:
    _decide(ctx, Outcome.APPROVED)


def _deny(ctx: _Context) -> None:
    ctx.data["reason"] = ctx.note
    _decide(ctx, Outcome.DENIED)


def _return_result(ctx: _Context) -> None:
    _finish_current_step(ctx)
    # Part of the history row itself: the row is hash-chained and cannot be amended once written.
    if ctx.fields.get("postal_delivery"):
        ctx.data["postal_delivery"] = ctx.fields["postal_delivery"]
    ctx.dossier.returned_at = ctx.now
    ctx.dossier.closed_at = ctx.now


def _stop(ctx: _Context) -> None:
    dossier = ctx.dossier
    if dossier.result_ready_at is not None:
        raise InvalidTransition("Đã có kết quả giải quyết, không thể dừng.")
    pause = DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).first()
    if pause is not None:
        pause.ended_at = ctx.now
        pause.save(update_fields=["ended_at"])
    _finish_current_step(ctx)
    dossier.closed_at = ctx.now
    ctx.data["reason"] = ctx.note


HANDLERS = {
    Action.SUBMIT: _submit,
    Action.RECEIVE: _receive,
    Action.RETURN_FOR_COMPLETION: _return_for_completion,
    Action.REFUSE: _refuse,
    Action.TRANSFER: _transfer,
    Action.ASSIGN: _assign,
    Action.CLAIM: _claim,
    Action.FORWARD: _forward,
    Action.SEND_BACK: _send_back,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.SUPPLEMENT: _supplement,
    Action.PAUSE: _pause,
    Action.RESUME: _resume,
    Action.EXTEND: _extend,
    Action.APPROVE: _approve,
    Action.DENY: _deny,
    Action.RETURN_RESULT: _return_result,
    Action.STOP: _stop,
}


@transaction.atomic
@dossier_change_batch()
def dossier_step_explain(*, dossier: Dossier, step_id: int, actor, explanation: str) -> DossierStep:
    """A step finished late: its unit records the written explanation (văn bản giải trình)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    step = DossierStep.objects.select_related("unit").filter(dossier=locked, pk=step_id).first()
    if step is None:
        raise ValidationFailed("Không tìm thấy bước xử lý.")
    if step.timeliness != Timeliness.LATE:
        raise InvalidTransition("Chỉ bước xử lý quá hạn mới cần giải trình.")
    if step.explanation:
        raise InvalidTransition("Bước này đã có văn bản giải trình.")
    explanation = (explanation or "").strip()
    if not explanation:
        raise ValidationFailed("Nhập nội dung giải trình.", details={"explanation": "Bắt buộc."})
    if not actor_acts_in(
        actor,
        {Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.SIGNING_LEADER, Role.RECEIVING_OFFICER},
        step.unit,
    ):
        raise NotPermitted("Chỉ đơn vị thực hiện bước này mới được giải trình.")
    now = timezone.now()
    step.explanation = explanation
    step.explained_at = now
    step.explained_by = actor
    step.save(update_fields=["explanation", "explained_at", "explained_by"])
    _write_event(locked, Action.EXPLAIN, locked.status, actor, now, explanation, {"step": step.pk})
    return step
