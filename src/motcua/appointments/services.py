"""Writes: book, cancel, reschedule, check in, no-show/done, close a day, reminders. Each is one transaction;
the messages to the holder are outbox rows written in it (`notifications.services.message_enqueue`), so a
refused or rolled-back change tells nobody anything."""

from __future__ import annotations

import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.accounts.identifiers import email_normalize, phone_normalize
from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.notifications.models import MessageChannel
from motcua.notifications.services import message_enqueue
from motcua.org.models import Unit
from motcua.workcal.calendar import LOCAL_TZ
from motcua.workcal.selectors import calendar_for_unit

from .enums import AppointmentStatus, CancelledBy, ServiceKind
from .models import Appointment, AppointmentService, ClosedDay
from .selectors import CLOSING_ROLES, booked_on, officer_unit_ids, slot_find

logger = logging.getLogger("motcua.appointments")

# No 0/O, 1/I/L: a code read out over the phone or copied from paper must survive.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31^10 ≈ 8·10^14: not guessable, and the phone digits are asked as well


@dataclass
class BookingData:
    holder_name: str
    phone: str
    email: str = ""
    address: str = ""
    note: str = ""
    procedure_id: int | None = None


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def ascii_text(value: str) -> str:
    """SMS are sent without diacritics (docs/notifications.md): one 160-character GSM-7 segment."""
    value = (value or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", value)
    return (
        "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
        .encode("ascii", "ignore")
        .decode()
    )


def _validate(service: AppointmentService, data: BookingData) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    clean: dict = {}
    name = " ".join((data.holder_name or "").split())
    if not name:
        errors["holder_name"] = "Nhập họ và tên người đến hẹn."
    elif len(name) > 200:
        errors["holder_name"] = "Họ và tên tối đa 200 ký tự."
    clean["holder_name"] = name
    phone = phone_normalize(data.phone or "")
    if not phone:
        errors["phone"] = "Nhập số điện thoại di động, ví dụ 0912 345 678."
    clean["phone"] = phone or ""
    email = ""
    if (data.email or "").strip():
        email = email_normalize(data.email) or ""
        if not email:
            errors["email"] = "Nhập thư điện tử đúng dạng, ví dụ ten@example.vn, hoặc để trống."
    clean["email"] = email
    address = " ".join((data.address or "").split())
    if service.kind == ServiceKind.POSTAL_PICKUP and not address:
        errors["address"] = "Nhập địa chỉ để bưu điện đến nhận hồ sơ."
    elif len(address) > 500:
        errors["address"] = "Địa chỉ tối đa 500 ký tự."
    clean["address"] = address
    note = (data.note or "").strip()
    if len(note) > 500:
        errors["note"] = "Ghi chú tối đa 500 ký tự."
    clean["note"] = note
    clean["procedure"] = None
    if data.procedure_id:
        procedure = service.procedures.filter(pk=data.procedure_id).first()
        if procedure is None:
            errors["procedure"] = "Chọn thủ tục trong danh sách."
        clean["procedure"] = procedure
    return clean, errors


def _lock_service(service: AppointmentService) -> AppointmentService:
    # Every booking and move of this service queues here: the count below and the insert are one step.
    return (
        AppointmentService.objects.select_related("unit").select_for_update(of=("self",)).get(pk=service.pk)
    )


def _slot_or_refuse(service, start_at: datetime, now: datetime, exclude=None):
    if start_at.tzinfo is None:
        raise ValidationFailed("Giờ hẹn không hợp lệ.", details={"start_at": "Giờ hẹn cần có múi giờ."})
    slot = slot_find(service=service, start_at=start_at, now=now, exclude=exclude)
    if slot is None:
        raise ValidationFailed(
            "Giờ này không nhận đặt lịch (ngoài giờ làm việc, ngày nghỉ, đã qua hoặc quá xa). Vui lòng chọn giờ khác.",
            details={"start_at": "Chọn một giờ còn trống trong danh sách."},
        )
    if not slot.is_available:
        raise InvalidTransition("Giờ này vừa hết chỗ. Vui lòng chọn giờ khác.")
    return slot


def _active_for_person(service, phone: str, user, now: datetime, exclude=None) -> int:
    from django.db.models import Q

    who = Q(phone=phone)
    if user is not None and getattr(user, "is_authenticated", False):
        who |= Q(user=user)
    qs = Appointment.objects.filter(who, service=service, status=AppointmentStatus.BOOKED, end_at__gt=now)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.count()


@transaction.atomic
def appointment_book(
    *,
    service: AppointmentService,
    start_at: datetime,
    data: BookingData,
    user=None,
    now: datetime | None = None,
) -> Appointment:
    """Book one place. Rules: a slot of the service's computed list (office hours, working days, not a closed
    day, not past, within the horizon) with a place left — checked under the service's row lock so the last
    place goes to one person only; at most `max_active_per_person` upcoming bookings per phone number or
    account; a postal pick-up needs an address, and the post office is asked at once with the booking code
    as the reference."""
    now = now or timezone.now()
    service = _lock_service(service)
    if not service.is_active:
        raise InvalidTransition("Dịch vụ này đã ngừng nhận đặt lịch.")
    clean, errors = _validate(service, data)
    if errors:
        raise ValidationFailed("Thông tin đặt lịch chưa hợp lệ, vui lòng kiểm tra lại.", details=errors)
    slot = _slot_or_refuse(service, start_at, now)
    if _active_for_person(service, clean["phone"], user, now) >= service.max_active_per_person:
        raise InvalidTransition(
            f"Mỗi người được giữ tối đa {service.max_active_per_person} lịch hẹn chưa đến cho dịch vụ này. "
            "Vui lòng hủy hoặc đổi một lịch hẹn đã đặt."
        )
    appointment = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                appointment = Appointment.objects.create(
                    service=service,
                    unit=service.unit,
                    code=_code(),
                    start_at=slot.start,
                    end_at=slot.end,
                    user=user if getattr(user, "is_authenticated", False) else None,
                    **clean,
                )
            break
        except IntegrityError:  # a code collision: astronomically rare, draw again
            continue
    if appointment is None:
        raise InvalidTransition("Không tạo được mã lịch hẹn, vui lòng thử lại.")
    if service.kind == ServiceKind.POSTAL_PICKUP:
        appointment.postal_tracking_code = _postal_pickup(appointment)
        appointment.save(update_fields=["postal_tracking_code"])
    _notify(appointment, "appointment_booked", key=f"booked:{appointment.pk}")
    logger.info("appointment %s booked for service %s", appointment.pk, service.pk)
    return appointment


def _postal_pickup(appointment: Appointment) -> str:
    """The post office's pick-up request carries the booking code as its reference: there is no dossier
    yet (the papers are what the post office collects). Raises PostalUnavailable, which rolls the booking
    back: a booked pick-up the post office never heard of would leave the citizen waiting at home."""
    from motcua.dossiers.postal import PickupRequest, PostalParty, _tracking_code, postal_adapter

    unit = appointment.unit
    request = PickupRequest(
        request_id=f"appointment:{appointment.code}:pickup:{appointment.reschedule_count + 1}",
        reference=appointment.code,
        centre_code=unit.agency_code,
        centre_name=unit.name,
        centre_address=unit.address,
        sender=PostalParty(
            name=appointment.holder_name, phone=appointment.phone, address=appointment.address
        ),
        contents=f"Hồ sơ thủ tục hành chính{': ' + appointment.procedure.national_code if appointment.procedure else ''}",
        note=f"Hẹn lúc {appointment.start_at.astimezone(LOCAL_TZ):%H:%M %d/%m/%Y}. {appointment.note}".strip(),
    )
    return _tracking_code(postal_adapter().pickup_request(request))


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_related("service", "unit", "procedure")
        .select_for_update(of=("self",))
        .get(pk=appointment.pk)
    )


