"""Citizen pages: online submission (a wizard, one question per page, saved at every step), answering a
return for completion or a supplement request, "my dossiers" and the document store.

Thin views: they parse a form, call one service of `dossiers.online` (or a selector) and choose the next
page. Another person's dossier or document is answered exactly like one that does not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog.eform import eform_display_value, eform_django_form, eform_initial, eform_pages
from motcua.catalog.enums import VersionStatus
from motcua.catalog.selectors import procedure_get_by_code, procedure_version_detail
from motcua.core.exceptions import DomainError, NotFound, ValidationFailed
from motcua.docstore.selectors import (
    stored_document_choices_for_component,
    stored_document_get_for_owner,
    stored_document_list_for_owner,
)
from motcua.dossiers.citizen_selectors import (
    completion_items,
    dossier_document_get_for_citizen,
    dossier_documents_for_citizen,
    dossier_get_for_citizen,
    dossier_list_for_citizen,
    dossier_timeline_for_citizen,
    online_receiving_units,
    supplement_items,
)
from motcua.dossiers.enums import Status
from motcua.dossiers.online import (
    EDITABLE_STATUSES,
    ONLINE_LEVELS,
    online_document_remove,
    online_documents_add,
    online_draft_create,
    online_draft_update,
    online_missing_components,
    online_submission_problems,
    online_submit,
    online_supplement_submit,
)
from motcua.dossiers.services import DocumentData

from . import submit_presenters as present
from .submit_forms import (
    KEEP,
    SKIP,
    UPLOAD,
    ApplicantForm,
    CentreForm,
    ComponentForm,
    PortalForm,
    ReturnForm,
    SupplementForm,
)

FROM_CHECK = "kiem-tra"  # ?tu=kiem-tra: a change link from the check-answers page returns there


# --- access --------------------------------------------------------------------------------------------------
def _data(request):
    """The POST data, or None for a GET: an empty POST is still a submitted form (so it gets its errors)."""
    return request.POST if request.method == "POST" else None


def _files(request):
    return request.FILES if request.method == "POST" else None


def _not_found(request):
    return render(request, "404.html", {}, status=404)


def citizen_required(view):
    """Signed in; anonymous people go to the sign-in page and come back here afterwards."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def own_dossier(view):
    """Loads the signed-in person's dossier by reference; anybody else's is a 404."""

    @wraps(view)
    @citizen_required
    def wrapper(request, reference, *args, **kwargs):
        try:
            dossier = dossier_get_for_citizen(user=request.user, reference=reference)
        except NotFound:
            return _not_found(request)
        if reference != dossier.reference and request.method == "GET":
            # An old `D<id>` link after the code was issued: one address per dossier.
            return redirect(request.get_full_path().replace(f"/{reference}/", f"/{dossier.reference}/", 1))
        return view(request, dossier, *args, **kwargs)

    return wrapper


def editable(view):
    """Wizard pages: only while the dossier is the citizen's to change (draft, returned for completion)."""

    @wraps(view)
    def wrapper(request, dossier, *args, **kwargs):
        if dossier.status not in EDITABLE_STATUSES:
            messages.info(request, _("Hồ sơ đã được gửi; bạn không sửa được nữa."))
            return redirect(_detail_url(dossier))
        return view(request, dossier, *args, **kwargs)

    return wrapper


def _detail_url(dossier) -> str:
    return reverse("portal:mine_detail", kwargs={"reference": dossier.reference})


# --- the wizard's pages in order ----------------------------------------------------------------------------
@dataclass
class WizardStep:
    key: str
    url: str
    title: str


def _needs_centre_step(version) -> bool:
    return len(online_receiving_units(version=version)) > 1 or version.competent_units.count() > 1


def wizard_steps(dossier) -> list[WizardStep]:
    version = dossier.procedure_version
    ref = {"reference": dossier.reference}
    steps = []
    if _needs_centre_step(version):
        steps.append(WizardStep("centre", reverse("portal:submit_centre", kwargs=ref), _("Nơi nộp hồ sơ")))
    steps.append(
        WizardStep("applicant", reverse("portal:submit_applicant", kwargs=ref), _("Người nộp hồ sơ"))
    )
    for page in eform_pages(version.eform_fields or []):
        url = reverse("portal:submit_eform", kwargs={**ref, "page": page.number})
        steps.append(WizardStep(f"eform-{page.number}", url, page.title))
    for component in version.components.all():
        url = reverse("portal:submit_component", kwargs={**ref, "requirement_id": component.pk})
        steps.append(WizardStep(f"component-{component.pk}", url, component.name))
    steps.append(WizardStep("return", reverse("portal:submit_return", kwargs=ref), _("Cách nhận kết quả")))
    steps.append(WizardStep("check", reverse("portal:submit_check", kwargs=ref), _("Kiểm tra hồ sơ")))
    return steps


