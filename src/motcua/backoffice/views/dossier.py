"""The dossier page: everything about one dossier, and every action the officer may take on it.

A dossier is only ever loaded through `dossier_get_for_staff`, so a dossier outside the officer's units looks
exactly like one that does not exist (404), for the page, its files and its forms alike."""

from functools import wraps

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.dossiers.enums import Action, ReturnMode, Status
from motcua.dossiers.postal import (
    PostalUnavailable,
    postal_pickup_allowed,
    postal_pickup_request,
    postal_pickups,
    postal_result_return,
)
from motcua.dossiers.selectors import dossier_clock, dossier_get_for_staff, dossier_history
from motcua.dossiers.services import dossier_step_explain, dossier_transition
from motcua.dossiers.transitions import RULES, rule_for
from motcua.privacy.enums import AccessKind
from motcua.privacy.recording import record_access

from ..forms import action_arguments
from ..presenters import eform_answers, event_facts, event_label, moment
from ..selectors import (
    FORM_TITLES,
    PRINT_LABELS,
    dossier_actions_for_staff,
    dossier_form_numbers,
    dossier_reply_clock,
    explainable_step_ids,
    people_by_username,
)
from .common import bo_render, error_page, staff_required


def _with_dossier(view):
    """Resolve `reference` for the signed-in officer, or answer 404."""

    @wraps(view)
    def wrapper(request, reference, *args, **kwargs):
        try:
            dossier = dossier_get_for_staff(user=request.user, reference=reference)
        except NotFound as error:
            return error_page(request, status=404, title=_("Không tìm thấy hồ sơ"), message=error.message)
        return view(request, dossier, *args, **kwargs)

    return wrapper


def _url(dossier, **query) -> str:
    url = reverse("backoffice:dossier", kwargs={"reference": dossier.reference})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def render_dossier(request, dossier, *, status=200, failure=None):
    """`failure`: {"kind": "action"|"explain", "key": action or step id, "message", "details", "posted"}."""
    now = timezone.now()
    history = list(dossier_history(dossier=dossier))
    steps = list(
        dossier.steps.select_related("unit", "assignee", "finished_by", "explained_by").order_by(
            "started_at", "id"
        )
    )
    steps_by_id = {step.pk: step for step in steps}
    people = people_by_username(event.data.get("assignee") for event in history if event.data)
    numbers = dossier_form_numbers(dossier=dossier, history=history)
    print_number = request.GET.get("in", "")
    current = dossier.current_step
    failure = failure or {}
    details = failure.get("details") if isinstance(failure.get("details"), dict) else {}
    actions = dossier_actions_for_staff(user=request.user, dossier=dossier, history=history)
    error_items = []
    if failure.get("kind") == "action":
        offered = False
        for option in actions:
            if option.value == failure["key"]:
                offered = True
                option.error = failure["message"]
                option.field_errors = details
                option.posted = failure.get("posted", {})
        anchor = f"thao-tac-{failure['key']}" if offered else "thao-tac"
        error_items = [(anchor, failure["message"])]
        error_items += [(f"{failure['key']}-{name}", str(message)) for name, message in details.items()]
    elif failure.get("kind") == "explain":
        error_items = [(f"giai-trinh-{failure['key']}", failure["message"])]
    elif failure.get("kind") == "pickup":
        error_items = [("thu-gom", failure["message"])]
        error_items += [(f"thu-gom-{name}", str(message)) for name, message in details.items()]
    return bo_render(
        request,
        "backoffice/dossier.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "clock": dossier_clock(dossier, now=now),
            "reply_clock": dossier_reply_clock(dossier, now=now),
            "eform_answers": eform_answers(
                fields=dossier.procedure_version.eform_fields, form_data=dossier.form_data
            ),
            "pickups": postal_pickups(dossier=dossier),
            "can_request_pickup": postal_pickup_allowed(dossier=dossier, actor=request.user),
            "documents": list(dossier.documents.all()),
            "pauses": list(dossier.pauses.all()),
            "steps": steps,
            "current": current,
            "current_overdue": bool(current and now > current.due_at),
            "explainable": explainable_step_ids(user=request.user, steps=steps),
            "events": [
                {"event": e, "label": event_label(e), "facts": event_facts(e, steps_by_id, people)}
                for e in history
            ],
            "actions": actions,
            "error_items": error_items,
            "forms": [(n, FORM_TITLES[n]) for n in numbers],
            "print_form": (print_number, PRINT_LABELS[print_number]) if print_number in numbers else None,
            "failure": failure,
            "is_open": dossier.status not in (Status.RETURNED, Status.REFUSED, Status.STOPPED),
        },
        status=status,
    )


