"""Pages of personal data protection: the citizen's "my data" page (who saw it, download, delete the account)
and the supervisor's access log. Thin: the rules live in `access` and `services`."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.backoffice.views.common import bo_render, error_page, staff_required
from motcua.core.exceptions import DomainError, InvalidTransition, NotPermitted, RateLimited

from .access import access_list_for_subject, access_list_for_supervisor, access_log_readable_unit_ids
from .forms import DeletionConfirmForm
from .services import (
    account_delete,
    account_deletion_blockers,
    personal_data_export,
    personal_data_export_allowed,
)

PER_PAGE = 50


def _page(request, queryset):
    paginator = Paginator(queryset, PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


# --- the citizen ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def my_data(request):
    return render(
        request,
        "privacy/my_data.html",
        {
            "page_obj": _page(request, access_list_for_subject(user=request.user)),
            "back_url": reverse("portal:account_profile"),
        },
    )


@login_required
@require_POST
def my_data_download(request):
    try:
        personal_data_export_allowed(user=request.user)
    except RateLimited as error:
        messages.error(request, error.message)
        return redirect("portal:privacy_mine")
    response = HttpResponse(personal_data_export(user=request.user), content_type="application/zip")
    name = f"du-lieu-ca-nhan-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_page(request):
    form = DeletionConfirmForm(request.POST or None)
    status = 200
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(user=request.user, password=form.cleaned_data["password"])
        except (InvalidTransition, NotPermitted) as error:
            refusal, status = error.message, error.http_status
        except DomainError as error:
            form.apply_error(error, default_field="password")
            status = error.http_status
        else:
            logout(request)
            return redirect("portal:privacy_deleted")
    return render(
        request,
        "privacy/delete.html",
        {
            "form": form,
            "refusal": refusal,
            "blockers": account_deletion_blockers(user=request.user),
            "has_password": request.user.has_usable_password(),
            "back_url": reverse("portal:privacy_mine"),
        },
        status=status,
    )


@require_GET
def account_deleted(request):
    return render(request, "privacy/deleted.html")


# --- the supervisor ------------------------------------------------------------------------------------------
@staff_required
@require_GET
def access_log(request):
    if not access_log_readable_unit_ids(user=request.user):
        return error_page(
            request,
            status=403,
            title=_("Không có quyền xem nhật ký"),
            message=_(
                "Chỉ giám sát và quản trị hệ thống của đơn vị mới xem nhật ký truy cập dữ liệu cá nhân."
            ),
        )
    code = (request.GET.get("ho_so") or "").strip()[:60]
    return bo_render(
        request,
        "privacy/access_log.html",
        {
            "page_obj": _page(request, access_list_for_supervisor(user=request.user, dossier_code=code)),
            "code": code,
        },
    )
