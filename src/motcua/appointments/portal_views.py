"""Citizen pages of appointment booking (/dat-lich/), GOV.UK style: one question per page, check your answers,
a confirmation with the booking code; everything works without JavaScript. The booking in progress lives in
the session; the rules are `services`'."""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.core.exceptions import DomainError, NotFound, ValidationFailed
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.dossiers.selectors import initials
from motcua.workcal.calendar import LOCAL_TZ

from .enums import AppointmentStatus, ServiceKind
from .forms import DayForm, DetailsForm, FindForm, KioskForm, ServiceForm, TimeForm, UnitForm
from .models import Appointment
from .selectors import (
    appointment_for_holder,
    appointment_for_kiosk,
    appointment_list_for_user,
    code_normalize,
    day_list,
    service_get,
    service_list,
    slot_list,
    unit_for_booking,
    unit_list_with_services,
)
from .services import (
    BookingData,
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_reschedule,
)

SESSION_BOOKING = "appointments_booking"
SESSION_DONE = "appointments_done"
SESSION_UNLOCKED = "appointments_unlocked"


def _day_label(day: date) -> str:
    return date_format(day, "l, d/m/Y")


def _not_found(request, message: str, status: int = 404):
    return render(request, "appointments/portal/unavailable.html", {"message": message}, status=status)


def _booking(request) -> dict:
    return request.session.get(SESSION_BOOKING) or {}


def _set_booking(request, **values) -> None:
    request.session[SESSION_BOOKING] = {**_booking(request), **values}


def _render_form(request, template: str, form, context: dict, *, status: int | None = None):
    if form.is_bound:
        form.mark_errors()
    return render(
        request,
        template,
        {"form": form, **context},
        status=status or (422 if form.is_bound and form.errors else 200),
    )


# --- booking ------------------------------------------------------------------------------------------------
def start(request):
    """Choose the centre."""
    units = unit_list_with_services()
    form = UnitForm(request.GET if "don_vi" in request.GET else None, units=units)
    if form.is_bound and form.is_valid():
        return redirect("portal:appointment_unit", unit_code=form.cleaned_data["don_vi"])
    return _render_form(request, "appointments/portal/start.html", form, {"units": units})


def unit_page(request, unit_code: str):
    """Choose the service of the centre."""
    try:
        unit = unit_for_booking(agency_code=unit_code)
    except NotFound as error:
        return _not_found(request, error.message)
    services = list(service_list(unit=unit))
    form = ServiceForm(request.GET if "dich_vu" in request.GET else None, services=services)
    if form.is_bound and form.is_valid():
        return redirect("portal:appointment_day", service_id=int(form.cleaned_data["dich_vu"]))
    return _render_form(
        request,
        "appointments/portal/question.html",
        form,
        {
            "unit": unit,
            "back_url": reverse("portal:appointment_start"),
            "services": services,
            "method": "get",
        },
    )


def _service_or_404(service_id: int):
    return service_get(service_id=service_id)


def day_page(request, service_id: int):
    try:
        service = _service_or_404(service_id)
    except NotFound as error:
        return _not_found(request, error.message)
    days = day_list(service=service)
    choices = [
        (d.isoformat(), f"{_day_label(d)} — " + ngettext("còn %(n)d chỗ", "còn %(n)d chỗ", n) % {"n": n})
        for d, n in days
    ]
    form = DayForm(request.GET if "ngay" in request.GET else None, days=choices)
    if form.is_bound and form.is_valid():
        return redirect("portal:appointment_time", service_id=service.pk, day=form.cleaned_data["ngay"])
    return _render_form(
        request,
        "appointments/portal/question.html",
        form,
        {
            "service": service,
            "unit": service.unit,
            "back_url": reverse("portal:appointment_unit", kwargs={"unit_code": service.unit.agency_code}),
            "method": "get",
            "empty": not choices,
        },
    )


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _time_choices(service, day: date, exclude=None) -> list[tuple[str, str]]:
    return [
        (
            slot.start.strftime("%H:%M"),
            f"{slot.start:%H:%M}–{slot.end:%H:%M} — "
            + ngettext("còn %(n)d chỗ", "còn %(n)d chỗ", slot.remaining) % {"n": slot.remaining},
        )
        for slot in slot_list(service=service, start=day, end=day, exclude=exclude)
        if slot.is_available
    ]


def time_page(request, service_id: int, day: str):
    try:
        service = _service_or_404(service_id)
    except NotFound as error:
        return _not_found(request, error.message)
    chosen = _parse_day(day)
    if chosen is None:
        return _not_found(request, _("Ngày không hợp lệ."))
    times = _time_choices(service, chosen)
    form = TimeForm(request.GET if "gio" in request.GET else None, times=times)
    if form.is_bound and form.is_valid():
        hour, minute = (int(x) for x in form.cleaned_data["gio"].split(":"))
        start_at = datetime.combine(chosen, time(hour, minute), tzinfo=LOCAL_TZ)
        _set_booking(request, service_id=service.pk, start=start_at.isoformat())
        return redirect("portal:appointment_details")
    return _render_form(
        request,
        "appointments/portal/question.html",
        form,
        {
            "service": service,
            "unit": service.unit,
            "day_label": _day_label(chosen),
            "back_url": reverse("portal:appointment_day", kwargs={"service_id": service.pk}),
            "method": "get",
            "empty": not times,
        },
    )


