"""Officer pages (/can-bo/lich-hen/): the day's bookings of a unit with check-in, no-show and served, and
closing a day (warning first, then cancellation and notices in one transaction)."""

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.backoffice.views.common import bo_render, error_page, staff_required
from motcua.core.exceptions import DomainError, NotFound
from motcua.org.models import Unit

from .enums import AppointmentStatus
from .forms import CloseDayForm
from .selectors import (
    CLOSING_ROLES,
    appointment_day_list,
    appointment_for_officer,
    officer_unit_ids,
    officer_units,
    service_list,
)
from .services import (
    appointment_cancel,
    appointment_check_in,
    appointment_mark,
    closed_day_create,
    closed_day_preview,
)

ACTIONS = {"check-in", "no-show", "done", "cancel"}


def _no_units(request):
    return error_page(
        request,
        status=403,
        title=_("Không có lịch hẹn để quản lý"),
        message=_("Bạn không làm việc tại đơn vị nào nhận đặt lịch hẹn."),
    )


@staff_required
def day_list(request):
    units = officer_units(user=request.user)
    if not units:
        return _no_units(request)
    unit = next((u for u in units if u.agency_code == request.GET.get("don_vi")), units[0])
    try:
        day = date.fromisoformat(request.GET.get("ngay", ""))
    except ValueError:
        day = timezone.localdate()
    rows = list(appointment_day_list(unit=unit, day=day))
    counts = {status: sum(1 for r in rows if r.status == status) for status in AppointmentStatus.values}
    return bo_render(
        request,
        "appointments/backoffice/day.html",
        {
            "units": units,
            "unit": unit,
            "day": day,
            "rows": rows,
            "counts": counts,
            "services": service_list(unit=unit),
            "can_close": unit.pk in officer_unit_ids(user=request.user, roles=CLOSING_ROLES),
            "statuses": AppointmentStatus,
        },
    )


@staff_required
@require_POST
def act(request, code: str, action: str):
    if action not in ACTIONS:
        return error_page(
            request, status=404, title=_("Không tìm thấy"), message=_("Thao tác không tồn tại.")
        )
    try:
        appointment = appointment_for_officer(user=request.user, code=code)
    except NotFound as error:
        return error_page(request, status=404, title=_("Không tìm thấy"), message=error.message)
    try:
        if action == "check-in":
            appointment = appointment_check_in(appointment=appointment, actor=request.user)
            messages.success(
                request,
                _("Đã xác nhận %(name)s đến, số thứ tự ưu tiên %(ticket)s.")
                % {"name": appointment.holder_name, "ticket": appointment.queue_ticket},
            )
        elif action == "cancel":
            appointment_cancel(
                appointment=appointment,
                actor=request.user,
                by_centre=True,
                reason=request.POST.get("ly_do", "")[:300],
            )
            messages.success(request, _("Đã hủy lịch hẹn và báo cho người đặt."))
        else:
            status = AppointmentStatus.NO_SHOW if action == "no-show" else AppointmentStatus.DONE
            appointment_mark(appointment=appointment, actor=request.user, status=status)
            messages.success(request, _("Đã ghi nhận."))
    except DomainError as error:
        return error_page(
            request, status=error.http_status, title=_("Không thực hiện được"), message=error.message
        )
    url = reverse("backoffice:appointments")
    local = timezone.localtime(appointment.start_at)
    return redirect(f"{url}?don_vi={appointment.unit.agency_code}&ngay={local.date().isoformat()}")


@staff_required
def close_day(request):
    """GET: the form. POST without `xac_nhan`: the warning with how many holders the closure cancels.
    POST with `xac_nhan`: close, cancel and notify."""
    units = [
        u
        for u in Unit.objects.filter(pk__in=officer_unit_ids(user=request.user, roles=CLOSING_ROLES))
        if service_list(unit=u).exists()
    ]
    if not units:
        return error_page(
            request,
            status=403,
            title=_("Không có quyền đóng lịch hẹn"),
            message=_("Chỉ lãnh đạo hoặc quản trị của đơn vị mới đóng lịch hẹn một ngày."),
        )
    form = CloseDayForm(request.POST or None, units=units)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if u.agency_code == form.cleaned_data["don_vi"])
        day, reason = form.cleaned_data["ngay"], form.cleaned_data["reason"]
        try:
            if "xac_nhan" not in request.POST:
                count = closed_day_preview(unit=unit, day=day, actor=request.user)
                context.update(unit=unit, day=day, reason=reason, count=count, confirm=True)
                return bo_render(request, "appointments/backoffice/close_day.html", context)
            _closure, count = closed_day_create(unit=unit, day=day, reason=reason, actor=request.user)
        except DomainError as error:
            for message in (error.details or {}).values() or [error.message]:
                form.add_error(None, str(message))
            return bo_render(
                request, "appointments/backoffice/close_day.html", context, status=error.http_status
            )
        messages.success(
            request,
            _("Đã đóng lịch hẹn ngày %(day)s; %(count)d lịch hẹn đã được hủy và báo cho người đặt.")
            % {"day": day.strftime("%d/%m/%Y"), "count": count},
        )
        return redirect(
            f"{reverse('backoffice:appointments')}?don_vi={unit.agency_code}&ngay={day.isoformat()}"
        )
    status = 422 if form.is_bound else 200
    return bo_render(request, "appointments/backoffice/close_day.html", context, status=status)
