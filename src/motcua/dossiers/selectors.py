"""Reads of dossiers, always scoped to the actor. Overdue and remaining time are derived here from the stored
clocks, never stored."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

import motcua.core.lookups  # noqa: F401 - registers the __in_array lookup used below
from motcua.catalog.content import version_steps
from motcua.catalog.enums import StepUnitMode
from motcua.catalog.models import ProcedureVersion, ProcessStep
from motcua.core.exceptions import NotFound
from motcua.core.prepared import lookup_cursor
from motcua.core.text import fold
from motcua.org.enums import SUBTREE_ROLES, Role
from motcua.org.models import Unit
from motcua.org.selectors import unit_subtree_ids, user_roles
from motcua.workcal.selectors import calendar_for_unit

from .enums import CLOCK_RUNNING_STATUSES, OPEN_STATUSES, Status
from .models import Applicant, Dossier, DossierEvent, DossierStep
from .permissions import acting_unit_ids

CODE_PATTERN = re.compile(r"^[0-9A-Z.]+-\d{6}-\d{4,}$")


# --- clocks --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Clock:
    due_at: datetime | None
    remaining_hours: float | None  # working hours; negative when overdue
    is_overdue: bool
    is_running: bool


def dossier_clock(dossier: Dossier, *, now: datetime | None = None, calendar=None) -> Clock:
    now = now or timezone.now()
    if dossier.due_at is None or dossier.status not in OPEN_STATUSES | {Status.RESULT_READY}:
        return Clock(dossier.due_at, None, False, False)
    if dossier.status == Status.RESULT_READY:
        return Clock(dossier.due_at, None, False, False)
    running = dossier.status in CLOCK_RUNNING_STATUSES
    calendar = calendar or calendar_for_unit(dossier.receiving_unit)
    # While paused the clock stands still: measure to the moment the pause began.
    reference = now
    if not running:
        # Iterating .all() uses a prefetch when the list view made one (no query per row).
        pause = next((p for p in dossier.pauses.all() if p.ended_at is None), None)
        reference = pause.started_at if pause else now
    remaining = calendar.working_hours_between(reference, dossier.due_at)
    return Clock(dossier.due_at, round(remaining, 2), reference > dossier.due_at, running)


def dossier_clocks(dossiers, *, now: datetime | None = None) -> dict[int, Clock]:
    """`dossier_clock` for a page of rows, building each receiving unit's calendar once (no query per row)."""
    now = now or timezone.now()
    calendars: dict[int, object] = {}
    clocks = {}
    for dossier in dossiers:
        if dossier.receiving_unit_id not in calendars:
            calendars[dossier.receiving_unit_id] = calendar_for_unit(dossier.receiving_unit)
        clocks[dossier.pk] = dossier_clock(dossier, now=now, calendar=calendars[dossier.receiving_unit_id])
    return clocks


# --- process -------------------------------------------------------------------------------------------------
def dossier_process_steps(dossier: Dossier) -> list[ProcessStep]:
    """The steps of the process the dossier follows: its competent unit's own process, else the default
    (catalog.content.version_steps). Every intake and every step forward reads them: kept per process once the
    version is published, when the caller loaded the dossier's version."""
    loaded = Dossier.procedure_version.is_cached(dossier)
    return version_steps(
        dossier.procedure_version_id,
        dossier.competent_unit_id,
        version=dossier.procedure_version if loaded else None,
    )


def dossier_step_unit(dossier: Dossier, step: ProcessStep) -> Unit:
    if step.unit_mode == StepUnitMode.RECEIVING:
        return dossier.receiving_unit
    if step.unit_mode == StepUnitMode.FIXED:
        return step.unit
    return dossier.competent_unit


def dossier_step_unit_id(dossier: Dossier, step: ProcessStep) -> int | None:
    """`dossier_step_unit`'s id without loading the unit: for pages over many dossiers (the steps come
    without their units: catalog.content)."""
    if step.unit_mode == StepUnitMode.RECEIVING:
        return dossier.receiving_unit_id
    if step.unit_mode == StepUnitMode.FIXED:
        return step.unit_id
    return dossier.competent_unit_id


