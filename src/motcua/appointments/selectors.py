"""Reads: services, the computed slots, and bookings as each actor may see them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from motcua.core.exceptions import NotFound
from motcua.org.enums import Role
from motcua.org.models import Unit
from motcua.org.selectors import user_unit_ids
from motcua.workcal.calendar import LOCAL_TZ
from motcua.workcal.selectors import calendar_for_unit

from .enums import HOLDING_STATUSES
from .models import Appointment, AppointmentService, ClosedDay

# Who works the appointment list of a unit: the counter, the centre's leaders and those who oversee it.
OFFICER_ROLES = {Role.RECEIVING_OFFICER, Role.SIGNING_LEADER, Role.SUPERVISOR, Role.ADMINISTRATOR}
# Who may close a day: leaders and administrators of the unit (or above it).
CLOSING_ROLES = {Role.SIGNING_LEADER, Role.SUPERVISOR, Role.ADMINISTRATOR}
# A slot starting sooner than this cannot be booked online: the centre must see it coming.
MIN_NOTICE = timedelta(minutes=30)
NOT_FOUND_MESSAGE = "Không tìm thấy lịch hẹn với mã và số điện thoại này."


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    capacity: int
    taken: int

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_available(self) -> bool:
        return self.remaining > 0


def service_list(*, unit: Unit | None = None) -> QuerySet[AppointmentService]:
    qs = AppointmentService.objects.filter(is_active=True, unit__is_active=True).select_related("unit")
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.order_by("unit__agency_code", "kind", "name")


def service_get(*, service_id: int) -> AppointmentService:
    service = service_list().filter(pk=service_id).first()
    if service is None:
        raise NotFound("Không tìm thấy dịch vụ đặt lịch.")
    return service


def unit_list_with_services() -> list[Unit]:
    ids = service_list().values_list("unit_id", flat=True)
    return list(Unit.objects.filter(pk__in=ids).order_by("agency_code"))


def unit_for_booking(*, agency_code: str) -> Unit:
    unit = Unit.objects.filter(agency_code=agency_code, is_active=True).first()
    if unit is None or not service_list(unit=unit).exists():
        raise NotFound("Đơn vị này chưa nhận đặt lịch hẹn trực tuyến.")
    return unit


def closed_dates(*, unit: Unit, start: date, end: date) -> dict[date, str]:
    rows = ClosedDay.objects.filter(unit=unit, date__gte=start, date__lte=end).values_list("date", "reason")
    return dict(rows)


def booking_window(*, service: AppointmentService, now: datetime) -> tuple[date, date]:
    today = timezone.localdate(now, LOCAL_TZ)
    return today, today + timedelta(days=service.horizon_days)


def slot_list(
    *,
    service: AppointmentService,
    start: date,
    end: date,
    now: datetime | None = None,
    exclude: Appointment | None = None,
) -> list[Slot]:
    """Every bookable start in [start, end] (clipped to today … today + horizon): the unit's office periods
    cut into `slot_minutes` pieces on working days (the province's calendar: weekends, public holidays,
    official swaps and make-up Saturdays), minus the unit's closed days and what has already begun or
    starts within MIN_NOTICE. `exclude` leaves one booking out of the counts (when it is being moved)."""
    now = now or timezone.now()
    first, last = booking_window(service=service, now=now)
    start, end = max(start, first), min(end, last)
    if start > end:
        return []
    calendar = calendar_for_unit(service.unit)
    closed = closed_dates(unit=service.unit, start=start, end=end)
    taken = _taken(service=service, start=start, end=end, exclude=exclude)
    length = timedelta(minutes=service.slot_minutes)
    slots: list[Slot] = []
    day = start
    while day <= end:
        if calendar.is_working_day(day) and day not in closed:
            for period_start, period_end in service.unit.office_periods():
                begin = datetime.combine(day, period_start, tzinfo=LOCAL_TZ)
                stop = datetime.combine(day, period_end, tzinfo=LOCAL_TZ)
                while begin + length <= stop:
                    if begin >= now + MIN_NOTICE:
                        slots.append(Slot(begin, begin + length, service.capacity, taken[begin]))
                    begin += length
        day += timedelta(days=1)
    return slots


def _taken(*, service, start: date, end: date, exclude=None) -> Counter:
    lo = datetime.combine(start, datetime.min.time(), tzinfo=LOCAL_TZ)
    hi = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=LOCAL_TZ)
    qs = Appointment.objects.filter(
        service=service, start_at__gte=lo, start_at__lt=hi, status__in=HOLDING_STATUSES
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return Counter(value.astimezone(LOCAL_TZ) for value in qs.values_list("start_at", flat=True))


def slot_find(*, service, start_at: datetime, now=None, exclude=None) -> Slot | None:
    local = start_at.astimezone(LOCAL_TZ)
    for slot in slot_list(service=service, start=local.date(), end=local.date(), now=now, exclude=exclude):
        if slot.start == local:
            return slot
    return None


def day_list(*, service, now=None) -> list[tuple[date, int]]:
    """Days with at least one free place and how many places are free, for the "choose a day" page."""
    now = now or timezone.now()
    first, last = booking_window(service=service, now=now)
    free: dict[date, int] = {}
    for slot in slot_list(service=service, start=first, end=last, now=now):
        if slot.is_available:
            free[slot.start.date()] = free.get(slot.start.date(), 0) + slot.remaining
    return sorted(free.items())


# --- bookings -------------------------------------------------------------------------------------------------
def code_normalize(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def _related(qs):
    return qs.select_related("service", "unit", "procedure")


def appointment_for_holder(*, code: str, phone_last4: str) -> Appointment:
    """The booking code and the last four digits of the phone given at booking: an unknown code and wrong
    digits get the same answer, so codes cannot be confirmed by guessing."""
    digits = "".join(ch for ch in (phone_last4 or "") if ch.isdigit())
    appointment = _related(Appointment.objects).filter(code=code_normalize(code)).first()
    if appointment is None or len(digits) != 4 or not appointment.phone.endswith(digits):
        raise NotFound(NOT_FOUND_MESSAGE)
    return appointment


def appointment_for_owner(*, user, code: str) -> Appointment:
    appointment = None
    if getattr(user, "is_authenticated", False):
        appointment = _related(Appointment.objects).filter(code=code_normalize(code), user=user).first()
    if appointment is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return appointment


def appointment_list_for_user(*, user) -> QuerySet[Appointment]:
    return _related(Appointment.objects.filter(user=user)).order_by("-start_at")


def officer_unit_ids(*, user, roles=None) -> set[int]:
    return user_unit_ids(user, roles or OFFICER_ROLES)


def officer_units(*, user) -> list[Unit]:
    ids = officer_unit_ids(user=user)
    units = service_list().filter(unit_id__in=ids).values_list("unit_id", flat=True)
    return list(Unit.objects.filter(pk__in=set(units)).order_by("agency_code"))


def appointment_for_officer(*, user, code: str) -> Appointment:
    """Another unit's booking looks like a missing one."""
    appointment = _related(Appointment.objects).filter(code=code_normalize(code)).first()
    if appointment is None or appointment.unit_id not in officer_unit_ids(user=user):
        raise NotFound("Không tìm thấy lịch hẹn.")
    return appointment