def _booking_in_progress(request):
    booking = _booking(request)
    try:
        service = service_get(service_id=int(booking["service_id"]))
        start_at = datetime.fromisoformat(booking["start"])
    except (KeyError, ValueError, TypeError, NotFound):
        return None, None, booking
    return service, start_at, booking


def details(request):
    service, start_at, booking = _booking_in_progress(request)
    if service is None:
        return redirect("portal:appointment_start")
    initial = booking.get("details") or {}
    if not initial and request.user.is_authenticated:
        user = request.user
        initial = {
            "holder_name": user.full_name,
            "phone": user.phone,
            "email": user.email,
            "address": user.address,
        }
    form = DetailsForm(request.POST or None, service=service, initial=initial)
    if request.method == "POST" and form.is_valid():
        _set_booking(request, details=form.cleaned_data)
        return redirect("portal:appointment_check")
    back = reverse(
        "portal:appointment_time",
        kwargs={"service_id": service.pk, "day": start_at.astimezone(LOCAL_TZ).date().isoformat()},
    )
    return _render_form(
        request,
        "appointments/portal/details.html",
        form,
        {"service": service, "start": start_at, "back_url": back},
    )


def check(request):
    service, start_at, booking = _booking_in_progress(request)
    if service is None or not booking.get("details"):
        return redirect("portal:appointment_start")
    values = booking["details"]
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        try:
            appointment = appointment_book(
                service=service,
                start_at=start_at,
                data=BookingData(
                    holder_name=values.get("holder_name", ""),
                    phone=values.get("phone", ""),
                    email=values.get("email", ""),
                    address=values.get("address", ""),
                    note=values.get("note", ""),
                    procedure_id=int(values["procedure"]) if values.get("procedure") else None,
                ),
                user=request.user if request.user.is_authenticated else None,
            )
        except ValidationFailed as error:
            problems = [("", str(m)) for m in (error.details or {}).values()] or [("", error.message)]
        except DomainError as error:
            problems = [("", error.message)]
        else:
            request.session.pop(SESSION_BOOKING, None)
            request.session[SESSION_DONE] = appointment.code
            _unlock(request, appointment.code)
            return redirect("portal:appointment_done")
    procedure = None
    if values.get("procedure"):
        procedure = service.procedures.filter(pk=values["procedure"]).first()
    return render(
        request,
        "appointments/portal/check.html",
        {
            "service": service,
            "start": start_at,
            "values": values,
            "procedure": procedure,
            "problems": problems,
            "is_postal": service.kind == ServiceKind.POSTAL_PICKUP,
            "back_url": reverse("portal:appointment_details"),
        },
        status=409 if problems else 200,
    )


def done(request):
    code = request.session.get(SESSION_DONE)
    appointment = Appointment.objects.select_related("service", "unit").filter(code=code or "-").first()
    if appointment is None:
        return redirect("portal:appointment_start")
    return render(
        request,
        "appointments/portal/done.html",
        {"appointment": appointment, "is_postal": appointment.service.kind == ServiceKind.POSTAL_PICKUP},
    )


# --- finding, cancelling and moving a booking ------------------------------------------------------------------
def _unlock(request, code: str) -> None:
    unlocked = list(request.session.get(SESSION_UNLOCKED, []))[-9:]
    if code not in unlocked:
        unlocked.append(code)
    request.session[SESSION_UNLOCKED] = unlocked


def _managed(request, code: str) -> Appointment:
    """The owner's booking, or one this browser unlocked with the code and the phone digits."""
    code = code_normalize(code)
    qs = Appointment.objects.select_related("service", "unit", "procedure").filter(code=code)
    appointment = qs.first()
    if appointment is None:
        raise NotFound(_("Không tìm thấy lịch hẹn."))
    is_owner = request.user.is_authenticated and appointment.user_id == request.user.pk
    if not is_owner and code not in request.session.get(SESSION_UNLOCKED, []):
        raise NotFound(_("Không tìm thấy lịch hẹn."))
    return appointment


