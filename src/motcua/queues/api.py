"""Queue API (docs/queues.md): kiosk clients take numbers and read the board without a login; the counter
app's actions need an officer (token or session) of the counter's centre."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.core.exceptions import NotPermitted, RateLimited, ValidationFailed
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.org.models import Counter
from motcua.org.selectors import user_is_staff_member

from . import services
from .enums import PriorityReason, TicketSource
from .models import ServiceGroup, Ticket
from .selectors import (
    board_state,
    counter_current_ticket,
    counter_for_officer,
    counters_for_officer,
    figure_unit_for,
    queue_estimate,
    queue_figures,
    queue_unit_by_code,
    service_group_list,
    ticket_by_token,
    ticket_token,
    waiting_for_counter,
)

router = Router(tags=["queues"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def kiosk_rate_limited(request) -> bool:
    # A hall kiosk hands out a number every few seconds at peak; a script hands out hundreds.
    return rate_limit_hit(
        scope="queue_ticket",
        key=client_ip(request),
        limit=getattr(settings, "MOTCUA_QUEUE_TICKETS_PER_MINUTE", 20),
        window_seconds=60,
    )


# --- schemas ----------------------------------------------------------------------------------------------------
class GroupOut(Schema):
    code: str
    name: str
    description: str
    waiting: int


class TicketIn(Schema):
    unit: str = Field(description="Agency code of the service centre")
    group: str = Field(description="Letter of the service group")
    priority_reason: str = Field(
        "",
        description="Decree 107/2021 priority: elderly, pregnant, disabled, meritorious, other; empty: none",
    )


class TicketOut(Schema):
    number: str
    token: str = Field(description="Opaque reference of the ticket for GET /queue/tickets/{token}")
    group: str
    group_name: str
    status: str
    is_priority: bool
    issued_at: datetime
    people_ahead: int
    estimated_wait_minutes: int
    counter: int | None = Field(None, description="Counter number once called")


class BoardCounterOut(Schema):
    number: int
    name: str
    current: str | None
    status: str | None
    called_at: datetime | None
    call_count: int


class BoardCallOut(Schema):
    number: str
    counter: int
    called_at: datetime
    call_count: int


class BoardWaitingOut(Schema):
    group: str
    name: str
    waiting: int


class BoardOut(Schema):
    unit: str
    unit_name: str
    day: date
    counters: list[BoardCounterOut]
    recent: list[BoardCallOut]
    waiting: list[BoardWaitingOut]
    last_call: BoardCallOut | None


class CounterTicketOut(Schema):
    id: int
    number: str
    group: str
    status: str
    priority_reason: str
    holder_name: str = Field(description="Only for booked appointments")
    reference: str
    issued_at: datetime
    call_count: int
    dossiers: list[str]


class CounterOut(Schema):
    id: int
    unit: str
    number: int
    name: str
    current: CounterTicketOut | None = None
    waiting: list[CounterTicketOut] = []


class CounterActionIn(Schema):
    ticket: int | None = Field(None, description="call: the waiting ticket to call out of turn")
    group: str | None = Field(None, description="transfer: letter of the group to send the ticket to")
    counter: int | None = Field(None, description="transfer: number of the counter to send the ticket to")
    dossier: str | None = Field(None, description="link-dossier: the dossier code")


class FigureRowOut(Schema):
    key: str
    issued: int
    served: int
    no_show: int
    average_wait_minutes: float | None
    max_wait_minutes: float | None
    average_service_minutes: float | None


class FiguresOut(Schema):
    unit: str
    date_from: date
    date_to: date
    total: FigureRowOut
    by_counter: list[FigureRowOut]
    by_hour: list[FigureRowOut]
    by_group: list[FigureRowOut]


# --- presenters -------------------------------------------------------------------------------------------------
def ticket_out(ticket: Ticket) -> dict:
    estimate = queue_estimate(ticket=ticket)
    waiting = ticket.status == "waiting"
    return {
        "number": ticket.number,
        "token": ticket_token(ticket=ticket),
        "group": ticket.group.code,
        "group_name": ticket.group.name,
        "status": ticket.status,
        "is_priority": ticket.is_priority,
        "issued_at": ticket.issued_at,
        "people_ahead": estimate.people_ahead if waiting else 0,
        "estimated_wait_minutes": estimate.minutes if waiting else 0,
        "counter": ticket.counter.number if ticket.counter_id else None,
    }


def board_out(unit) -> dict:
    state = board_state(unit=unit)
    return {
        "unit": unit.agency_code,
        "unit_name": unit.name,
        "day": state.day,
        "counters": [vars(c) for c in state.counters],
        "recent": state.recent,
        "waiting": [
            {"group": g.code, "name": g.name, "waiting": state.waiting[g.code]} for g in state.groups
        ],
        "last_call": state.last_call,
    }


def _counter_ticket(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "group": ticket.group.code,
        "status": ticket.status,
        "priority_reason": ticket.priority_reason,
        "holder_name": ticket.holder_name,
        "reference": ticket.reference,
        "issued_at": ticket.issued_at,
        "call_count": ticket.call_count,
        "dossiers": [d.code or "" for d in ticket.dossiers.all()],
    }


def counter_out(counter: Counter) -> dict:
    current = counter_current_ticket(counter=counter)
    waiting = waiting_for_counter(counter=counter, day=timezone.localdate()).prefetch_related("dossiers")[:50]
    return {
        "id": counter.pk,
        "unit": counter.unit.agency_code,
        "number": counter.number,
        "name": counter.name,
        "current": _counter_ticket(current) if current else None,
        "waiting": [_counter_ticket(t) for t in waiting],
    }


def _row(row) -> dict:
    return {
        "key": row.key,
        "issued": row.issued,
        "served": row.served,
        "no_show": row.no_show,
        "average_wait_minutes": row.average_wait,
        "max_wait_minutes": row.max_wait,
        "average_service_minutes": row.average_service,
    }


def _officer_counter(request, counter_id: int) -> Counter:
    if not user_is_staff_member(request.user):
        raise NotPermitted(_("Chỉ cán bộ tiếp nhận mới dùng được quầy."))
    return counter_for_officer(user=request.user, counter_id=counter_id)


# --- public -----------------------------------------------------------------------------------------------------
@router.get("/{unit}/groups", response={200: list[GroupOut], 404: ErrorOut}, auth=None)
def group_list(request, unit: str):
    """The kiosk's buttons: the centre's service groups and how many wait in each."""
    queue_unit = queue_unit_by_code(agency_code=unit)
    waiting = board_state(unit=queue_unit).waiting
    return [
        {"code": g.code, "name": g.name, "description": g.description, "waiting": waiting.get(g.code, 0)}
        for g in service_group_list(unit=queue_unit)
    ]


@router.get("/{unit}/board", response={200: BoardOut, 404: ErrorOut}, auth=None, url_name="queue_board")
def board(request, unit: str):
    """The display board: each counter's number, the last calls, waiting per group. Numbers only."""
    return board_out(queue_unit_by_code(agency_code=unit))