def is_return_step(step: ProcessStep) -> bool:
    """The last step at the centre: handing the result back."""
    return step.role == Role.RECEIVING_OFFICER and step.unit_mode == StepUnitMode.RECEIVING


def applicant_for_counter(*, id_number: str) -> Applicant | None:
    """The applicant known by this ID number, kept up to date at every intake (reuse at the counter)."""
    id_number = (id_number or "").strip()
    if not id_number:
        return None
    return Applicant.objects.filter(id_number=id_number).first()


# --- scope ---------------------------------------------------------------------------------------------------
def staff_visible_unit_ids(user) -> set[int]:
    """Units whose dossiers an officer sees: where they act, and below for supervisors and viewers."""
    roles = user_roles(user)
    ids = acting_unit_ids(user)
    roots = {r.unit_id for r in roles if r.role in SUBTREE_ROLES}
    if roots:
        ids |= unit_subtree_ids(roots)
    return ids


def _staff_scope(user) -> Q:
    """The dossiers an officer may see: received by, competent in, or passed through one of their units.

    Written on the dossier row itself (EXISTS for the steps, no join): a list filtered by status then checks
    the few open dossiers it finds, where the former `pk IN (dossiers joined to all their steps)` built the
    whole scope first — 22 s at 10 M dossiers for a supervisor's menu counts. Someone who sees every unit
    (the province's supervisor) needs no condition at all. Kept on the user object for the request, as
    their roles are (the menu's counts ask five times)."""
    cached = getattr(user, "_motcua_staff_scope", None)
    if cached is not None:
        return cached
    units = staff_visible_unit_ids(user)
    if not units:
        scope = Q(pk__in=[])
    elif not Unit.objects.exclude(pk__in=units).exists():
        scope = Q()
    else:
        scope = (
            Q(receiving_unit_id__in=units)
            | Q(competent_unit_id__in=units)
            | Q(Exists(DossierStep.objects.filter(dossier_id=OuterRef("pk"), unit_id__in=units)))
        )
    if getattr(user, "is_authenticated", False):
        user._motcua_staff_scope = scope
    return scope