def appointment_day_list(*, unit: Unit, day: date, service=None) -> QuerySet[Appointment]:
    lo = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ)
    qs = Appointment.objects.filter(unit=unit, start_at__gte=lo, start_at__lt=lo + timedelta(days=1))
    if service is not None:
        qs = qs.filter(service=service)
    return _related(qs).order_by("start_at", "id")


def booked_on(*, unit: Unit, day: date) -> QuerySet[Appointment]:
    from .enums import AppointmentStatus

    return appointment_day_list(unit=unit, day=day).filter(status=AppointmentStatus.BOOKED)


def appointment_for_kiosk(*, unit: Unit, query: str, now: datetime) -> Appointment:
    """At the centre's kiosk: the booking code, or the phone number given at booking, finds today's booking
    at this centre that is still waiting for the holder."""
    from .enums import AppointmentStatus

    today = booked_on(unit=unit, day=timezone.localdate(now, LOCAL_TZ))
    code = code_normalize(query)
    digits = "".join(ch for ch in query if ch.isdigit())
    found = today.filter(code=code).first() if code else None
    if found is None and len(digits) >= 9:
        from motcua.accounts.identifiers import phone_normalize

        phone = phone_normalize(digits)
        if phone:
            found = today.filter(phone=phone).first()
    if found is None or found.status != AppointmentStatus.BOOKED:
        raise NotFound("Không tìm thấy lịch hẹn hôm nay tại trung tâm với mã hoặc số điện thoại này.")
    return found