def _neighbours(request, dossier, key: str) -> tuple[str, str]:
    """(back, next) for the page `key`; a change made from the check-answers page returns there."""
    steps = wizard_steps(dossier)
    keys = [step.key for step in steps]
    index = keys.index(key)
    check = steps[-1].url
    if request.GET.get("tu") == FROM_CHECK:
        return check, check
    if index > 0:
        back = steps[index - 1].url
    elif dossier.status == Status.INCOMPLETE:
        back = _detail_url(dossier)
    else:
        back = reverse(
            "portal:submit_start", kwargs={"code": dossier.procedure_version.procedure.national_code}
        )
    return back, steps[min(index + 1, len(steps) - 1)].url


def _page(request, template: str, dossier, key: str, context: dict, *, status: int = 200):
    back, _next = _neighbours(request, dossier, key)
    steps = wizard_steps(dossier)
    number = [step.key for step in steps].index(key) + 1
    base = {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "back_url": back,
        "step_number": number,
        "step_count": len(steps),
        "from_check": request.GET.get("tu") == FROM_CHECK,
    }
    return render(request, template, {**base, **context}, status=status)


def _saved(request, dossier, key: str):
    _back, following = _neighbours(request, dossier, key)
    return redirect(following)


def _apply_failure(form: PortalForm, error: DomainError) -> int:
    if isinstance(error, ValidationFailed):
        form.add_domain_errors(error.details or [error.message])
        if not form.errors:
            form.add_error(None, error.message)
        return 422
    form.add_error(None, error.message)
    return 409


def _invalid(form: PortalForm) -> int:
    return 422


# --- start ---------------------------------------------------------------------------------------------------
def _online_version(code: str):
    procedure = procedure_get_by_code(code=code)
    version = procedure_version_detail(version_id=procedure.current_version_id)
    return procedure, version


