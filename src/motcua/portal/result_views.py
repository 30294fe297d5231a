"""Citizens' side of electronic results: download from the account, download from the status page with the
code and the phone digits, and the public signature check of a downloaded file."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.backoffice.uploads import upload_check, upload_sniff
from motcua.core.exceptions import NotFound
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.dossiers.results import dossier_result_by_sha256, dossier_result_for_owner

from .views import status_lookup_context


def _file(result):
    try:
        handle = result.file.open("rb")
    except FileNotFoundError:
        return None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{result.dossier.code}-ket-qua.pdf",
        content_type="application/pdf",
    )


def _not_found(request):
    return render(request, "404.html", {}, status=404)


@login_required
@require_GET
def result_download(request, reference: str):
    """From the account: the owner's own dossier only; anyone else's is the same 404 as no result."""
    try:
        result = dossier_result_for_owner(user=request.user, reference=reference)
    except NotFound:
        return _not_found(request)
    return _file(result) or _not_found(request)


@require_http_methods(["GET", "POST"])
def result_download_by_code(request):
    """From the status page: the code and the phone's last four digits, checked exactly as the status page
    checks them (same messages, same rate limit), so this cannot confirm a code the status page would not."""
    if request.method == "GET":
        # A refusal page links back here (language switch, sign-in): the status page is where to go.
        return redirect("portal:status_lookup")
    context, status = status_lookup_context(request)
    if context.get("dossier") is not None:
        result = context["result"]
        response = _file(result) if result is not None else None
        if response is not None:
            return response
        context["errors"] = {"ket-qua": _("Hồ sơ này chưa có kết quả điện tử để tải về.")}
        status = 404
    return render(request, "portal/status.html", context, status=status)


@require_http_methods(["GET", "POST"])
def result_verify(request):
    """Kiểm tra kết quả điện tử: anyone uploads a PDF and learns whether its signature holds."""
    if request.method == "GET":
        return render(request, "portal/result_verify.html", {"errors": {}})
    errors: dict[str, str] = {}
    status = 422
    upload = request.FILES.get("tep")
    if upload is None:
        errors["tep"] = _("Chọn tệp kết quả (PDF) cần kiểm tra.")
    elif rate_limit_hit(
        scope="result_verify",
        key=client_ip(request),
        limit=settings.MOTCUA_VERIFY_RATE_PER_MINUTE,
        window_seconds=60,
    ):
        errors["tep"] = _("Bạn kiểm tra quá nhiều lần. Vui lòng thử lại sau một phút.")
        status = 429
    else:
        problem = upload_check(upload)
        if problem is None and upload_sniff(upload).content_type != "application/pdf":
            problem = _("Tệp “%(name)s” không phải là tệp PDF.") % {"name": upload.name}
        if problem:
            errors["tep"] = problem
    if errors:
        return render(request, "portal/result_verify.html", {"errors": errors}, status=status)
    from motcua.paperwork.verify import pdf_verify

    upload.seek(0)
    verdict = pdf_verify(upload.read())
    match = dossier_result_by_sha256(sha256=verdict.sha256)
    return render(request, "portal/result_verdict.html", {"verdict": verdict, "match": match})
