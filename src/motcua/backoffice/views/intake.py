"""Counter intake (tiếp nhận tại quầy): choose the procedure, fill one form, then receive (Form 01), return
for completion (Form 02) or refuse (Form 03) — all through `dossier_intake`.

Every step works without JavaScript: the procedure search is a GET form, the appointment preview and the
applicant lookup are submit buttons that re-render the form. `backoffice.js` replaces those round trips with
small fetches of the same endpoints when it can."""

from django.contrib import messages
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.enums import VersionStatus
from motcua.catalog.selectors import procedure_version_detail, procedure_version_search
from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.dossiers.assisted import assisted_online_submit
from motcua.dossiers.enums import Action, Channel
from motcua.dossiers.postal import postal_intake
from motcua.dossiers.selectors import applicant_for_counter
from motcua.dossiers.services import dossier_intake
from motcua.privacy.recording import record_search
from motcua.queues.services import ticket_link_dossier_for_officer

from ..forms import INTAKE_ACTIONS, SUBMIT_ONLY, IntakeForm, lines
from ..presenters import moment
from ..selectors import citizen_account_for_counter, intake_preview, receivable_at, receiving_units_for
from .common import bo_render, error_page, receiver_required

PROCEDURE_RESULTS = 20
APPLICANT_FIELDS = ("name", "kind", "date_of_birth", "phone", "email", "address")
FORM_OF_ACTION = {Action.RECEIVE: "01", Action.RETURN_FOR_COMPLETION: "02", Action.REFUSE: "03"}


