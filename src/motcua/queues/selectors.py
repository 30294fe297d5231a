"""Reads of the queue: what a counter calls next, the board, a ticket's place and wait, and the figures."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core import signing
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.core.exceptions import NotFound, NotPermitted
from motcua.org.enums import Role
from motcua.org.models import Counter, Unit
from motcua.org.selectors import user_unit_ids

from .enums import OPEN_AT_COUNTER, TicketStatus
from .models import ServiceGroup, Ticket

DEFAULT_SERVICE_MINUTES = 10
# Enough finished services to trust an average; fewer and the recent week's figure is used.
MIN_SAMPLES = 3
RECENT_DAYS = 7
TICKET_SALT = "motcua.queues.ticket"
BOARD_RECENT = 6
FIGURE_ROLES = (
    Role.RECEIVING_OFFICER,
    Role.SUPERVISOR,
    Role.ADMINISTRATOR,
    Role.VIEWER,
    Role.SIGNING_LEADER,
    Role.HEAD_OF_DIVISION,
)


# --- units, groups, counters ----------------------------------------------------------------------------------
def queue_unit_by_code(*, agency_code: str) -> Unit:
    """A centre that runs a queue (has an active service group); any other code looks unknown."""
    unit = Unit.objects.filter(agency_code=agency_code, is_active=True).first()
    if unit is None or not ServiceGroup.objects.filter(unit=unit, is_active=True).exists():
        raise NotFound("Không tìm thấy nơi xếp hàng có mã này.")
    return unit


def service_group_list(*, unit: Unit) -> QuerySet[ServiceGroup]:
    return ServiceGroup.objects.filter(unit=unit, is_active=True).order_by("order", "code")


def counters_for_officer(*, user) -> list[Counter]:
    """Counters where `user` may work: those of the centres where they hold the receiving role."""
    unit_ids = user_unit_ids(user, roles=[Role.RECEIVING_OFFICER])
    return list(
        Counter.objects.filter(unit_id__in=unit_ids, is_active=True)
        .select_related("unit")
        .order_by("unit", "number")
    )


def counter_for_officer(*, user, counter_id: int) -> Counter:
    """The counter, if `user` receives in its unit; any other looks unknown (no guessing of ids)."""
    unit_ids = user_unit_ids(user, roles=[Role.RECEIVING_OFFICER])
    counter = (
        Counter.objects.filter(pk=counter_id, unit_id__in=unit_ids, is_active=True)
        .select_related("unit")
        .first()
    )
    if counter is None:
        raise NotFound("Không tìm thấy quầy này trong đơn vị của bạn.")
    return counter


def counter_groups(*, counter: Counter) -> QuerySet[ServiceGroup]:
    """Groups a counter serves: those naming it, and those naming no counter at all (any counter serves)."""
    return (
        ServiceGroup.objects.filter(unit_id=counter.unit_id, is_active=True)
        .filter(Q(counters=counter) | Q(counters__isnull=True))
        .distinct()
    )


def counter_current_ticket(*, counter: Counter, for_update: bool = False) -> Ticket | None:
    qs = Ticket.objects.filter(counter=counter, status__in=OPEN_AT_COUNTER)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return qs.select_related("group").first()


def waiting_for_counter(*, counter: Counter, day: date) -> QuerySet[Ticket]:
    """Today's waiting numbers this counter may call, in calling order: priority first, then by issue time
    (a transferred number keeps its place)."""
    group_ids = list(counter_groups(counter=counter).values_list("pk", flat=True))
    return (
        Ticket.objects.filter(unit_id=counter.unit_id, day=day, status=TicketStatus.WAITING)
        .filter(Q(target_counter=counter) | Q(target_counter__isnull=True, group_id__in=group_ids))
        .select_related("group")
        .order_by(_priority_first(), "issued_at", "id")
    )


def _priority_first():
    from django.db.models import Case, IntegerField, Value, When

    return Case(When(priority_reason="", then=Value(1)), default=Value(0), output_field=IntegerField())


# --- estimate ---------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    people_ahead: int
    minutes: int
    average_service_minutes: float
    counters: int


def average_service_minutes(*, group: ServiceGroup, at: datetime) -> float:
    """Mean service time of the group today, or over the last week when today has too few, or a default."""
    today = timezone.localtime(at).date()
    base = Ticket.objects.filter(
        group=group, status=TicketStatus.DONE, served_at__isnull=False, finished_at__isnull=False
    )
    for qs in (
        base.filter(day=today),
        base.filter(day__gte=today - timedelta(days=RECENT_DAYS), day__lte=today),
    ):
        spans = [(f - s).total_seconds() / 60 for s, f in qs.values_list("served_at", "finished_at")[:500]]
        if len(spans) >= MIN_SAMPLES:
            return sum(spans) / len(spans)
    return float(DEFAULT_SERVICE_MINUTES)


def queue_estimate(*, ticket: Ticket, at: datetime | None = None) -> Estimate:
    """People ahead of `ticket` in its line and the wait: ahead × average service time ÷ counters serving the
    group (at least one)."""
    at = at or timezone.now()
    waiting = Ticket.objects.filter(
        unit_id=ticket.unit_id, day=ticket.day, group_id=ticket.group_id, status=TicketStatus.WAITING
    )
    if ticket.pk:
        waiting = waiting.exclude(pk=ticket.pk)
    if ticket.priority_reason:
        ahead = waiting.exclude(priority_reason="").filter(issued_at__lte=ticket.issued_at).count()
    else:
        ahead = waiting.filter(~Q(priority_reason="") | Q(issued_at__lte=ticket.issued_at)).count()
    group = ticket.group
    counters = (
        group.counters.filter(is_active=True).count()
        or Counter.objects.filter(unit_id=ticket.unit_id, is_active=True).count()
    )
    counters = max(counters, 1)
    average = average_service_minutes(group=group, at=at)
    minutes = math.ceil(ahead * average / counters) if ahead else 0
    return Estimate(people_ahead=ahead, minutes=minutes, average_service_minutes=average, counters=counters)


# --- ticket links (kiosk receipt) -------------------------------------------------------------------------------
def ticket_token(*, ticket: Ticket) -> str:
    # Signed so that the receipt page of one number cannot be walked to the next by changing a digit.
    return signing.dumps(ticket.pk, salt=TICKET_SALT, compress=True)


def ticket_by_token(*, token: str, unit: Unit | None = None) -> Ticket:
    try:
        ticket_id = signing.loads(token, salt=TICKET_SALT, max_age=60 * 60 * 24)
    except signing.BadSignature:
        raise NotFound("Không tìm thấy số thứ tự.") from None
    ticket = Ticket.objects.select_related("group", "counter", "unit").filter(pk=ticket_id).first()
    if ticket is None or (unit is not None and ticket.unit_id != unit.pk):
        raise NotFound("Không tìm thấy số thứ tự.")
    return ticket


# --- display board ----------------------------------------------------------------------------------------------
@dataclass
class BoardCounter:
    number: int
    name: str
    current: str | None
    status: str | None
    called_at: datetime | None
    call_count: int


@dataclass
class BoardState:
    unit: Unit
    day: date
    counters: list[BoardCounter]
    recent: list[dict]
    waiting: dict[str, int]
    # The newest call (number, counter, call count) lets the board know when to speak again.
    last_call: dict | None = None
    groups: list[ServiceGroup] = field(default_factory=list)


def board_state(*, unit: Unit, at: datetime | None = None) -> BoardState:
    """What the hall's screen shows: each counter's number, the last calls, and how many wait per group.
    Numbers only: no name ever reaches the board."""
    at = at or timezone.now()
    day = timezone.localtime(at).date()
    counters = list(Counter.objects.filter(unit=unit, is_active=True).order_by("number"))
    open_tickets = {
        t.counter_id: t
        for t in Ticket.objects.filter(unit=unit, day=day, status__in=OPEN_AT_COUNTER, counter__isnull=False)
    }
    rows = [
        BoardCounter(
            number=c.number,
            name=c.name,
            current=open_tickets[c.pk].number if c.pk in open_tickets else None,
            status=open_tickets[c.pk].status if c.pk in open_tickets else None,
            called_at=open_tickets[c.pk].last_called_at if c.pk in open_tickets else None,
            call_count=open_tickets[c.pk].call_count if c.pk in open_tickets else 0,
        )
        for c in counters
    ]
    called = (
        Ticket.objects.filter(unit=unit, day=day, last_called_at__isnull=False, counter__isnull=False)
        .select_related("counter")
        .order_by("-last_called_at", "-id")[:BOARD_RECENT]
    )
    recent = [
        {
            "number": t.number,
            "counter": t.counter.number,
            "called_at": t.last_called_at,
            "call_count": t.call_count,
        }
        for t in called
    ]
    groups = list(service_group_list(unit=unit))
    counts: dict[int, int] = defaultdict(int)
    for group_id in Ticket.objects.filter(unit=unit, day=day, status=TicketStatus.WAITING).values_list(
        "group_id", flat=True
    ):
        counts[group_id] += 1
    waiting = {g.code: counts[g.pk] for g in groups}
    return BoardState(
        unit=unit,
        day=day,
        counters=rows,
        recent=recent,
        waiting=waiting,
        last_call=recent[0] if recent else None,
        groups=groups,
    )


# --- figures ----------------------------------------------------------------------------------------------------
def figure_units_for(*, user) -> list[Unit]:
    """Units whose queue figures `user` may see: their own (and, for supervisors, those below) that run a
    queue."""
    unit_ids = user_unit_ids(user, roles=FIGURE_ROLES)
    queue_unit_ids = ServiceGroup.objects.filter(unit_id__in=unit_ids).values_list("unit_id", flat=True)
    return list(Unit.objects.filter(pk__in=queue_unit_ids).order_by("agency_code"))


def figure_unit_for(*, user, agency_code: str) -> Unit:
    for unit in figure_units_for(user=user):
        if unit.agency_code == agency_code:
            return unit
    raise NotPermitted("Bạn không được xem số liệu xếp hàng của đơn vị này.")


@dataclass
class FigureRow:
    key: str
    issued: int = 0
    served: int = 0
    no_show: int = 0
    wait_minutes: list[float] = field(default_factory=list)
    service_minutes: list[float] = field(default_factory=list)

    @property
    def average_wait(self) -> float | None:
        return round(sum(self.wait_minutes) / len(self.wait_minutes), 1) if self.wait_minutes else None

    @property
    def max_wait(self) -> float | None:
        return round(max(self.wait_minutes), 1) if self.wait_minutes else None

    @property
    def average_service(self) -> float | None:
        return (
            round(sum(self.service_minutes) / len(self.service_minutes), 1) if self.service_minutes else None
        )


@dataclass
class QueueFigures:
    unit: Unit
    date_from: date
    date_to: date
    total: FigureRow
    by_counter: list[FigureRow]
    by_hour: list[FigureRow]
    by_group: list[FigureRow]


def queue_figures(*, unit: Unit, date_from: date, date_to: date) -> QueueFigures:
    """Waiting time (issued → first call) and service time (service start → end) per counter, per hour of
    issue and per group. A number never called counts as issued only; a no-show has a wait but no service."""
    tickets = (
        Ticket.objects.filter(unit=unit, day__gte=date_from, day__lte=date_to)
        .select_related("counter", "group")
        .order_by("issued_at")
    )
    total = FigureRow(key="")
    counters: dict[int, FigureRow] = {}
    hours: dict[int, FigureRow] = {}
    groups: dict[str, FigureRow] = {}
    for t in tickets:
        hour = timezone.localtime(t.issued_at).hour
        rows = [
            total,
            hours.setdefault(hour, FigureRow(key=f"{hour:02d}:00–{hour + 1:02d}:00")),
            groups.setdefault(t.group.code, FigureRow(key=str(t.group))),
        ]
        if t.counter is not None:
            rows.append(counters.setdefault(t.counter.number, FigureRow(key=str(t.counter))))
        for row in rows:
            row.issued += 1
            if t.called_at:
                row.wait_minutes.append((t.called_at - t.issued_at).total_seconds() / 60)
            if t.status == TicketStatus.DONE and t.served_at and t.finished_at:
                row.served += 1
                row.service_minutes.append((t.finished_at - t.served_at).total_seconds() / 60)
            if t.status == TicketStatus.NO_SHOW:
                row.no_show += 1
    return QueueFigures(
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        total=total,
        by_counter=[counters[k] for k in sorted(counters)],
        by_hour=[hours[h] for h in sorted(hours)],
        by_group=[groups[k] for k in sorted(groups)],
    )
