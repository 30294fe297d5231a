"""Appointments API (issue #6 §2). Public reads of services and free slots; booking without an account (an
account's token attaches the booking to it); cancel and reschedule with the booking code plus the phone's last
four digits, from the owner's account, or by an officer of the unit; check-in by an officer of the unit. The
rules are the services'; this module parses and shapes."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from motcua.api.auth import BearerToken, staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.core.exceptions import NotFound, RateLimited, ValidationFailed
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.org.models import Unit

from .models import Appointment
from .selectors import (
    appointment_for_holder,
    appointment_for_officer,
    appointment_list_for_user,
    code_normalize,
    officer_unit_ids,
    service_get,
    service_list,
    slot_list,
)
from .services import (
    BookingData,
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_reschedule,
)

router = Router(tags=["appointments"])
ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
MAX_RANGE_DAYS = 31


def _anyone(request):
    # Last in the list: a request without a valid token or session still gets through, as anonymous.
    return True


optional_auth = [BearerToken(), django_auth, _anyone]


class ServiceOut(Schema):
    id: int
    unit: str = Field(description="Agency code of the centre")
    unit_name: str
    kind: str = Field(description="guidance | postal_pickup")
    name: str
    description: str
    slot_minutes: int
    capacity: int = Field(description="People per slot")
    max_active_per_person: int
    horizon_days: int


class SlotQuery(Schema):
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")


class SlotOut(Schema):
    start: datetime
    end: datetime
    capacity: int
    remaining: int


class AppointmentOut(Schema):
    code: str = Field(description="Keep it: with the phone's last 4 digits it cancels, moves and checks in")
    service_id: int
    unit: str
    kind: str
    status: str
    start: datetime
    end: datetime
    holder_name: str
    postal_tracking_code: str
    queue_ticket: str


class BookIn(Schema):
    service_id: int
    start: datetime = Field(description="A slot's start as listed by /services/{id}/slots")
    holder_name: str
    phone: str
    email: str = ""
    address: str = Field("", description="Required for postal_pickup")
    note: str = ""
    procedure_id: int | None = None


class HolderIn(Schema):
    phone: str = Field(
        "", description="Last 4 digits of the phone given at booking (not needed for the owner)"
    )
    reason: str = ""


class RescheduleIn(Schema):
    phone: str = ""
    start: datetime


def _service_out(service) -> dict:
    return {
        "id": service.pk,
        "unit": service.unit.agency_code,
        "unit_name": service.unit.name,
        "kind": service.kind,
        "name": service.name,
        "description": service.description,
        "slot_minutes": service.slot_minutes,
        "capacity": service.capacity,
        "max_active_per_person": service.max_active_per_person,
        "horizon_days": service.horizon_days,
    }


def _out(appointment: Appointment) -> dict:
    return {
        "code": appointment.code,
        "service_id": appointment.service_id,
        "unit": appointment.unit.agency_code,
        "kind": appointment.service.kind,
        "status": appointment.status,
        "start": timezone.localtime(appointment.start_at),
        "end": timezone.localtime(appointment.end_at),
        "holder_name": appointment.holder_name,
        "postal_tracking_code": appointment.postal_tracking_code,
        "queue_ticket": appointment.queue_ticket,
    }


def _rate_limit(request, scope: str, limit: int) -> None:
    if rate_limit_hit(scope=scope, key=client_ip(request), limit=limit, window_seconds=3600):
        raise RateLimited("Bạn thao tác quá nhiều lần. Vui lòng thử lại sau.")


@router.get("/services", response=list[ServiceOut], auth=None)
def services(request, unit: str = Query("", description="Agency code, e.g. H12.99")):
    """Services that take bookings, optionally of one centre."""
    qs = service_list()
    if unit:
        qs = qs.filter(unit__agency_code=unit)
    return [_service_out(s) for s in qs]


@router.get(
    "/services/{service_id}/slots", response={200: list[SlotOut], 404: ErrorOut, 422: ErrorOut}, auth=None
)
def slots(
    request,
    service_id: int,
    period: Query[SlotQuery],
):
    """Bookable slots in [from, to] (at most 31 days; default: today to the booking horizon), with the places
    left. Weekends, public holidays, official days off and the centre's closed days have none."""
    service = service_get(service_id=service_id)
    today = timezone.localdate()
    start = period.date_from or today
    end = period.date_to or today + timedelta(days=service.horizon_days)
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise ValidationFailed(
            "Khoảng ngày không hợp lệ.", details={"to": f"Tối đa {MAX_RANGE_DAYS} ngày, sau ngày bắt đầu."}
        )
    return [
        {"start": s.start, "end": s.end, "capacity": s.capacity, "remaining": s.remaining}
        for s in slot_list(service=service, start=start, end=end)
    ]


