"""Phản ánh, kiến nghị in the back office: the worklist (overdue first), a petition with the actions the
officer may take, and its attachments. Every object is loaded through `petition_get_for_staff`, so a
petition outside the officer's units looks the same as an unknown code."""

from datetime import date

from django.http import FileResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.backoffice.views.common import bo_render, error_page, staff_required
from motcua.core.exceptions import DomainError, NotFound
from motcua.org.models import Unit
from motcua.privacy.enums import AccessKind
from motcua.privacy.recording import record_access

from .enums import Action, Privacy, SubjectKind
from .selectors import (
    WORKLISTS,
    petition_actions_for,
    petition_assignable_units,
    petition_get_for_staff,
    petition_history,
    petition_is_overdue,
    petition_worklist,
)
from .services import petition_transition

WORKLIST_LABELS = {
    "todo": gettext_lazy("Đang xử lý"),
    "overdue": gettext_lazy("Quá hạn"),
    "answered": gettext_lazy("Đã trả lời"),
    "all": gettext_lazy("Tất cả"),
}


def _not_found(request, message: str):
    return error_page(request, status=404, title=_("Không tìm thấy phản ánh"), message=message)


@staff_required
def petition_worklist_view(request):
    worklist = request.GET.get("list") if request.GET.get("list") in WORKLISTS else "todo"
    q = (request.GET.get("q") or "").strip()[:60]
    now = timezone.now()
    rows = list(petition_worklist(user=request.user, worklist=worklist, q=q, now=now)[:200])
    return bo_render(
        request,
        "petitions/backoffice/worklist.html",
        {
            "rows": [(p, petition_is_overdue(p, now=now)) for p in rows],
            "worklist": worklist,
            "worklists": [(key, WORKLIST_LABELS[key]) for key in WORKLISTS],
            "q": q,
        },
    )


def _detail(request, petition, *, errors=None, status=200, posted=None):
    return bo_render(
        request,
        "petitions/backoffice/detail.html",
        {
            "petition": petition,
            "history": petition_history(petition=petition),
            "actions": petition_actions_for(user=request.user, petition=petition),
            "is_overdue": petition_is_overdue(petition),
            "units": petition_assignable_units(),
            "kinds": SubjectKind.choices,
            "errors": errors or {},
            "posted": posted or {},
            "is_public": petition.privacy == Privacy.PUBLIC,
        },
        status=status,
    )


@staff_required
def petition_detail_view(request, code: str):
    try:
        petition = petition_get_for_staff(user=request.user, code=code)
    except NotFound as error:
        return _not_found(request, error.message)
    record_access(request, kind=AccessKind.PETITION, subject=petition.user, detail=petition.code)
    return _detail(request, petition)


def _payload(action: str, post) -> dict:
    if action == Action.ASSIGN:
        unit = Unit.objects.filter(agency_code=post.get("unit") or "", is_active=True).first()
        return {"unit": unit, "subject_kind": post.get("subject_kind") or ""}
    if action == Action.EXTEND:
        try:
            new_due = date.fromisoformat(post.get("new_due") or "")
        except ValueError:
            new_due = None
        return {"reason": post.get("reason"), "new_due": new_due}
    if action == Action.ANSWER:
        return {
            "answer": post.get("answer"),
            "publish": post.get("publish") == "1",
            "public_description": post.get("public_description"),
        }
    if action == Action.PUBLISH:
        return {"public_description": post.get("public_description")}
    return {"reason": post.get("reason"), "note": post.get("note")}


@staff_required
def petition_action_view(request, code: str, action: str):
    if request.method != "POST":
        return redirect("backoffice:petition_detail", code=code)
    try:
        petition = petition_get_for_staff(user=request.user, code=code)
    except NotFound as error:
        return _not_found(request, error.message)
    if action not in Action.values or action in (Action.SUBMIT, Action.RATE):
        return _not_found(request, _("Thao tác không tồn tại."))
    try:
        petition_transition(
            petition=petition, action=action, actor=request.user, **_payload(action, request.POST)
        )
    except DomainError as error:
        errors = {"action": action, "message": error.message, "fields": error.details or {}}
        return _detail(request, petition, errors=errors, status=error.http_status, posted=request.POST)
    return redirect("backoffice:petition_detail", code=code)


@staff_required
def petition_attachment_view(request, code: str, attachment_id: int):
    try:
        petition = petition_get_for_staff(user=request.user, code=code)
    except NotFound as error:
        return _not_found(request, error.message)
    attachment = petition.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        return _not_found(request, _("Không tìm thấy tệp đính kèm."))
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = (
        f'inline; filename="{petition.code}-{attachment.pk}{attachment.file.name[-4:]}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