@citizen_required
@require_http_methods(["GET", "POST"])
def submit_start(request, code: str):
    """The start page: what the service needs, drafts to resume, and where to send the dossier."""
    try:
        procedure, version = _online_version(code)
    except NotFound:
        return render(request, "404.html", {"missing_code": code}, status=404)
    if version.status != VersionStatus.IN_FORCE or version.online_level not in ONLINE_LEVELS:
        return render(request, "portal/submit/unavailable.html", {"procedure": procedure, "version": version})
    centres = online_receiving_units(version=version)
    form = CentreForm(
        _data(request),
        centres=centres,
        competent_units=list(version.competent_units.all()),
        initial={"receiving_unit": str(centres[0].pk) if centres else ""},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            receiving, competent = form.chosen()
            try:
                dossier = online_draft_create(
                    actor=request.user, version=version, receiving_unit=receiving, competent_unit=competent
                )
            except DomainError as error:
                status = _apply_failure(form, error)
            else:
                return redirect(reverse("portal:submit_applicant", kwargs={"reference": dossier.reference}))
        else:
            status = _invalid(form)
        form.mark_errors()
    drafts = [
        d
        for d in dossier_list_for_citizen(user=request.user).filter(procedure_version__procedure=procedure)
        if d.status in EDITABLE_STATUSES
    ]
    return render(
        request,
        "portal/submit/start.html",
        {
            "procedure": procedure,
            "version": version,
            "form": form,
            "show_centres": len(centres) > 1 or "competent_unit" in form.fields,
            "drafts": drafts,
            "components": list(version.components.all()),
            "has_eform": bool(version.eform_fields),
        },
        status=status,
    )


@own_dossier
@editable
@require_http_methods(["GET", "POST"])
def submit_centre(request, dossier):
    version = dossier.procedure_version
    form = CentreForm(
        _data(request),
        centres=online_receiving_units(version=version),
        competent_units=list(version.competent_units.all()),
        initial={
            "receiving_unit": str(dossier.receiving_unit_id),
            "competent_unit": str(dossier.competent_unit_id),
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            receiving, competent = form.chosen()
            try:
                online_draft_update(
                    dossier=dossier, actor=request.user, receiving_unit=receiving, competent_unit=competent
                )
            except DomainError as error:
                status = _apply_failure(form, error)
            else:
                return _saved(request, dossier, "centre")
        else:
            status = _invalid(form)
        form.mark_errors()
    return _page(request, "portal/submit/centre.html", dossier, "centre", {"form": form}, status=status)


@own_dossier
@editable
@require_http_methods(["GET", "POST"])
def submit_applicant(request, dossier):
    initial = {
        "kind": dossier.applicant_kind,
        "name": dossier.applicant_name,
        "id_number": dossier.applicant_id_number,
        "date_of_birth": dossier.applicant_date_of_birth,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "address": dossier.applicant_address,
    }
    form = ApplicantForm(_data(request), initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                online_draft_update(dossier=dossier, actor=request.user, applicant=form.applicant_data())
            except DomainError as error:
                status = _apply_failure(form, error)
            else:
                return _saved(request, dossier, "applicant")
        else:
            status = _invalid(form)
        form.mark_errors()
    return _page(request, "portal/submit/applicant.html", dossier, "applicant", {"form": form}, status=status)


@own_dossier
@editable
@require_http_methods(["GET", "POST"])
def submit_eform(request, dossier, page: int):
    pages = eform_pages(dossier.procedure_version.eform_fields or [])
    if not 1 <= page <= len(pages):
        return _not_found(request)
    current = pages[page - 1]
    form_class = type(
        "EformPage",
        (PortalForm, eform_django_form(current.fields)),
        {"detail_fields": {f"form_data.{d['name']}": d["name"] for d in current.fields}},
    )
    form = form_class(_data(request), initial=eform_initial(current.fields, dossier.form_data))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                online_draft_update(dossier=dossier, actor=request.user, form_data=form.answers)
            except DomainError as error:
                status = _apply_failure(form, error)
            else:
                return _saved(request, dossier, f"eform-{page}")
        else:
            status = _invalid(form)
        form.mark_errors()
    return _page(
        request,
        "portal/submit/eform.html",
        dossier,
        f"eform-{page}",
        {"form": form, "page": current, "page_count": len(pages)},
        status=status,
    )


@own_dossier
@editable
@require_http_methods(["GET", "POST"])
def submit_component(request, dossier, requirement_id: int):
    component = dossier.procedure_version.components.filter(pk=requirement_id).first()
    if component is None:
        return _not_found(request)
    current = (
        dossier.documents.filter(requirement=component, is_supplement=False)
        .select_related("reused_from")
        .first()
    )
    stored = stored_document_choices_for_component(owner=request.user, component_name=component.name)
    form = ComponentForm(_data(request), _files(request), component=component, stored=stored, current=current)
    status = 200
    key = f"component-{component.pk}"
    if request.method == "POST":
        if form.is_valid():
            choice = form.cleaned_data["choice"]
            try:
                if choice == UPLOAD:
                    online_documents_add(
                        dossier=dossier,
                        actor=request.user,
                        documents=[
                            DocumentData(
                                name="", requirement_id=component.pk, upload=form.cleaned_data["file"]
                            )
                        ],
                    )
                elif choice == SKIP and current is not None:
                    online_document_remove(dossier=dossier, actor=request.user, document_id=current.pk)
                elif choice not in (KEEP, SKIP):
                    online_documents_add(
                        dossier=dossier,
                        actor=request.user,
                        documents=[
                            DocumentData(
                                name="", requirement_id=component.pk, reused_from=form.cleaned_data["stored"]
                            )
                        ],
                    )
            except DomainError as error:
                status = _apply_failure(form, error)
            else:
                return _saved(request, dossier, key)
        else:
            status = _invalid(form)
        form.mark_errors()
    return _page(
        request,
        "portal/submit/component.html",
        dossier,
        key,
        {"form": form, "component": component, "current": current, "is_required": form.is_required},
        status=status,
    )


@own_dossier
@editable
@require_http_methods(["GET", "POST"])
def submit_return(request, dossier):
    version = dossier.procedure_version
    form = ReturnForm(
        _data(request),
        version=version,
        initial={"return_mode": dossier.return_mode, "return_address": dossier.return_address},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                online_draft_update(
                    dossier=dossier,
                    actor=request.user,
                    return_mode=form.cleaned_data["return_mode"],
                    return_address=form.cleaned_data.get("return_address", ""),
                )
            except DomainError as error:
                status = _apply_failure(form, error)
            else:
                return _saved(request, dossier, "return")
        else:
            status = _invalid(form)
        form.mark_errors()
    return _page(request, "portal/submit/return.html", dossier, "return", {"form": form}, status=status)


# --- check answers, submit, confirmation --------------------------------------------------------------------
def _problem_links(dossier, problems: dict) -> list[tuple[str, str]]:
    """(url, message) for the error summary of the check page: each problem links to the page that fixes it."""
    steps = {step.key: step.url for step in wizard_steps(dossier)}
    pages = eform_pages(dossier.procedure_version.eform_fields or [])
    page_of = {d["name"]: page.number for page in pages for d in page.fields}
    links = []
    for key, message in problems.items():
        if key.startswith("applicant."):
            target = steps["applicant"]
        elif key.startswith("form_data."):
            number = page_of.get(key.removeprefix("form_data."), 1)
            target = steps.get(f"eform-{number}", steps["check"])
        elif key.startswith("documents."):
            target = steps.get(f"component-{key.removeprefix('documents.')}", steps["check"])
        elif key.startswith("return"):
            target = steps["return"]
        elif key in ("receiving_unit", "competent_unit"):
            target = steps.get("centre", steps["check"])
        else:
            target = steps["check"]
        links.append((f"{target}?tu={FROM_CHECK}", str(message)))
    return links


def _answers(dossier) -> list[dict]:
    """The e-form's answers grouped by page, with a change link per page."""
    ref = {"reference": dossier.reference}
    rows = []
    for page in eform_pages(dossier.procedure_version.eform_fields or []):
        change = reverse("portal:submit_eform", kwargs={**ref, "page": page.number}) + f"?tu={FROM_CHECK}"
        rows.append(
            {
                "title": page.title,
                "change": change,
                "rows": [
                    {
                        "label": d.get("label") or d["name"],
                        "value": eform_display_value(d, (dossier.form_data or {}).get(d["name"])),
                        "required": bool(d.get("required")),
                    }
                    for d in page.fields
                ],
            }
        )
    return rows


def _components(dossier) -> list[dict]:
    documents = {
        d.requirement_id: d
        for d in dossier.documents.filter(is_supplement=False).select_related("reused_from")
    }
    missing = {c.pk for c in online_missing_components(dossier)}
    ref = {"reference": dossier.reference}
    return [
        {
            "component": component,
            "document": documents.get(component.pk),
            "is_missing": component.pk in missing,
            "change": reverse("portal:submit_component", kwargs={**ref, "requirement_id": component.pk})
            + f"?tu={FROM_CHECK}",
        }
        for component in dossier.procedure_version.components.all()
    ]


@own_dossier
@editable
@require_http_methods(["GET", "POST"])
def submit_check(request, dossier):
    problems: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            online_submit(dossier=dossier, actor=request.user)
        except ValidationFailed as error:
            problems = _problem_links(dossier, error.details or {}) or [("", error.message)]
            status = 422
        except DomainError as error:
            problems = [("", error.message)]
            status = 409
        else:
            return redirect(reverse("portal:submit_done", kwargs={"reference": dossier.reference}))
    pending = online_submission_problems(dossier)
    return _page(
        request,
        "portal/submit/check.html",
        dossier,
        "check",
        {
            "problems": problems,
            "pending_count": len(pending),
            "answers": _answers(dossier),
            "components": _components(dossier),
            "show_centre": _needs_centre_step(dossier.procedure_version),
            "completion_items": completion_items(dossier=dossier)
            if dossier.status == Status.INCOMPLETE
            else [],
        },
        status=status,
    )


@own_dossier
@require_GET
def submit_done(request, dossier):
    if dossier.status != Status.SUBMITTED:
        return redirect(_detail_url(dossier))
    return render(
        request,
        "portal/submit/done.html",
        {"dossier": dossier, "reply_due": present.moment(dossier.reply_due_at)},
    )


# --- my dossiers ---------------------------------------------------------------------------------------------
def _row(dossier) -> dict:
    return {
        "dossier": dossier,
        "status": present.status_words(dossier),
        "tag": present.status_tag(dossier),
        "due": present.due_words(dossier),
        "next": present.next_step(dossier),
        "url": _detail_url(dossier),
    }


def _notifications(user) -> list:
    from motcua.notifications.selectors import message_list_for_user

    return list(message_list_for_user(user=user, limit=10))


@citizen_required
@require_GET
def mine_list(request):
    dossiers = list(dossier_list_for_citizen(user=request.user))
    groups = {
        "action": [d for d in dossiers if d.status in (Status.INCOMPLETE, Status.AWAITING_SUPPLEMENT)],
        "drafts": [d for d in dossiers if d.status == Status.DRAFT],
        "open": [
            d
            for d in dossiers
            if d.status
            in (Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.PAUSED, Status.RESULT_READY)
        ],
        "closed": [d for d in dossiers if d.status in (Status.RETURNED, Status.REFUSED, Status.STOPPED)],
    }
    return render(
        request,
        "portal/mine/list.html",
        {
            "groups": {key: [_row(d) for d in rows] for key, rows in groups.items()},
            "count": len(dossiers),
            "messages_sent": _notifications(request.user),
        },
    )


@own_dossier
@require_GET
def mine_detail(request, dossier):
    items = []
    if dossier.status == Status.INCOMPLETE:
        items = completion_items(dossier=dossier)
    elif dossier.status == Status.AWAITING_SUPPLEMENT:
        items = supplement_items(dossier=dossier)
    # Reverse one-to-one: a dossier without a result raises an AttributeError subclass, hence getattr.
    result = getattr(dossier, "result", None)
    return render(
        request,
        "portal/mine/detail.html",
        {
            "dossier": dossier,
            "row": _row(dossier),
            "items": items,
            "timeline": present.timeline_rows(dossier_timeline_for_citizen(dossier=dossier)),
            "documents": list(dossier_documents_for_citizen(dossier=dossier)),
            "answers": _answers(dossier) if dossier.form_data else [],
            "result": result,
            "is_editable": dossier.status in EDITABLE_STATUSES,
            "can_rate": dossier.status == Status.RETURNED,
            "check_url": reverse("portal:submit_check", kwargs={"reference": dossier.reference}),
            "first_step_url": wizard_steps(dossier)[0].url,
        },
    )


@own_dossier
@require_http_methods(["GET", "POST"])
def mine_supplement(request, dossier):
    if dossier.status != Status.AWAITING_SUPPLEMENT:
        messages.info(request, _("Hồ sơ này hiện không cần nộp bổ sung."))
        return redirect(_detail_url(dossier))
    items = supplement_items(dossier=dossier)
    stored = stored_document_choices_for_component(owner=request.user, component_name="")
    form = SupplementForm(_data(request), _files(request), items=items, stored=stored)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            documents = [
                DocumentData(name=item, upload=upload, reused_from=kept)
                for item, upload, kept in form.cleaned_data["answers"]
            ]
            try:
                online_supplement_submit(
                    dossier=dossier,
                    actor=request.user,
                    documents=documents,
                    note=form.cleaned_data.get("note", ""),
                )
            except DomainError as error:
                status = _apply_failure(form, error)
            else:
                messages.success(request, _("Đã gửi giấy tờ bổ sung. Hồ sơ tiếp tục được giải quyết."))
                return redirect(_detail_url(dossier))
        else:
            status = _invalid(form)
        form.mark_errors()
    return render(
        request,
        "portal/mine/supplement.html",
        {"dossier": dossier, "form": form, "items": items, "back_url": _detail_url(dossier)},
        status=status,
    )


def _file_response(file_field, *, filename: str, content_type: str):
    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        return None
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type or "application/octet-stream"
    )


def _extension(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


@citizen_required
@require_GET
def mine_document(request, reference: str, document_id: int):
    try:
        document = dossier_document_get_for_citizen(
            user=request.user, reference=reference, document_id=document_id
        )
    except NotFound:
        return _not_found(request)
    response = _file_response(
        document.file,
        filename=f"{reference}-{document.order:02d}{_extension(document.file.name)}",
        content_type=document.content_type,
    )
    return response or _not_found(request)


# --- the document store --------------------------------------------------------------------------------------
@citizen_required
@require_GET
def store_list(request):
    documents = list(stored_document_list_for_owner(owner=request.user).select_related("source_dossier"))
    return render(request, "portal/mine/store.html", {"documents": documents})


@citizen_required
@require_GET
def store_document(request, document_id: int):
    try:
        document = stored_document_get_for_owner(owner=request.user, document_id=document_id)
    except NotFound:
        return _not_found(request)
    response = _file_response(
        document.file,
        filename=f"kho-{document.pk}{_extension(document.file.name)}",
        content_type=document.content_type,
    )
    return response or _not_found(request)