def _staff_rows(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """What a staff list or page shows of each dossier, in one query plus the pauses."""
    return queryset.select_related(
        "procedure_version__procedure",
        "procedure_version__field",
        "receiving_unit",
        "competent_unit",
        "current_step__unit",
        "current_step__assignee",
    ).prefetch_related("pauses")


def dossier_queryset_for_staff(user) -> QuerySet[Dossier]:
    return _staff_rows(Dossier.objects.filter(_staff_scope(user)))


def dossier_get_for_staff(*, user, reference: str) -> Dossier:
    """By code, or `D<id>` for a dossier not received yet. Out of scope looks the same as unknown."""
    qs = dossier_queryset_for_staff(user)
    reference = (reference or "").strip()
    if reference.startswith("D") and reference[1:].isdigit():
        dossier = qs.filter(pk=int(reference[1:]), code__isnull=True).first()
    else:
        dossier = qs.filter(code=reference).first()
    if dossier is None:
        raise NotFound(f"Không tìm thấy hồ sơ “{reference}”.")
    return dossier


# --- worklists -----------------------------------------------------------------------------------------------
WORKLISTS = {
    "todo": "Việc cần làm",
    "mine": "Được giao cho tôi",
    "due_soon": "Sắp đến hạn (≤ 1 ngày làm việc)",
    "overdue": "Quá hạn",
    "supplement": "Chờ bổ sung",
    "unit": "Tất cả trong đơn vị",
}


def _todo_ids(user, roles: set[str], acting: set[int]) -> list[int]:
    """Ids of the dossiers waiting for the user: a step open for one of their roles in a unit where they act,
    not taken by someone else; and, for a receiving officer, reception work of those units.

    Not filtered by the visibility scope: both parts are within it by construction (a unit where one acts is
    a visible unit; the current step is one of the dossier's steps), and at 10 M dossiers the scope's OR over
    units and every step's unit was most of the list's time (docs/performance.md). Each part is one
    index-served read, the ids gathered here: as one query under the list's seven joins PostgreSQL stopped
    reordering the joins (1.5 s at 1 M)."""
    ids = set(_waiting_step_dossier_ids(user, roles, acting))
    if Role.RECEIVING_OFFICER in roles:
        ids.update(
            Dossier.objects.filter(
                receiving_unit_id__in=acting,
                status__in=[Status.SUBMITTED, Status.RECEIVED, Status.RESULT_READY],
            )
            .order_by()
            .values_list("pk", flat=True)
        )
    return sorted(ids)


def _waiting_step_dossier_ids(user, roles: set[str], acting: set[int]) -> list[int]:
    """Dossiers whose current step is open in one of `acting` for one of `roles`, free or the user's.

    SQL written out: the open steps must be read first, from the covering (unit, role) index of open steps,
    and their dossiers then looked up one by one. Left to choose, PostgreSQL read every open step of the
    province through "one open step per dossier" and every open dossier through the current-step index,
    one heap page each (70–130 ms at 10 M dossiers; its estimate takes the open rows for clustered, they
    are spread over the whole table). MATERIALIZED fixes that order on PostgreSQL; SQLite reads the same."""
    if not acting or not roles:
        return []
    units = ", ".join(["%s"] * len(acting))
    role_marks = ", ".join(["%s"] * len(roles))
    step, dossier = DossierStep._meta.db_table, Dossier._meta.db_table
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    sql = (
        f"WITH waiting AS {materialized}("
        f"SELECT id, dossier_id FROM {step} WHERE unit_id IN ({units}) AND role IN ({role_marks}) "
        "AND finished_at IS NULL AND (assignee_id IS NULL OR assignee_id = %s)) "
        f"SELECT d.id FROM waiting w JOIN {dossier} d ON d.id = w.dossier_id AND d.current_step_id = w.id "
        "WHERE d.status IN (%s, %s)"
    )
    params = [*sorted(acting), *sorted(roles), user.pk, Status.PROCESSING, Status.RESULT_READY]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# An uncounted list is read by offset: ?page=400000 would have the database walk ten million rows. Deeper
# than 10,000 dossiers the filters (status, search) are the way in.
MAX_UNCOUNTED_PAGES = 400


class UncountedPage:
    """A page of a list too long to count on every view (the register of a unit holds years of dossiers):
    previous and next only, like Django's Page otherwise. `paginator.count` is None."""

    ELLIPSIS = "…"

    def __init__(self, object_list: list, number: int, has_next: bool):
        self.object_list = object_list
        self.number = number
        self._has_next = has_next
        self.paginator = self

    count = None
    num_pages = None

    def has_next(self) -> bool:
        return self._has_next

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def get_elided_page_range(self, number: int, **kwargs) -> list[int]:
        return [number]


def dossier_page(
    queryset: QuerySet[Dossier], *, order_by, number, per_page: int, counted: bool = True
) -> Page | UncountedPage:
    """One page of a staff list in two reads: the page's ids in the list's order from the dossier table
    alone, then those rows with everything a list shows. As one query PostgreSQL joined the seven tables to
    every dossier of the list before sorting it (20–30 ms for a counter's 736 dossiers at 10 M).
    `counted=False`: no total, previous and next only — counting a unit's register read all of it."""
    ordered = queryset.order_by(*order_by).prefetch_related(None).values_list("pk", flat=True)
    if counted:
        page = Paginator(ordered, per_page).get_page(number)
        ids = list(page.object_list)
    else:
        try:
            position = min(max(1, int(number or 1)), MAX_UNCOUNTED_PAGES)
        except (TypeError, ValueError):
            position = 1
        start = (position - 1) * per_page
        ids = list(ordered[start : start + per_page + 1])
        page = UncountedPage([], position, has_next=len(ids) > per_page)
        ids = ids[:per_page]
    rows = {dossier.pk: dossier for dossier in _staff_rows(Dossier.objects.filter(pk__in_array=ids))}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


def dossier_worklist(*, user, worklist: str = "todo", now: datetime | None = None) -> QuerySet[Dossier]:
    now = now or timezone.now()
    base = dossier_queryset_for_staff(user)
    roles = {r.role for r in user_roles(user)}
    acting = acting_unit_ids(user)
    if worklist == "mine":
        return base.filter(current_step__assignee=user, status__in=OPEN_STATUSES | {Status.RESULT_READY})
    if worklist == "todo":
        return _staff_rows(Dossier.objects.filter(pk__in_array=_todo_ids(user, roles, acting)))
    if worklist == "due_soon":
        calendar = calendar_for_unit(None)
        horizon = calendar.add_working_hours(calendar.counting_start(now, apply_cutoff=False), 8)
        return base.filter(
            status__in=[Status.RECEIVED, Status.PROCESSING], due_at__gt=now, due_at__lte=horizon
        )
    if worklist == "overdue":
        return base.filter(status__in=[Status.RECEIVED, Status.PROCESSING], due_at__lt=now)
    if worklist == "supplement":
        return base.filter(status=Status.AWAITING_SUPPLEMENT)
    return base


def dossier_search(
    *,
    user,
    q: str = "",
    status: str | None = None,
    unit_code: str | None = None,
    overdue: bool | None = None,
    now: datetime | None = None,
) -> QuerySet[Dossier]:
    """Search by code, applicant name, phone or ID number within what the officer may see."""
    now = now or timezone.now()
    qs = dossier_queryset_for_staff(user)
    q = (q or "").strip()
    if q:
        digits = re.sub(r"\D", "", q)
        cond = Q(code__icontains=q) | Q(applicant_search_name__contains=fold(q))
        if len(digits) >= 4:
            cond |= Q(applicant_phone__contains=digits) | Q(applicant_id_number__contains=digits)
        qs = qs.filter(cond)
    if status:
        qs = qs.filter(status=status)
    if unit_code:
        qs = qs.filter(Q(receiving_unit__agency_code=unit_code) | Q(competent_unit__agency_code=unit_code))
    if overdue is True:
        qs = qs.filter(status__in=[Status.RECEIVED, Status.PROCESSING], due_at__lt=now)
    elif overdue is False:
        qs = qs.exclude(status__in=[Status.RECEIVED, Status.PROCESSING], due_at__lt=now)
    return qs.order_by("-received_at", "-id")


# The menu counts the work lists only: "unit" is the whole register (ten million rows in a province after
# ten years), not work, and counting it on every page cost seconds.
MENU_COUNTED = tuple(key for key in WORKLISTS if key != "unit")


def dossier_menu_counts(*, user) -> dict[str, int]:
    return {key: dossier_worklist(user=user, worklist=key).count() for key in MENU_COUNTED}


def dossier_history(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.select_related("actor", "actor_unit", "from_step__unit", "to_step__unit").order_by(
        "seq"
    )


# --- public status -------------------------------------------------------------------------------------------
def initials(name: str) -> str:
    """ "Nguyễn Văn An" → "N. V. A." — the public page never shows a full name."""
    return " ".join(f"{part[0].upper()}." for part in (name or "").split() if part)


def dossier_public_status(*, code: str, phone_last4: str) -> Dossier:
    """A wrong phone gets exactly the answer an unknown code gets, so codes cannot be confirmed by guessing."""
    code = (code or "").strip().upper()
    digits = re.sub(r"\D", "", phone_last4 or "")
    dossier = None
    if CODE_PATTERN.match(code) and len(digits) == 4:
        candidate = (
            Dossier.objects.select_related(
                "procedure_version__procedure", "receiving_unit", "competent_unit", "current_step__unit"
            )
            .filter(code=code)
            .first()
        )
        if candidate is not None and re.sub(r"\D", "", candidate.applicant_phone).endswith(digits):
            dossier = candidate
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ với mã và số điện thoại đã nhập.")
    return dossier


@dataclass(frozen=True)
class PublicStep:
    name: str
    unit_name: str
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class PublicStatus:
    """What the public status lookup shows, and nothing else: the applicant's initials, never the name."""

    id: int
    code: str
    status: str
    procedure_name: str
    receiving_unit_name: str
    applicant_initials: str
    received_at: datetime | None
    due_at: datetime | None
    result_ready_at: datetime | None
    returned_at: datetime | None
    steps: tuple[PublicStep, ...]

    def get_status_display(self) -> str:
        return str(Status(self.status).label)


@functools.cache
def _public_status_sql() -> str:
    # Written once from the models' own table and column names: the lookup is the busiest public read, and
    # compiling the equivalent ORM query (five joins, every dossier column) cost more than the rest of the
    # request together (docs/performance.md, issue #7).
    q = connection.ops.quote_name

    def col(model, field: str) -> str:
        return q(model._meta.get_field(field).column)

    d, v, u, s = (q(m._meta.db_table) for m in (Dossier, ProcedureVersion, Unit, DossierStep))
    return (
        f"SELECT d.{col(Dossier, 'id')}, d.{col(Dossier, 'code')}, d.{col(Dossier, 'status')}, "
        f"d.{col(Dossier, 'applicant_phone')}, d.{col(Dossier, 'applicant_name')}, "
        f"d.{col(Dossier, 'received_at')}, d.{col(Dossier, 'due_at')}, d.{col(Dossier, 'result_ready_at')}, "
        f"d.{col(Dossier, 'returned_at')}, v.{col(ProcedureVersion, 'name')}, ru.{col(Unit, 'name')}, "
        f"s.{col(DossierStep, 'name')}, su.{col(Unit, 'name')}, s.{col(DossierStep, 'started_at')}, "
        f"s.{col(DossierStep, 'finished_at')} "
        f"FROM {d} d "
        f"INNER JOIN {v} v ON v.{col(ProcedureVersion, 'id')} = d.{col(Dossier, 'procedure_version')} "
        f"INNER JOIN {u} ru ON ru.{col(Unit, 'id')} = d.{col(Dossier, 'receiving_unit')} "
        f"LEFT JOIN {s} s ON s.{col(DossierStep, 'dossier')} = d.{col(Dossier, 'id')} "
        f"LEFT JOIN {u} su ON su.{col(Unit, 'id')} = s.{col(DossierStep, 'unit')} "
        f"WHERE d.{col(Dossier, 'code')} = %s "
        f"ORDER BY s.{col(DossierStep, 'started_at')}, s.{col(DossierStep, 'id')}"
    )


def _aware(value: datetime | None) -> datetime | None:
    # PostgreSQL returns aware instants; SQLite's raw rows are naive UTC (the ORM would have converted them).
    if value is not None and timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value


def dossier_public_progress(*, code: str, phone_last4: str) -> PublicStatus:
    """The public status of a dossier from one indexed read (the unique code) with only the shown columns.
    The same rule as `dossier_public_status`: a wrong phone gets exactly the answer an unknown code gets."""
    code = (code or "").strip().upper()
    digits = re.sub(r"\D", "", phone_last4 or "")
    rows = []
    if CODE_PATTERN.match(code) and len(digits) == 4:
        with lookup_cursor() as cursor:
            cursor.execute(_public_status_sql(), [code])
            rows = cursor.fetchall()
    if not rows or not re.sub(r"\D", "", rows[0][3] or "").endswith(digits):
        raise NotFound("Không tìm thấy hồ sơ với mã và số điện thoại đã nhập.")
    first = rows[0]
    return PublicStatus(
        id=first[0],
        code=first[1],
        status=first[2],
        applicant_initials=initials(first[4]),
        received_at=_aware(first[5]),
        due_at=_aware(first[6]),
        result_ready_at=_aware(first[7]),
        returned_at=_aware(first[8]),
        procedure_name=first[9],
        receiving_unit_name=first[10],
        steps=tuple(
            PublicStep(
                name=row[11], unit_name=row[12], started_at=_aware(row[13]), finished_at=_aware(row[14])
            )
            for row in rows
            if row[11] is not None
        ),
    )