def find(request):
    form = FindForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limit_hit(
            scope="appointment_find",
            key=client_ip(request),
            limit=getattr(settings, "MOTCUA_APPOINTMENT_LOOKUP_RATE_PER_HOUR", 30),
            window_seconds=3600,
        ):
            form.add_error("ma", _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau."))
            return _render_form(request, "appointments/portal/find.html", form, {}, status=429)
        try:
            appointment = appointment_for_holder(
                code=form.cleaned_data["ma"], phone_last4=form.cleaned_data["so"]
            )
        except NotFound as error:
            form.add_error("ma", error.message)
            return _render_form(request, "appointments/portal/find.html", form, {}, status=404)
        _unlock(request, appointment.code)
        return redirect("portal:appointment_manage", code=appointment.code)
    return _render_form(request, "appointments/portal/find.html", form, {})


def manage(request, code: str):
    try:
        appointment = _managed(request, code)
    except NotFound as error:
        return _not_found(request, error.message)
    can_change = appointment.status == AppointmentStatus.BOOKED and appointment.start_at > timezone.now()
    return render(
        request,
        "appointments/portal/manage.html",
        {
            "appointment": appointment,
            "can_change": can_change,
            "is_postal": appointment.service.kind == ServiceKind.POSTAL_PICKUP,
        },
    )


def cancel(request, code: str):
    try:
        appointment = _managed(request, code)
    except NotFound as error:
        return _not_found(request, error.message)
    problem = ""
    if request.method == "POST":
        try:
            appointment_cancel(
                appointment=appointment, actor=request.user, reason=request.POST.get("ly_do", "")[:300]
            )
        except DomainError as error:
            problem = error.message
        else:
            messages.success(request, _("Đã hủy lịch hẹn. Chúng tôi đã gửi tin nhắn xác nhận."))
            return redirect("portal:appointment_manage", code=appointment.code)
    return render(
        request,
        "appointments/portal/cancel.html",
        {"appointment": appointment, "problem": problem},
        status=409 if problem else 200,
    )


def reschedule(request, code: str):
    """First the day (GET ?ngay=), then the time (POST)."""
    try:
        appointment = _managed(request, code)
    except NotFound as error:
        return _not_found(request, error.message)
    service = appointment.service
    chosen = _parse_day(request.GET.get("ngay", "") or request.POST.get("ngay", ""))
    manage_url = reverse("portal:appointment_manage", kwargs={"code": appointment.code})
    if chosen is None:
        days = [(d.isoformat(), _day_label(d)) for d, _n in day_list(service=service)]
        form = DayForm(request.GET if "ngay" in request.GET else None, days=days)
        form.fields["ngay"].label = _("Bạn muốn đổi sang ngày nào?")
        return _render_form(
            request,
            "appointments/portal/question.html",
            form,
            {
                "service": service,
                "unit": service.unit,
                "back_url": manage_url,
                "method": "get",
                "empty": not days,
            },
        )
    times = _time_choices(service, chosen, exclude=appointment)
    form = TimeForm(request.POST or None, times=times, label=_("Bạn muốn đổi sang giờ nào?"))
    if request.method == "POST" and form.is_valid():
        hour, minute = (int(x) for x in form.cleaned_data["gio"].split(":"))
        try:
            appointment_reschedule(
                appointment=appointment,
                start_at=datetime.combine(chosen, time(hour, minute), tzinfo=LOCAL_TZ),
            )
        except DomainError as error:
            form.add_error("gio", error.message)
        else:
            messages.success(request, _("Đã đổi lịch hẹn. Mã lịch hẹn giữ nguyên."))
            return redirect(manage_url)
    return _render_form(
        request,
        "appointments/portal/question.html",
        form,
        {
            "service": service,
            "unit": service.unit,
            "day_label": _day_label(chosen),
            "back_url": reverse("portal:appointment_reschedule", kwargs={"code": appointment.code}),
            "method": "post",
            "hidden": {"ngay": chosen.isoformat()},
            "empty": not times,
        },
    )


@login_required
def mine(request):
    appointments = appointment_list_for_user(user=request.user)[:50]
    return render(request, "appointments/portal/mine.html", {"appointments": appointments})


# --- the kiosk at the centre ----------------------------------------------------------------------------------
def kiosk(request, unit_code: str):
    """The centre's check-in screen: the booking code or the phone number, then the priority ticket."""
    try:
        unit = unit_for_booking(agency_code=unit_code)
    except NotFound as error:
        return _not_found(request, error.message)
    form = KioskForm(request.POST or None)
    context = {"unit": unit}
    if request.method == "POST" and form.is_valid():
        if rate_limit_hit(
            scope="appointment_kiosk",
            key=client_ip(request),
            limit=getattr(settings, "MOTCUA_APPOINTMENT_KIOSK_RATE_PER_MINUTE", 20),
            window_seconds=60,
        ):
            form.add_error("ma", _("Bạn thử quá nhiều lần. Vui lòng thử lại sau một phút."))
            return _render_form(request, "appointments/portal/kiosk.html", form, context, status=429)
        try:
            appointment = appointment_for_kiosk(unit=unit, query=form.cleaned_data["ma"], now=timezone.now())
            appointment = appointment_check_in(appointment=appointment)
        except DomainError as error:
            form.add_error("ma", error.message)
            return _render_form(
                request,
                "appointments/portal/kiosk.html",
                form,
                context,
                status=getattr(error, "http_status", 409),
            )
        # Initials only: the kiosk screen faces the waiting room.
        return render(
            request,
            "appointments/portal/kiosk_ticket.html",
            {**context, "appointment": appointment, "initials": initials(appointment.holder_name)},
        )
    return _render_form(request, "appointments/portal/kiosk.html", form, context)