def _may_act_as_officer(actor, unit: Unit, roles=None) -> bool:
    return getattr(actor, "is_authenticated", False) and unit.pk in officer_unit_ids(user=actor, roles=roles)


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, actor=None, reason: str = "", by_centre: bool = False, now=None
) -> Appointment:
    """The holder cancels (the interface proved it is them: code and phone digits, or their account), or an
    officer of the unit cancels for them. Only a booking that has not started yet."""
    now = now or timezone.now()
    if by_centre and not _may_act_as_officer(actor, appointment.unit):
        raise NotPermitted("Bạn không có quyền hủy lịch hẹn của đơn vị này.")
    locked = _lock(appointment)
    if locked.status != AppointmentStatus.BOOKED:
        raise InvalidTransition(
            f"Lịch hẹn đang ở trạng thái “{locked.get_status_display()}”, không hủy được."
        )
    if locked.start_at <= now:
        raise InvalidTransition("Giờ hẹn đã bắt đầu, không hủy được nữa.")
    _cancel(locked, by=CancelledBy.CENTRE if by_centre else CancelledBy.HOLDER, reason=reason, now=now)
    if by_centre:
        locked.handled_by = actor
        locked.save(update_fields=["handled_by"])
    _notify(locked, "appointment_cancelled", key=f"cancelled:{locked.pk}")
    return locked


def _cancel(appointment: Appointment, *, by: str, reason: str, now) -> None:
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancelled_by = by
    appointment.cancel_reason = (reason or "").strip()[:300]
    appointment.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])


MAX_RESCHEDULES = 3