@staff_required
@require_GET
@_with_dossier
def dossier_detail(request, dossier):
    record_access(request, kind=AccessKind.VIEW, dossier=dossier)
    return render_dossier(request, dossier)


def _success_message(dossier, action: str) -> str:
    label = str(rule_for(action).action.label)
    if action == Action.RECEIVE:
        return _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả lúc %(due)s.") % {
            "code": dossier.code,
            "due": moment(dossier.due_at),
        }
    if action in (Action.TRANSFER, Action.FORWARD, Action.SEND_BACK) and dossier.current_step:
        step = dossier.current_step
        return _("Đã “%(action)s”: hồ sơ chuyển đến bước “%(step)s” tại %(unit)s.") % {
            "action": label,
            "step": step.name,
            "unit": step.unit,
        }
    if action in (Action.APPROVE, Action.DENY):
        return _("Đã “%(action)s”: hồ sơ có kết quả, chuyển Bộ phận Một cửa trả kết quả.") % {"action": label}
    if action == Action.RETURN_RESULT and dossier.return_postal_item_code:
        return _("Đã gửi kết quả hồ sơ %(code)s qua bưu chính, số hiệu bưu gửi %(item)s.") % {
            "code": dossier.reference,
            "item": dossier.return_postal_item_code,
        }
    if action == Action.RETURN_RESULT:
        return _("Đã trả kết quả hồ sơ %(code)s.") % {"code": dossier.reference}
    return _("Đã “%(action)s” hồ sơ %(code)s.") % {"action": label, "code": dossier.reference}


@staff_required
@require_POST
@_with_dossier
def dossier_action(request, dossier, action: str):
    # Submitting is the applicant's; explaining has its own form. `rule_for` also raises KeyError for an
    # action without a rule (explain), so the name is checked against the table first.
    if action not in RULES or action == Action.SUBMIT:
        raise Http404
    rule = rule_for(action)
    note, fields = action_arguments(action, request.POST)
    by_post = action == Action.RETURN_RESULT and dossier.return_mode == ReturnMode.POSTAL
    try:
        if by_post:
            updated = postal_result_return(
                dossier=dossier,
                actor=request.user,
                item_code=request.POST.get("postal_item_code", ""),
                note=note,
            )
        else:
            updated = dossier_transition(
                dossier=dossier, action=action, actor=request.user, note=note, **fields
            )
    except NotPermitted as error:
        return error_page(request, status=403, title=_("Không có quyền thực hiện"), message=error.message)
    except (InvalidTransition, ValidationFailed, PostalUnavailable) as error:
        status = error.http_status
        failure = {
            "kind": "action",
            "key": action,
            "message": error.message,
            "details": error.details,
            "posted": request.POST,
        }
        return render_dossier(request, dossier, status=status, failure=failure)
    messages.success(request, _success_message(updated, action))
    try:
        dossier_get_for_staff(user=request.user, reference=updated.reference)
    except NotFound:
        # The dossier left the officer's units with this action: back to the list of what is left.
        return redirect("backoffice:worklist")
    if rule.form:
        return redirect(_url(updated, **{"in": rule.form}))
    return redirect(_url(updated))