def _int(value, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _as_field_value(value) -> str:
    """A stored applicant value as the intake form's field shows it (dates as dd/mm/yyyy)."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _version(version_id):
    """The in-force version chosen at the counter, or None (a replaced version is never received)."""
    if not str(version_id or "").isdigit():
        return None
    try:
        version = procedure_version_detail(version_id=int(version_id))
    except NotFound:
        return None
    return version if version.status == VersionStatus.IN_FORCE else None


def _procedures(q: str, units) -> list[dict]:
    """Matching procedures, those this officer's centres receive first (the others would only be refused
    by `dossier_intake`; they stay listed so the officer can tell the applicant where to go)."""
    q = (q or "").strip()
    if not q:
        return []
    versions = procedure_version_search(q=q).prefetch_related("receiving_units")[:PROCEDURE_RESULTS]
    rows = [{"version": v, "is_received_here": receivable_at(v, units)} for v in versions]
    return sorted(rows, key=lambda row: not row["is_received_here"])


def _preview_for(version, data, units):
    """The preview from whatever the form holds now, parsed leniently: it is advice, not a decision."""
    chosen = _int(data.get("receiving_unit"), 0) if data else 0
    unit = next((u for u in units if u.pk == chosen), units[0])
    return intake_preview(
        version=version,
        receiving_unit=unit,
        pages=max(_int(data.get("pages"), 0), 0) if data else 0,
        sets=max(_int(data.get("sets"), 1), 1) if data else 1,
        is_fee_exempt=bool(data.get("is_fee_exempt")) if data else False,
    )


def _render_form(request, form, *, status=200, top_error="", files_dropped=False, lookup_message=""):
    data = form.data if form.is_bound else None
    error_items = form.error_items() if form.is_bound else []
    if form.is_bound:
        form.mark_invalid_fields()
    if not error_items and not top_error:
        # The ID number comes first at the counter; after a lookup the next thing to check is the name.
        focus = "applicant_name" if lookup_message else "applicant_id_number"
        form.fields[focus].widget.attrs["autofocus"] = True
    return bo_render(
        request,
        "backoffice/intake.html",
        {
            "form": form,
            "version": form.version,
            "preview": _preview_for(form.version, data, form.receiving_units),
            "error_items": error_items,
            "top_error": top_error,
            "files_dropped": files_dropped,
            "lookup_message": lookup_message,
            "is_received_here": receivable_at(form.version, form.receiving_units),
            "delegate_open": bool(data and any(data.get(f) for f in ("delegate_name", "delegate_id_number"))),
        },
        status=status,
    )


@receiver_required
@require_http_methods(["GET", "POST"])
def intake(request):
    units = receiving_units_for(request.user)
    version_id = request.POST.get("thu_tuc") or request.GET.get("thu_tuc")
    version = _version(version_id)
    if version is None:
        q = (request.GET.get("q") or "").strip()
        return bo_render(
            request,
            "backoffice/intake_choose.html",
            {
                "q": q,
                "procedures": _procedures(q, units),
                "invalid_choice": bool(version_id),
            },
            status=404 if version_id and request.method == "POST" else 200,
        )
    if request.method == "GET":
        return _render_form(request, IntakeForm(version=version, receiving_units=units))
    return _intake_post(request, version, units)


def _intake_post(request, version, units):
    files_dropped = bool(request.FILES)
    if "_lookup" in request.POST:
        data = request.POST.copy()
        applicant = applicant_for_counter(id_number=data.get("applicant_id_number", ""))
        if applicant is None:
            message = _("Chưa có người nộp nào với số định danh này: nhập thông tin mới.")
        else:
            for attr in APPLICANT_FIELDS:
                value = getattr(applicant, attr)
                # Typed values win, except the kind, whose select always holds a value.
                if value not in (None, "") and (attr == "kind" or not data.get(f"applicant_{attr}")):
                    data[f"applicant_{attr}"] = _as_field_value(value)
            message = _("Đã điền thông tin người nộp từ lần nộp trước; kiểm tra lại với giấy tờ.")
        form = IntakeForm(data, version=version, receiving_units=units)
        return _render_form(request, form, files_dropped=files_dropped, lookup_message=message)

    form = IntakeForm(request.POST, request.FILES, version=version, receiving_units=units)
    if "_preview" in request.POST:
        return _render_form(request, form, files_dropped=files_dropped)

    # Enter in a field submits the hidden default button, which is "receive"; a missing value means the same.
    action = request.POST.get("action") or Action.RECEIVE
    if action not in (*INTAKE_ACTIONS, SUBMIT_ONLY):
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
    if not form.is_valid():
        return _render_form(request, form, status=422, files_dropped=files_dropped)
    fields = {}
    note = ""
    if action == Action.RETURN_FOR_COMPLETION:
        fields["missing_items"] = lines(form.cleaned_data.get("missing_items"))
    if action == Action.REFUSE:
        note = form.cleaned_data.get("refuse_reason", "")
    channel = form.cleaned_data.get("channel")
    if action == SUBMIT_ONLY and channel != Channel.ASSISTED_ONLINE:
        form.add_error(
            "channel", _("Chỉ hồ sơ nộp trực tuyến có hỗ trợ mới được nộp mà chưa tiếp nhận ngay.")
        )
        return _render_form(request, form, status=422, files_dropped=files_dropped)
    try:
        if channel == Channel.ASSISTED_ONLINE:
            dossier = _assisted_submit(request, form, action, note, fields)
        elif channel == Channel.POSTAL:
            dossier = postal_intake(
                data=form.intake_data(), actor=request.user, action=action, note=note, **fields
            )
        else:
            dossier = dossier_intake(
                data=form.intake_data(), actor=request.user, action=action, note=note, **fields
            )
    except ValidationFailed as error:
        if error.details:
            form.add_domain_errors(error.details)
            top_error = error.message
        else:
            form.add_error(None, error.message)
            top_error = ""
        return _render_form(request, form, status=422, top_error=top_error, files_dropped=files_dropped)
    except InvalidTransition as error:
        return _render_form(request, form, status=409, top_error=error.message, files_dropped=files_dropped)
    except NotPermitted as error:
        return error_page(
            request, status=403, title=_("Không có quyền tiếp nhận hồ sơ"), message=error.message
        )

    if channel != Channel.POSTAL:
        # The applicant in front of the officer came with a queue number: tie the dossier to it (issue #6).
        ticket_link_dossier_for_officer(officer=request.user, dossier=dossier)
    url = reverse("backoffice:dossier", kwargs={"reference": dossier.reference})
    if action == SUBMIT_ONLY:
        messages.success(
            request,
            _(
                "Đã nộp trực tuyến thay người dân, tham chiếu %(reference)s. Hồ sơ chờ tiếp nhận, hạn phản hồi "
                "lúc %(due)s."
            )
            % {"reference": dossier.reference, "due": moment(dossier.reply_due_at)},
        )
        return redirect(url)
    if action == Action.RECEIVE:
        due = moment(dossier.due_at)
        messages.success(
            request,
            _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả lúc %(due)s.")
            % {"code": dossier.code, "due": due},
        )
    elif action == Action.RETURN_FOR_COMPLETION:
        messages.success(
            request,
            _("Đã hướng dẫn bổ sung, hoàn thiện hồ sơ của %(name)s (Mẫu 02); hồ sơ chưa được tiếp nhận.")
            % {"name": dossier.applicant_name},
        )
    else:
        messages.success(
            request,
            _("Đã từ chối tiếp nhận hồ sơ của %(name)s (Mẫu 03).") % {"name": dossier.applicant_name},
        )
    return redirect(f"{url}?in={FORM_OF_ACTION[action]}")


def _assisted_submit(request, form, action, note, fields):
    """Submit online for the citizen (and decide at once unless the officer chose to submit only)."""
    owner = None
    if form.cleaned_data.get("link_account"):
        data = form.cleaned_data
        owner = citizen_account_for_counter(
            phone=data.get("applicant_phone", ""), id_number=data.get("applicant_id_number", "")
        )
        if owner is None:
            raise ValidationFailed(
                _(
                    "Không tìm thấy đúng một tài khoản công dân có số định danh hoặc số điện thoại đã xác thực này."
                ),
                details={
                    "owner": _(
                        "Không tìm thấy tài khoản: bỏ chọn để nộp không liên kết, hoặc mở tài khoản cho người dân "
                        "trước."
                    )
                },
            )
    return assisted_online_submit(
        data=form.intake_data(),
        actor=request.user,
        owner=owner,
        then=None if action == SUBMIT_ONLY else action,
        note=note,
        **fields,
    )


# --- fragments for the enhancement script ------------------------------------------------------------------
@receiver_required
@require_GET
def procedure_options(request):
    q = (request.GET.get("q") or "").strip()
    units = receiving_units_for(request.user)
    return render(
        request, "backoffice/_procedure_options.html", {"q": q, "procedures": _procedures(q, units)}
    )


@receiver_required
@require_GET
def preview(request):
    version = _version(request.GET.get("thu_tuc"))
    if version is None:
        return error_page(
            request, status=404, title=_("Không tìm thấy thủ tục"), message=_("Chọn lại thủ tục.")
        )
    units = receiving_units_for(request.user)
    return render(
        request, "backoffice/_intake_preview.html", {"preview": _preview_for(version, request.GET, units)}
    )


@receiver_required
@require_POST
def applicant_lookup(request):
    # POST, so that the ID number never appears in a URL.
    id_number = request.POST.get("so_dinh_danh", "")
    record_search(request, q=id_number)
    applicant = applicant_for_counter(id_number=id_number)
    if applicant is None:
        payload = {
            "found": False,
            "message": _("Chưa có người nộp nào với số định danh này: nhập thông tin mới."),
        }
    else:
        payload = {
            "found": True,
            "applicant": {attr: _as_field_value(getattr(applicant, attr)) for attr in APPLICANT_FIELDS},
            "message": _("Đã điền thông tin người nộp từ lần nộp trước; kiểm tra lại với giấy tờ."),
        }
    response = JsonResponse(payload)
    response["Cache-Control"] = "no-store"  # personal data: never kept by a shared browser cache
    return response
