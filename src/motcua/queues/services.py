"""Writes of the queue: issue a ticket, and the counter's actions on it. Each is one transaction; the counter
row is locked so two clicks at one counter serialise, and waiting tickets are taken with SKIP LOCKED so two
counters calling at once never get the same number."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.dossiers.models import Dossier
from motcua.org.models import Counter, Unit
from motcua.workcal.selectors import calendar_for_unit

from .enums import OPEN_AT_COUNTER, PriorityReason, TicketAction, TicketSource, TicketStatus
from .models import ServiceGroup, Ticket, TicketEvent, TicketSequence
from .selectors import counter_current_ticket, queue_estimate, waiting_for_counter

logger = logging.getLogger(__name__)

# Allowed changes, declared once: action → (states it starts from, state it leaves).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    TicketAction.CALL: ((TicketStatus.WAITING,), TicketStatus.CALLED),
    TicketAction.RECALL: ((TicketStatus.CALLED,), TicketStatus.CALLED),
    TicketAction.SERVE: ((TicketStatus.CALLED,), TicketStatus.SERVING),
    TicketAction.FINISH: ((TicketStatus.SERVING,), TicketStatus.DONE),
    TicketAction.NO_SHOW: ((TicketStatus.CALLED,), TicketStatus.NO_SHOW),
    TicketAction.TRANSFER: ((TicketStatus.CALLED, TicketStatus.SERVING), TicketStatus.WAITING),
}


def _local_day(at: datetime):
    return timezone.localtime(at).date()


def _next_number(unit: Unit, day, prefix: str) -> int:
    # One atomic upsert: concurrent kiosks serialise on the (unit, day, prefix) row; a rolled-back issue gives
    # its number back.
    table = TicketSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, day, prefix, last) VALUES (%s, %s, %s, 1) "
            f"ON CONFLICT (unit_id, day, prefix) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [unit.pk, day, prefix],
        )
        return cursor.fetchone()[0]


def _event(ticket: Ticket, action: str, at: datetime, *, counter=None, actor=None, note: str = "") -> None:
    TicketEvent.objects.create(ticket=ticket, action=action, at=at, counter=counter, actor=actor, note=note)


def _check_open(unit: Unit, at: datetime) -> None:
    """Walk-in numbers are handed out on working days until the centre closes: a number printed at 17:30
    would be called tomorrow by nobody."""
    calendar = calendar_for_unit(unit)
    day = _local_day(at)
    if not calendar.is_working_day(day):
        raise ValidationFailed(_("Hôm nay là ngày nghỉ, Trung tâm không cấp số thứ tự."))
    if timezone.localtime(at) >= calendar.closing(day):
        raise ValidationFailed(
            _("Đã hết giờ làm việc hôm nay. Mời ông/bà quay lại vào ngày làm việc tiếp theo.")
        )


def ticket_issue(
    *,
    unit: Unit,
    group: ServiceGroup,
    is_priority: bool = False,
    source: str = TicketSource.KIOSK,
    priority_reason: str = "",
    holder_name: str = "",
    reference: str = "",
    at: datetime | None = None,
) -> Ticket:
    """A new number of `group` for today: `A` + a three-digit daily sequence per letter. Priority tickets
    (booked appointments; Decree 107/2021 groups) are called before walk-ins of the same group."""
    at = at or timezone.now()
    if group.unit_id != unit.pk or not group.is_active:
        raise ValidationFailed(
            _("Nhóm dịch vụ không có ở đơn vị này."), details={"group": _("Chọn lại nhóm dịch vụ.")}
        )
    if source not in TicketSource.values:
        raise ValidationFailed(_("Nguồn cấp số không hợp lệ."), details={"source": _("Không hợp lệ.")})
    if priority_reason and priority_reason not in PriorityReason.values:
        raise ValidationFailed(
            _("Đối tượng ưu tiên không hợp lệ."), details={"priority_reason": _("Chọn lại đối tượng.")}
        )
    if is_priority and not priority_reason:
        priority_reason = (
            PriorityReason.APPOINTMENT if source == TicketSource.APPOINTMENT else PriorityReason.OTHER
        )
    if source in (TicketSource.KIOSK, TicketSource.API):
        _check_open(unit, at)
    day = _local_day(at)
    with transaction.atomic():
        sequence = _next_number(unit, day, group.code)
        ticket = Ticket(
            unit=unit,
            group=group,
            day=day,
            number=f"{group.code}{sequence:03d}",
            source=source,
            priority_reason=priority_reason,
            holder_name=holder_name.strip()[:200],
            reference=reference.strip()[:60],
            issued_at=at,
        )
        ticket.estimated_wait_minutes = queue_estimate(ticket=ticket, at=at).minutes
        ticket.save()
        _event(ticket, TicketAction.ISSUE, at)
    logger.info(
        "queue ticket issued", extra={"unit": unit.agency_code, "ticket": ticket.pk, "source": source}
    )
    return ticket


def ticket_issue_for_checkin(
    *, unit: Unit, holder_name: str, reference: str, group_code: str | None = None
) -> Ticket:
    """A booked appointment that checks in gets a priority number (served before walk-ins). Checking in twice
    gives back the same open number. Without `group_code` the unit's first group takes it."""
    groups = ServiceGroup.objects.filter(unit=unit, is_active=True)
    group = groups.filter(code=(group_code or "").upper()).first() if group_code else groups.first()
    if group is None:
        raise ValidationFailed(
            _("Đơn vị chưa có nhóm dịch vụ xếp hàng phù hợp để cấp số."),
            details={"group_code": _("Không có nhóm dịch vụ này.")},
        )
    reference = (reference or "").strip()
    if reference:
        existing = Ticket.objects.filter(
            unit=unit,
            day=_local_day(timezone.now()),
            reference=reference,
            status__in=(TicketStatus.WAITING, *OPEN_AT_COUNTER),
        ).first()
        if existing is not None:
            return existing
    return ticket_issue(
        unit=unit,
        group=group,
        is_priority=True,
        source=TicketSource.APPOINTMENT,
        priority_reason=PriorityReason.APPOINTMENT,
        holder_name=holder_name,
        reference=reference,
    )