@router.post("/tickets", response={201: TicketOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}, auth=None)
def ticket_create(request, payload: TicketIn):
    """Take a number (kiosk clients, mobile ticket). Rate limited per client."""
    if kiosk_rate_limited(request):
        raise RateLimited(_("Bạn lấy số quá nhiều lần. Vui lòng thử lại sau một phút."))
    unit = queue_unit_by_code(agency_code=payload.unit)
    group = ServiceGroup.objects.filter(unit=unit, code=payload.group.strip().upper(), is_active=True).first()
    if group is None:
        raise ValidationFailed(
            _("Không có nhóm dịch vụ này."), details={"group": _("Chọn lại nhóm dịch vụ.")}
        )
    if payload.priority_reason not in PriorityReason.values:
        raise ValidationFailed(
            _("Đối tượng ưu tiên không hợp lệ."), details={"priority_reason": _("Chọn lại đối tượng.")}
        )
    ticket = services.ticket_issue(
        unit=unit, group=group, source=TicketSource.API, priority_reason=payload.priority_reason
    )
    return Status(201, ticket_out(ticket))


@router.get("/tickets/{token}", response={200: TicketOut, 404: ErrorOut}, auth=None)
def ticket_detail(request, token: str):
    """A ticket's live place: people ahead, estimated wait, the counter once called."""
    return ticket_out(ticket_by_token(token=token))