@router.post("", response={201: AppointmentOut, **ERRORS}, auth=optional_auth)
def book(request, payload: BookIn):
    """Book a slot. With an account's token (or session) the booking is the account's own. Public: limited
    per client address."""
    _rate_limit(request, "appointment_book", getattr(settings, "MOTCUA_APPOINTMENT_BOOK_RATE_PER_HOUR", 20))
    service = service_get(service_id=payload.service_id)
    appointment = appointment_book(
        service=service,
        start_at=payload.start,
        data=BookingData(
            holder_name=payload.holder_name,
            phone=payload.phone,
            email=payload.email,
            address=payload.address,
            note=payload.note,
            procedure_id=payload.procedure_id,
        ),
        user=request.user if request.user.is_authenticated else None,
    )
    return Status(201, _out(appointment))


@router.get("/mine", response=list[AppointmentOut], auth=staff_or_token)
def mine(request):
    """The signed-in person's own bookings, newest first."""
    return [_out(a) for a in appointment_list_for_user(user=request.user)[:100]]


def _access(request, code: str, phone: str) -> tuple[Appointment, bool]:
    """(booking, as_officer): the owner's account, an officer of the unit, or the code with the phone's last
    four digits. Anything else is the same 404 as an unknown code."""
    user = request.user
    if user.is_authenticated:
        own = Appointment.objects.filter(code=code_normalize(code), user=user).first()
        if own is not None:
            return own, False
        if officer_unit_ids(user=user):
            try:
                return appointment_for_officer(user=user, code=code), True
            except NotFound:
                pass
    _rate_limit(
        request, "appointment_lookup", getattr(settings, "MOTCUA_APPOINTMENT_LOOKUP_RATE_PER_HOUR", 30)
    )
    return appointment_for_holder(code=code, phone_last4=phone), False


@router.get("/{code}", response={200: AppointmentOut, **ERRORS}, auth=optional_auth)
def detail(request, code: str, phone: str = Query("", description="Last 4 digits of the phone")):
    appointment, _officer = _access(request, code, phone)
    return _out(appointment)


@router.post("/{code}/cancel", response={200: AppointmentOut, **ERRORS}, auth=optional_auth)
def cancel(request, code: str, payload: HolderIn):
    appointment, as_officer = _access(request, code, payload.phone)
    appointment = appointment_cancel(
        appointment=appointment, actor=request.user, reason=payload.reason, by_centre=as_officer
    )
    return _out(appointment)


@router.post("/{code}/reschedule", response={200: AppointmentOut, **ERRORS}, auth=optional_auth)
def reschedule(request, code: str, payload: RescheduleIn):
    appointment, _officer = _access(request, code, payload.phone)
    return _out(appointment_reschedule(appointment=appointment, start_at=payload.start))


@router.post("/{code}/check-in", response={200: AppointmentOut, **ERRORS}, auth=staff_or_token)
def check_in(request, code: str):
    """An officer of the unit records the holder's arrival: the booking becomes checked_in and gets a
    priority ticket in the centre's queue (`queue_ticket`)."""
    appointment = appointment_for_officer(user=request.user, code=code)
    return _out(appointment_check_in(appointment=appointment, actor=request.user))


__all__ = ["router", "Unit"]
