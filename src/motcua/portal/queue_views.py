"""Queue pages without login (issue #6 §1): the hall kiosk that hands out numbers, the printable receipt,
and the display board. The rules are `queues.services`'; these views parse and render."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.exceptions import NotFound, ValidationFailed
from motcua.queues.api import board_out, kiosk_rate_limited
from motcua.queues.enums import PriorityReason, TicketSource, TicketStatus
from motcua.queues.models import ServiceGroup
from motcua.queues.selectors import (
    queue_estimate,
    queue_unit_by_code,
    service_group_list,
    ticket_by_token,
    ticket_token,
)
from motcua.queues.services import ticket_issue

KIOSK_PRIORITIES = [
    (PriorityReason.ELDERLY, PriorityReason.ELDERLY.label),
    (PriorityReason.PREGNANT, PriorityReason.PREGNANT.label),
    (PriorityReason.DISABLED, PriorityReason.DISABLED.label),
    (PriorityReason.MERITORIOUS, PriorityReason.MERITORIOUS.label),
]
# The receipt goes back to the kiosk's start on its own, so the next person does not see this number.
RECEIPT_SECONDS = 20


def _unit(unit_code: str):
    try:
        return queue_unit_by_code(agency_code=unit_code)
    except NotFound:
        raise Http404 from None


@require_http_methods(["GET", "POST"])
def kiosk(request, unit_code: str):
    unit = _unit(unit_code)
    groups = list(service_group_list(unit=unit))
    context = {"unit": unit, "groups": groups, "priorities": KIOSK_PRIORITIES, "error": ""}
    if request.method == "GET":
        return render(request, "portal/queue/kiosk.html", context)
    if kiosk_rate_limited(request):
        context["error"] = _("Máy lấy số đang quá tải. Vui lòng thử lại sau một phút.")
        return render(request, "portal/queue/kiosk.html", context, status=429)
    group = next((g for g in groups if g.code == request.POST.get("nhom", "")), None)
    priority = request.POST.get("uu_tien", "")
    if group is None or priority not in dict(KIOSK_PRIORITIES) and priority != "":
        context["error"] = _("Vui lòng chọn một nhóm dịch vụ.")
        return render(request, "portal/queue/kiosk.html", context, status=422)
    try:
        ticket = ticket_issue(unit=unit, group=group, source=TicketSource.KIOSK, priority_reason=priority)
    except ValidationFailed as error:
        context["error"] = error.message
        return render(request, "portal/queue/kiosk.html", context, status=422)
    url = reverse(
        "portal:queue_ticket", kwargs={"unit_code": unit.agency_code, "token": ticket_token(ticket=ticket)}
    )
    return redirect(f"{url}?in=1")


@require_GET
def ticket(request, unit_code: str, token: str):
    unit = _unit(unit_code)
    try:
        ticket = ticket_by_token(token=token, unit=unit)
    except NotFound:
        raise Http404 from None
    estimate = queue_estimate(ticket=ticket)
    return render(
        request,
        "portal/queue/ticket.html",
        {
            "unit": unit,
            "ticket": ticket,
            "estimate": estimate,
            "is_waiting": ticket.status == TicketStatus.WAITING,
            "auto_print": request.GET.get("in") == "1",
            "receipt_seconds": RECEIPT_SECONDS,
        },
    )


@require_GET
def board(request, unit_code: str):
    unit = _unit(unit_code)
    return render(
        request,
        "portal/queue/board.html",
        {
            "unit": unit,
            "board": board_out(unit),
            "groups": ServiceGroup.objects.filter(unit=unit, is_active=True),
        },
    )