# --- counter app (officers) -------------------------------------------------------------------------------------
@router.get("/counters", response={200: list[CounterOut], 403: ErrorOut}, auth=staff_or_token)
def counter_list(request):
    """The counters the caller may work at (receiving officer of their centre)."""
    if not user_is_staff_member(request.user):
        raise NotPermitted(_("Chỉ cán bộ tiếp nhận mới dùng được quầy."))
    return [
        {"id": c.pk, "unit": c.unit.agency_code, "number": c.number, "name": c.name}
        for c in counters_for_officer(user=request.user)
    ]


@router.get("/counters/{counter_id}", response={200: CounterOut, **ERRORS}, auth=staff_or_token)
def counter_detail(request, counter_id: int):
    """The counter's current ticket and its waiting line in calling order."""
    return counter_out(_officer_counter(request, counter_id))


@router.post("/counters/{counter_id}/call-next", response={200: CounterOut, **ERRORS}, auth=staff_or_token)
def counter_call_next(request, counter_id: int):
    """Call the next number (booked and priority first); a ticket being served is finished first."""
    counter = _officer_counter(request, counter_id)
    services.ticket_call_next(counter=counter, officer=request.user)
    return counter_out(counter)


ACTIONS = ("call", "recall", "serve", "finish", "no-show", "transfer", "link-dossier")


@router.post(
    "/counters/{counter_id}/actions/{action}", response={200: CounterOut, **ERRORS}, auth=staff_or_token
)
def counter_action(request, counter_id: int, action: str, payload: CounterActionIn):
    """One action on the counter's current ticket: recall, serve, finish, no-show, transfer (`group` or
    `counter`), link-dossier (`dossier`); or `call` a waiting `ticket` out of turn."""
    counter = _officer_counter(request, counter_id)
    officer = request.user
    if action == "call":
        services.ticket_call(counter=counter, officer=officer, ticket_id=payload.ticket or 0)
    elif action == "recall":
        services.ticket_recall(counter=counter, officer=officer)
    elif action == "serve":
        services.ticket_serve(counter=counter, officer=officer)
    elif action == "finish":
        services.ticket_finish(counter=counter, officer=officer)
    elif action == "no-show":
        services.ticket_no_show(counter=counter, officer=officer)
    elif action == "transfer":
        group = target = None
        if payload.group:
            group = ServiceGroup.objects.filter(unit=counter.unit, code=payload.group.upper()).first()
            if group is None:
                raise ValidationFailed(_("Không có nhóm dịch vụ này."), details={"group": _("Chọn lại.")})
        if payload.counter is not None:
            target = Counter.objects.filter(unit=counter.unit, number=payload.counter).first()
            if target is None:
                raise ValidationFailed(_("Không có quầy này."), details={"counter": _("Chọn lại quầy.")})
        services.ticket_transfer(counter=counter, officer=officer, group=group, target_counter=target)
    elif action == "link-dossier":
        services.ticket_link_dossier_by_code(counter=counter, officer=officer, code=payload.dossier or "")
    else:
        raise ValidationFailed(
            _("Thao tác không hợp lệ."), details={"action": _("Một trong: %s.") % ", ".join(ACTIONS)}
        )
    return counter_out(counter)


class FiguresQuery(Schema):
    unit: str = Field(description="Agency code of the centre")
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")


@router.get("/figures", response={200: FiguresOut, 403: ErrorOut, 422: ErrorOut}, auth=staff_or_token)
def figures(request, query: Query[FiguresQuery]):
    """Waiting and service times per counter, hour of issue and group (officers, supervisors, leaders)."""
    if query.date_to < query.date_from or (query.date_to - query.date_from).days > 366:
        raise ValidationFailed(_("Khoảng thời gian không hợp lệ (tối đa một năm)."))
    unit = figure_unit_for(user=request.user, agency_code=query.unit)
    data = queue_figures(unit=unit, date_from=query.date_from, date_to=query.date_to)
    return {
        "unit": unit.agency_code,
        "date_from": data.date_from,
        "date_to": data.date_to,
        "total": _row(data.total),
        "by_counter": [_row(r) for r in data.by_counter],
        "by_hour": [_row(r) for r in data.by_hour],
        "by_group": [_row(r) for r in data.by_group],
    }