@transaction.atomic
def appointment_reschedule(*, appointment: Appointment, start_at: datetime, now=None) -> Appointment:
    """Move a booking to another free slot of the same service (at most MAX_RESCHEDULES times, so that one
    person cannot hold and release places without end). The booking code stays the same."""
    now = now or timezone.now()
    service = _lock_service(appointment.service)
    locked = _lock(appointment)
    if locked.status != AppointmentStatus.BOOKED:
        raise InvalidTransition(
            f"Lịch hẹn đang ở trạng thái “{locked.get_status_display()}”, không đổi được."
        )
    if locked.start_at <= now:
        raise InvalidTransition("Giờ hẹn đã bắt đầu, không đổi được nữa.")
    if locked.reschedule_count >= MAX_RESCHEDULES:
        raise InvalidTransition(
            f"Mỗi lịch hẹn chỉ đổi được {MAX_RESCHEDULES} lần. Vui lòng hủy và đặt lịch mới."
        )
    slot = _slot_or_refuse(service, start_at, now, exclude=locked)
    if slot.start == locked.start_at.astimezone(LOCAL_TZ):
        raise ValidationFailed(
            "Giờ mới trùng giờ đã đặt.", details={"start_at": "Chọn một giờ khác giờ đã đặt."}
        )
    previous = locked.start_at
    locked.start_at, locked.end_at = slot.start, slot.end
    locked.reschedule_count += 1
    locked.save(update_fields=["start_at", "end_at", "reschedule_count"])
    if service.kind == ServiceKind.POSTAL_PICKUP:
        locked.postal_tracking_code = _postal_pickup(locked)
        locked.save(update_fields=["postal_tracking_code"])
    _notify(
        locked,
        "appointment_rescheduled",
        key=f"rescheduled:{locked.pk}:{locked.reschedule_count}",
        extra={"previous_start": previous},
    )
    return locked


def _ticket_label(ticket) -> str:
    for attribute in ("display_number", "number_display", "label", "number", "code"):
        value = getattr(ticket, attribute, None)
        if value:
            return str(value)[:40]
    return str(ticket)[:40]


@transaction.atomic
def appointment_check_in(*, appointment: Appointment, actor=None, now=None) -> Appointment:
    """The holder arrived (kiosk, or the counter officer marks it): on the day of the booking, from the
    opening of the office until the end of the booked slot. They get a priority ticket in the centre's queue
    (TheQ / ZMS practice: an appointment goes to the front). `actor` None means the kiosk, which has already
    matched the code or phone; an officer must work in the unit."""
    now = now or timezone.now()
    if actor is not None and not _may_act_as_officer(actor, appointment.unit):
        raise NotPermitted("Bạn không có quyền ghi nhận lịch hẹn của đơn vị này.")
    locked = _lock(appointment)
    if locked.status != AppointmentStatus.BOOKED:
        raise InvalidTransition(f"Lịch hẹn đang ở trạng thái “{locked.get_status_display()}”.")
    local_now = now.astimezone(LOCAL_TZ)
    start = locked.start_at.astimezone(LOCAL_TZ)
    if local_now.date() != start.date():
        raise InvalidTransition(
            f"Lịch hẹn này vào ngày {start:%d/%m/%Y}; chỉ xác nhận đến được trong ngày hẹn."
        )
    if now > locked.end_at:
        raise InvalidTransition("Đã quá giờ hẹn. Vui lòng lấy số thứ tự thường hoặc đặt lịch mới.")
    from motcua.queues.services import ticket_issue_for_checkin

    ticket = ticket_issue_for_checkin(unit=locked.unit, holder_name=locked.holder_name, reference=locked.code)
    locked.status = AppointmentStatus.CHECKED_IN
    locked.checked_in_at = now
    locked.queue_ticket = _ticket_label(ticket)
    locked.handled_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["status", "checked_in_at", "queue_ticket", "handled_by"])
    return locked


OFFICER_MARKS = {
    AppointmentStatus.NO_SHOW: {AppointmentStatus.BOOKED},
    AppointmentStatus.DONE: {AppointmentStatus.CHECKED_IN},
}


@transaction.atomic
def appointment_mark(*, appointment: Appointment, actor, status: str, now=None) -> Appointment:
    """The counter records how it went: a booked holder who did not come (once the slot has begun), or a
    checked-in holder who was served."""
    now = now or timezone.now()
    if status not in OFFICER_MARKS:
        raise ValidationFailed("Trạng thái không hợp lệ.", details={"status": "Chọn no_show hoặc done."})
    if not _may_act_as_officer(actor, appointment.unit):
        raise NotPermitted("Bạn không có quyền ghi nhận lịch hẹn của đơn vị này.")
    locked = _lock(appointment)
    if locked.status not in OFFICER_MARKS[status]:
        raise InvalidTransition(f"Lịch hẹn đang ở trạng thái “{locked.get_status_display()}”.")
    if status == AppointmentStatus.NO_SHOW and now < locked.start_at:
        raise InvalidTransition("Chưa đến giờ hẹn, chưa thể ghi nhận không đến.")
    locked.status = status
    locked.handled_by = actor
    locked.save(update_fields=["status", "handled_by"])
    return locked