# --- counter actions -----------------------------------------------------------------------------------------
def _lock_counter(counter: Counter) -> Counter:
    return Counter.objects.select_for_update(of=("self",)).get(pk=counter.pk)


def _apply(ticket: Ticket, action: str, *, at: datetime) -> None:
    sources, target = TRANSITIONS[action]
    if ticket.status not in sources:
        raise InvalidTransition(
            _("Số %(number)s đang ở trạng thái “%(status)s”, không thể %(action)s.")
            % {
                "number": ticket.number,
                "status": ticket.get_status_display(),
                "action": str(TicketAction(action).label).lower(),
            }
        )
    ticket.status = target


def _call(ticket: Ticket, *, counter: Counter, officer, at: datetime) -> Ticket:
    _apply(ticket, TicketAction.CALL, at=at)
    ticket.counter = counter
    ticket.officer = officer
    ticket.target_counter = None
    ticket.called_at = ticket.called_at or at
    ticket.last_called_at = at
    ticket.call_count += 1
    ticket.save()
    _event(ticket, TicketAction.CALL, at, counter=counter, actor=officer)
    return ticket


def _clear_counter(counter: Counter, officer, at: datetime) -> None:
    """Calling the next number ends the service of the current one; a number still being called must be
    served, recalled or marked absent first, or it would vanish from the board unseen."""
    current = counter_current_ticket(counter=counter, for_update=True)
    if current is None:
        return
    if current.status == TicketStatus.CALLED:
        raise InvalidTransition(
            _("Số %(number)s đang được gọi: bắt đầu phục vụ, gọi lại hoặc báo vắng trước khi gọi số mới.")
            % {"number": current.number}
        )
    _apply(current, TicketAction.FINISH, at=at)
    current.finished_at = at
    current.save()
    _event(current, TicketAction.FINISH, at, counter=counter, actor=officer)


def ticket_call_next(*, counter: Counter, officer, at: datetime | None = None) -> Ticket:
    """The next number for this counter: booked appointments and priority groups first, then first come,
    first served, among today's waiting numbers of the groups the counter serves."""
    at = at or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        _clear_counter(counter, officer, at)
        candidates = waiting_for_counter(counter=counter, day=_local_day(at))
        ticket = candidates.select_for_update(skip_locked=True, of=("self",)).first()
        if ticket is None:
            raise NotFound(_("Không còn số nào đang chờ ở quầy này."))
        return _call(ticket, counter=counter, officer=officer, at=at)


