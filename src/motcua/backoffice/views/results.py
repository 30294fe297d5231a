"""The electronic result of one dossier for officers: see it, check its signature, or sign and attach it.

The dossier is loaded through `dossier_get_for_staff` (another unit's dossier is a 404, like an unknown one);
who may sign, when and with which certificate is `dossiers.results`' business."""

from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.exceptions import DomainError, InvalidTransition, NotFound, NotPermitted
from motcua.dossiers.results import (
    RESULT_STATUSES,
    dossier_result_attach,
    dossier_result_default_name,
    dossier_result_may_attach,
    dossier_result_of,
    dossier_result_signing_unit,
)
from motcua.dossiers.selectors import dossier_get_for_staff

from ..uploads import upload_check, upload_sniff
from .common import bo_render, error_page, staff_required

FIELD_ANCHORS = {"file": "ket-qua-tep", "name": "ket-qua-ten"}


def _dossier_or_404(request, reference):
    try:
        return dossier_get_for_staff(user=request.user, reference=reference), None
    except NotFound as error:
        return None, error_page(request, status=404, title=_("Không tìm thấy hồ sơ"), message=error.message)


def _verdict_of(result):
    from motcua.paperwork.verify import pdf_verify

    try:
        with result.file.open("rb") as handle:
            return pdf_verify(handle.read())
    except FileNotFoundError:
        return None


def _render(request, dossier, *, status=200, errors=None, top_error="", posted=None):
    result = dossier_result_of(dossier)
    may_attach = dossier_result_may_attach(dossier=dossier, actor=request.user)
    errors = errors or {}
    return bo_render(
        request,
        "backoffice/result_page.html",
        {
            "dossier": dossier,
            "result": result,
            "verdict": _verdict_of(result) if result else None,
            "file_missing": bool(result) and not result.file.storage.exists(result.file.name),
            "is_ready": dossier.status in RESULT_STATUSES,
            "may_attach": may_attach and dossier.status in RESULT_STATUSES and result is None,
            "signing_unit": dossier_result_signing_unit(dossier) if result is None else None,
            "default_name": dossier_result_default_name(dossier),
            "posted_name": (posted or {}).get("name", ""),
            "field_errors": errors,
            "error_items": [(FIELD_ANCHORS.get(k, "ky-so"), v) for k, v in errors.items()],
            "top_error": top_error,
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def result_page(request, reference):
    dossier, missing = _dossier_or_404(request, reference)
    if missing:
        return missing
    if request.method == "GET":
        return _render(request, dossier)
    upload = request.FILES.get("file")
    if upload is not None:
        problem = upload_check(upload)
        if problem is None and upload_sniff(upload).content_type != "application/pdf":
            problem = _("Kết quả điện tử phải là tệp PDF.")
        if problem:
            return _render(request, dossier, status=422, errors={"file": problem}, posted=request.POST)
    try:
        result = dossier_result_attach(
            dossier=dossier, actor=request.user, pdf=upload, name=request.POST.get("name", "")
        )
    except NotPermitted as error:
        return error_page(request, status=403, title=_("Không có quyền thực hiện"), message=error.message)
    except DomainError as error:
        status = 409 if isinstance(error, InvalidTransition) else error.http_status
        details = error.details if isinstance(error.details, dict) else {}
        errors = {key: str(value) for key, value in details.items() if key in FIELD_ANCHORS}
        return _render(
            request, dossier, status=status, errors=errors, top_error=error.message, posted=request.POST
        )
    messages.success(
        request,
        _("Đã ký số kết quả điện tử của hồ sơ %(code)s bằng chứng thư số của %(unit)s.")
        % {"code": dossier.code, "unit": result.signer_unit.name},
    )
    return redirect("backoffice:result", reference=dossier.reference)


@staff_required
@require_GET
def result_download(request, reference):
    dossier, missing = _dossier_or_404(request, reference)
    if missing:
        return missing
    result = dossier_result_of(dossier)
    try:
        if result is None:
            raise FileNotFoundError
        handle = result.file.open("rb")
    except FileNotFoundError:
        return error_page(
            request,
            status=404,
            title=_("Không tìm thấy tệp"),
            message=_("Hồ sơ chưa có kết quả điện tử, hoặc tệp không còn trong kho lưu trữ."),
        )
    return FileResponse(
        handle, as_attachment=True, filename=f"{dossier.code}-ket-qua.pdf", content_type="application/pdf"
    )