@staff_required
@require_POST
@_with_dossier
def step_explain(request, dossier, step_id: int):
    try:
        dossier_step_explain(
            dossier=dossier,
            step_id=step_id,
            actor=request.user,
            explanation=request.POST.get("explanation", ""),
        )
    except NotPermitted as error:
        return error_page(request, status=403, title=_("Không có quyền thực hiện"), message=error.message)
    except (InvalidTransition, ValidationFailed) as error:
        failure = {
            "kind": "explain",
            "key": step_id,
            "message": error.message,
            "details": error.details,
            "posted": request.POST,
        }
        status = 409 if isinstance(error, InvalidTransition) else 422
        return render_dossier(request, dossier, status=status, failure=failure)
    messages.success(request, _("Đã ghi nhận văn bản giải trình."))
    return redirect(_url(dossier) + "#buoc-xu-ly")


@staff_required
@require_POST
@_with_dossier
def pickup_request(request, dossier):
    """The post office collects the papers at the applicant's address (thu gom hồ sơ tại nhà)."""
    try:
        event = postal_pickup_request(
            dossier=dossier,
            actor=request.user,
            address=request.POST.get("address", ""),
            note=request.POST.get("note", ""),
        )
    except NotPermitted as error:
        return error_page(request, status=403, title=_("Không có quyền thực hiện"), message=error.message)
    except (InvalidTransition, ValidationFailed, PostalUnavailable) as error:
        failure = {
            "kind": "pickup",
            "key": "pickup",
            "message": error.message,
            "details": error.details,
            "posted": request.POST,
        }
        return render_dossier(request, dossier, status=error.http_status, failure=failure)
    messages.success(
        request,
        _("Đã gửi yêu cầu thu gom hồ sơ đến bưu điện, mã yêu cầu %(code)s.")
        % {"code": event.data["postal_pickup"]["tracking_code"]},
    )
    return redirect(_url(dossier) + "#buu-chinh")


# Scans the browser may show in place: what `uploads.upload_check` lets in, identified by content.
VIEWABLE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


@staff_required
@require_GET
@_with_dossier
def document_download(request, dossier, document_id: int):
    document = dossier.documents.filter(pk=document_id).exclude(file="").first()
    if document is None:
        return error_page(
            request, status=404, title=_("Không tìm thấy tệp"), message=_("Hồ sơ không có tệp này.")
        )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        return error_page(
            request,
            status=404,
            title=_("Không tìm thấy tệp"),
            message=_("Tệp đã được ghi nhận nhưng không còn trong kho lưu trữ; báo quản trị hệ thống."),
        )
    record_access(request, kind=AccessKind.DOWNLOAD, dossier=dossier, detail=f"#{document.order}")
    extension = "." + document.file.name.rsplit(".", 1)[-1] if "." in document.file.name else ""
    filename = f"{dossier.reference}-{document.order:02d}{extension}"
    inline = request.GET.get("xem") == "1" and document.content_type in VIEWABLE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=filename,
        content_type=document.content_type or "application/octet-stream",
    )
    if inline and document.content_type.startswith("image/"):
        # An image shown in place loads nothing else (a PDF keeps the browser's own viewer, which a sandbox
        # policy would block; its type was checked by content at upload and nosniff holds the browser to it).
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_GET
@_with_dossier
def form_pdf(request, dossier, number: str):
    if number not in FORM_TITLES:
        return error_page(request, status=404, title=_("Không có biểu mẫu này"), message=_("Chọn Mẫu 01–06."))
    try:
        # Imported here: the paperwork package pulls in WeasyPrint, which the other pages never need.
        from motcua.paperwork import render_form
    except ImportError:
        return error_page(
            request,
            status=404,
            title=_("Chưa in được biểu mẫu"),
            message=_("Chức năng in biểu mẫu chưa được cài đặt trên hệ thống này."),
        )
    try:
        pdf = render_form(dossier=dossier, number=number, base_url=request.build_absolute_uri("/"))
    except InvalidTransition as error:
        return error_page(request, status=409, title=_("Chưa có biểu mẫu này"), message=error.message)
    except NotFound as error:
        return error_page(request, status=404, title=_("Không có biểu mẫu này"), message=error.message)
    record_access(request, kind=AccessKind.PRINT, dossier=dossier, detail=f"Mẫu {number}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.reference}-mau-{number}.pdf"'
    return response