# --- closing a day -------------------------------------------------------------------------------------------
def _check_closing(*, unit: Unit, day: date, actor, now) -> None:
    if not _may_act_as_officer(actor, unit, roles=CLOSING_ROLES):
        raise NotPermitted("Chỉ lãnh đạo hoặc quản trị của đơn vị mới đóng lịch hẹn một ngày.")
    if day <= timezone.localdate(now, LOCAL_TZ):
        raise ValidationFailed(
            "Chỉ đóng được ngày từ ngày mai trở đi.", details={"date": "Chọn một ngày sau hôm nay."}
        )
    if not calendar_for_unit(unit).is_working_day(day):
        raise ValidationFailed(
            "Ngày này đã là ngày nghỉ theo lịch làm việc.", details={"date": "Ngày nghỉ không cần đóng."}
        )
    if ClosedDay.objects.filter(unit=unit, date=day).exists():
        raise InvalidTransition("Ngày này đã được đóng.")


def closed_day_preview(*, unit: Unit, day: date, actor, now=None) -> int:
    """How many holders the closure would cancel (the warning shown before confirming)."""
    _check_closing(unit=unit, day=day, actor=actor, now=now or timezone.now())
    return booked_on(unit=unit, day=day).count()


@transaction.atomic
def closed_day_create(*, unit: Unit, day: date, reason: str, actor, now=None) -> tuple[ClosedDay, int]:
    """Close a working day for appointments: one transaction writes the closure, cancels every booking of
    that day in the unit and queues a message to each holder."""
    now = now or timezone.now()
    Unit.objects.select_for_update(of=("self",)).filter(pk=unit.pk).first()
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(
            "Nhập lý do đóng lịch hẹn.", details={"reason": "Lý do sẽ được gửi cho người đã đặt."}
        )
    if len(reason) > 300:
        raise ValidationFailed("Lý do quá dài.", details={"reason": "Tối đa 300 ký tự."})
    _check_closing(unit=unit, day=day, actor=actor, now=now)
    closure = ClosedDay.objects.create(unit=unit, date=day, reason=reason, closed_by=actor)
    count = 0
    for appointment in booked_on(unit=unit, day=day).select_for_update(of=("self",)):
        _cancel(appointment, by=CancelledBy.CLOSED_DAY, reason=reason, now=now)
        _notify(appointment, "appointment_closed", key=f"closed:{appointment.pk}", extra={"reason": reason})
        count += 1
    logger.info("unit %s closed %s for appointments; %d bookings cancelled", unit.pk, day, count)
    return closure, count


# --- messages ------------------------------------------------------------------------------------------------
def _notify(appointment: Appointment, event: str, *, key: str, extra: dict | None = None) -> None:
    unit = appointment.unit
    context = {
        "appointment": appointment,
        "service": appointment.service,
        "unit": unit,
        "start": appointment.start_at,
        "unit_sms": ascii_text(unit.short_name or unit.name)[:40],
        "is_postal": appointment.service.kind == ServiceKind.POSTAL_PICKUP,
        **(extra or {}),
    }
    if "reason" in context:
        context["reason_sms"] = ascii_text(context["reason"])[:40]
    for channel, recipient in (
        (MessageChannel.EMAIL, appointment.email),
        (MessageChannel.SMS, appointment.phone),
    ):
        message_enqueue(
            event=event,
            channel=channel,
            recipient=recipient,
            context=context,
            dedupe_key=f"appointment:{key}:{channel}",
            user=appointment.user,
        )


def reminders_enqueue(*, now: datetime | None = None) -> int:
    """The day-before reminder: every booking still booked for tomorrow (local date) gets one e-mail and one
    SMS. Safe to run as often as wanted (hourly by Celery beat, or cron): the dedupe key names the booking
    and its start, so each start is reminded once and a moved booking is reminded again for its new time."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now, LOCAL_TZ) + timedelta(days=1)
    lo = datetime.combine(tomorrow, datetime.min.time(), tzinfo=LOCAL_TZ)
    count = 0
    rows = Appointment.objects.filter(
        status=AppointmentStatus.BOOKED, start_at__gte=lo, start_at__lt=lo + timedelta(days=1)
    ).select_related("service", "unit", "user")
    for appointment in rows.iterator():
        with transaction.atomic():
            _notify(
                appointment,
                "appointment_reminder",
                key=f"reminder:{appointment.pk}:{appointment.start_at.isoformat()}",
            )
        count += 1
    return count
