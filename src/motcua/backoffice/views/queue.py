"""The counter app (/can-bo/quay/): a receiving officer picks a counter of their centre and works its line —
call next, call out of turn, recall, serve, no-show, transfer, link the dossier taken in. And the queue figures
for the centre's officers, supervisors and leaders. Rules and locks are `queues.services`'."""

from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.core.exceptions import DomainError, NotFound, NotPermitted
from motcua.org.models import Counter
from motcua.queues import services
from motcua.queues.enums import TicketStatus
from motcua.queues.models import ServiceGroup
from motcua.queues.selectors import (
    counter_current_ticket,
    counter_for_officer,
    counters_for_officer,
    figure_unit_for,
    figure_units_for,
    queue_estimate,
    queue_figures,
    waiting_for_counter,
)

from .common import bo_render, error_page, receiver_required, staff_required

SESSION_COUNTER = "queues.counter_id"


def _counter_or_404(request, counter_id: int):
    try:
        return counter_for_officer(user=request.user, counter_id=counter_id)
    except NotFound as error:
        return error_page(request, status=404, title=_("Không tìm thấy quầy"), message=error.message)


@receiver_required
@require_GET
def queue_home(request):
    counters = counters_for_officer(user=request.user)
    chosen = request.session.get(SESSION_COUNTER)
    if chosen and any(c.pk == chosen for c in counters) and not request.GET.get("doi"):
        return redirect("backoffice:queue_counter", counter_id=chosen)
    return bo_render(request, "backoffice/queue/home.html", {"counters": counters})


@receiver_required
@require_GET
def queue_counter(request, counter_id: int):
    counter = _counter_or_404(request, counter_id)
    if not isinstance(counter, Counter):
        return counter
    request.session[SESSION_COUNTER] = counter.pk
    current = counter_current_ticket(counter=counter)
    waiting = list(waiting_for_counter(counter=counter, day=timezone.localdate())[:50])
    return bo_render(
        request,
        "backoffice/queue/counter.html",
        {
            "counter": counter,
            "current": current,
            "current_dossiers": list(current.dossiers.all()) if current else [],
            "waiting": waiting,
            "estimate": queue_estimate(ticket=waiting[-1]) if waiting else None,
            "groups": ServiceGroup.objects.filter(unit=counter.unit, is_active=True),
            "other_counters": Counter.objects.filter(unit=counter.unit, is_active=True).exclude(
                pk=counter.pk
            ),
            "Status": TicketStatus,
        },
    )


ACTIONS = {
    "call_next": lambda c, u, p: services.ticket_call_next(counter=c, officer=u),
    "call": lambda c, u, p: services.ticket_call(counter=c, officer=u, ticket_id=_int(p.get("so"))),
    "recall": lambda c, u, p: services.ticket_recall(counter=c, officer=u),
    "serve": lambda c, u, p: services.ticket_serve(counter=c, officer=u),
    "finish": lambda c, u, p: services.ticket_finish(counter=c, officer=u),
    "no_show": lambda c, u, p: services.ticket_no_show(counter=c, officer=u),
    "transfer": lambda c, u, p: _transfer(c, u, p),
    "link": lambda c, u, p: services.ticket_link_dossier_by_code(
        counter=c, officer=u, code=p.get("ma_ho_so", "")
    ),
}
DONE_MESSAGES = {
    "call_next": gettext_lazy("Đã gọi số %(number)s."),
    "call": gettext_lazy("Đã gọi số %(number)s."),
    "recall": gettext_lazy("Đã gọi lại số %(number)s."),
    "serve": gettext_lazy("Đang phục vụ số %(number)s."),
    "finish": gettext_lazy("Đã kết thúc phục vụ số %(number)s."),
    "no_show": gettext_lazy("Đã báo vắng số %(number)s."),
    "transfer": gettext_lazy("Đã chuyển số %(number)s."),
    "link": gettext_lazy("Đã gắn hồ sơ vào số %(number)s."),
}


def _int(value) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 0


def _transfer(counter, officer, data):
    target = data.get("den", "")
    group = target_counter = None
    if target.startswith("nhom:"):
        group = ServiceGroup.objects.filter(unit=counter.unit, code=target[5:]).first()
    elif target.startswith("quay:"):
        target_counter = Counter.objects.filter(unit=counter.unit, pk=_int(target[5:])).first()
    return services.ticket_transfer(
        counter=counter, officer=officer, group=group, target_counter=target_counter
    )


@receiver_required
@require_POST
def queue_action(request, counter_id: int):
    counter = _counter_or_404(request, counter_id)
    if not isinstance(counter, Counter):
        return counter
    action = request.POST.get("thao_tac", "")
    url = reverse("backoffice:queue_counter", kwargs={"counter_id": counter.pk})
    if action not in ACTIONS:
        messages.error(request, _("Thao tác không hợp lệ."))
        return redirect(url)
    try:
        ticket = ACTIONS[action](counter, request.user, request.POST)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(url)
    messages.success(request, str(DONE_MESSAGES[action]) % {"number": ticket.number})
    return redirect(url)


def _date(value: str, default: date) -> date | None:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@staff_required
@require_GET
def queue_figures_page(request):
    units = figure_units_for(user=request.user)
    today = timezone.localdate()
    date_from = _date(request.GET.get("tu", ""), today - timedelta(days=6))
    date_to = _date(request.GET.get("den", ""), today)
    context = {"units": units, "date_from": date_from, "date_to": date_to, "figures": None, "errors": {}}
    if not units:
        return error_page(
            request,
            status=403,
            title=_("Không có quyền xem số liệu xếp hàng"),
            message=_(
                "Số liệu xếp hàng dành cho cán bộ, giám sát và lãnh đạo của Trung tâm có hệ thống lấy số."
            ),
        )
    code = request.GET.get("don_vi") or units[0].agency_code
    if date_from is None or date_to is None or date_to < date_from or (date_to - date_from).days > 366:
        context["errors"] = {"tu": _("Nhập khoảng ngày hợp lệ (từ ngày trước đến ngày, tối đa một năm).")}
        return bo_render(request, "backoffice/queue/figures.html", context, status=422)
    try:
        unit = figure_unit_for(user=request.user, agency_code=code)
    except NotPermitted as error:
        return error_page(request, status=403, title=_("Không có quyền xem số liệu"), message=error.message)
    context.update(unit=unit, figures=queue_figures(unit=unit, date_from=date_from, date_to=date_to))
    return bo_render(request, "backoffice/queue/figures.html", context)