def ticket_call(*, counter: Counter, officer, ticket_id: int, at: datetime | None = None) -> Ticket:
    """Call one waiting number out of turn (the citizen with a booking standing at the counter)."""
    at = at or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = (
            waiting_for_counter(counter=counter, day=_local_day(at))
            .select_for_update(of=("self",))
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None:
            raise NotFound(_("Số này không còn chờ ở quầy của bạn."))
        _clear_counter(counter, officer, at)
        return _call(ticket, counter=counter, officer=officer, at=at)


def _current(counter: Counter) -> Ticket:
    ticket = counter_current_ticket(counter=counter, for_update=True)
    if ticket is None:
        raise InvalidTransition(_("Quầy chưa gọi số nào."))
    return ticket


def ticket_recall(*, counter: Counter, officer, at: datetime | None = None) -> Ticket:
    at = at or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = _current(counter)
        _apply(ticket, TicketAction.RECALL, at=at)
        ticket.last_called_at = at
        ticket.call_count += 1
        ticket.save()
        _event(ticket, TicketAction.RECALL, at, counter=counter, actor=officer)
        return ticket


def ticket_serve(*, counter: Counter, officer, at: datetime | None = None) -> Ticket:
    at = at or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = _current(counter)
        _apply(ticket, TicketAction.SERVE, at=at)
        ticket.served_at = at
        ticket.officer = officer
        ticket.save()
        _event(ticket, TicketAction.SERVE, at, counter=counter, actor=officer)
        return ticket


def ticket_finish(*, counter: Counter, officer, at: datetime | None = None) -> Ticket:
    at = at or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = _current(counter)
        _apply(ticket, TicketAction.FINISH, at=at)
        ticket.finished_at = at
        ticket.save()
        _event(ticket, TicketAction.FINISH, at, counter=counter, actor=officer)
        return ticket


def ticket_no_show(*, counter: Counter, officer, at: datetime | None = None) -> Ticket:
    at = at or timezone.now()
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = _current(counter)
        _apply(ticket, TicketAction.NO_SHOW, at=at)
        ticket.finished_at = at
        ticket.save()
        _event(ticket, TicketAction.NO_SHOW, at, counter=counter, actor=officer)
        return ticket


def ticket_transfer(
    *,
    counter: Counter,
    officer,
    group: ServiceGroup | None = None,
    target_counter: Counter | None = None,
    at: datetime | None = None,
) -> Ticket:
    """Send the current number to another group's line or to one named counter of the same unit. It keeps
    its number and its place (the time it was issued), so the citizen does not queue twice."""
    at = at or timezone.now()
    if group is None and target_counter is None:
        raise ValidationFailed(
            _("Chọn nhóm dịch vụ hoặc quầy nhận chuyển."), details={"target": _("Chọn nơi chuyển đến.")}
        )
    if group is not None and (group.unit_id != counter.unit_id or not group.is_active):
        raise ValidationFailed(_("Nhóm dịch vụ không có ở đơn vị này."), details={"group": _("Chọn lại.")})
    if target_counter is not None and (
        target_counter.unit_id != counter.unit_id
        or not target_counter.is_active
        or target_counter.pk == counter.pk
    ):
        raise ValidationFailed(
            _("Quầy nhận chuyển phải là quầy khác, đang hoạt động, cùng đơn vị."),
            details={"counter": _("Chọn lại quầy.")},
        )
    with transaction.atomic():
        counter = _lock_counter(counter)
        ticket = _current(counter)
        _apply(ticket, TicketAction.TRANSFER, at=at)
        note_parts = []
        if group is not None:
            ticket.group = group
            note_parts.append(str(group))
        ticket.target_counter = target_counter
        if target_counter is not None:
            note_parts.append(str(target_counter))
        ticket.counter = None
        ticket.officer = None
        ticket.save()
        _event(ticket, TicketAction.TRANSFER, at, counter=counter, actor=officer, note=" · ".join(note_parts))
        return ticket


def ticket_link_dossier(*, ticket: Ticket, dossier: Dossier, actor, at: datetime | None = None) -> Ticket:
    """Tie a dossier taken in at the counter to the number that brought the citizen there (a citizen may hand
    in several). Only a dossier of the ticket's own centre."""
    at = at or timezone.now()
    if dossier.receiving_unit_id != ticket.unit_id:
        raise NotPermitted(_("Hồ sơ không được tiếp nhận tại đơn vị của số thứ tự này."))
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
        if ticket.dossiers.filter(pk=dossier.pk).exists():
            return ticket
        ticket.dossiers.add(dossier)
        _event(
            ticket,
            TicketAction.LINK_DOSSIER,
            at,
            counter=ticket.counter,
            actor=actor,
            note=dossier.code or "",
        )
    return ticket


def ticket_link_dossier_by_code(*, counter: Counter, officer, code: str) -> Ticket:
    """The “Gắn hồ sơ” action of the counter app: the dossier code typed by the officer."""
    code = (code or "").strip()
    dossier = Dossier.objects.filter(code=code, receiving_unit=counter.unit).first() if code else None
    if dossier is None:
        raise ValidationFailed(
            _("Không tìm thấy hồ sơ có mã này tiếp nhận tại đơn vị."),
            details={"code": _("Kiểm tra lại mã hồ sơ.")},
        )
    ticket = counter_current_ticket(counter=counter)
    if ticket is None:
        raise InvalidTransition(_("Quầy chưa gọi số nào."))
    return ticket_link_dossier(ticket=ticket, dossier=dossier, actor=officer)


def ticket_link_dossier_for_officer(*, officer, dossier: Dossier) -> Ticket | None:
    """Hook of the counter intake: the dossier just taken in belongs to the number this officer is serving
    (or has called) today at a counter of the dossier's centre. Nothing to link → None; never fails the intake."""
    ticket = (
        Ticket.objects.filter(
            officer=officer,
            unit_id=dossier.receiving_unit_id,
            day=_local_day(timezone.now()),
            status__in=OPEN_AT_COUNTER,
        )
        .order_by("-last_called_at")
        .first()
    )
    if ticket is None:
        return None
    try:
        return ticket_link_dossier(ticket=ticket, dossier=dossier, actor=officer)
    except (NotPermitted, IntegrityError):
        logger.warning("queue ticket link skipped", extra={"ticket": ticket.pk})
        return None
