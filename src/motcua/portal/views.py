"""Public pages: the procedure catalogue (niêm yết công khai) and signing in and out."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from motcua.accounts.oidc import oidc_is_enabled
from motcua.catalog.enums import VersionStatus
from motcua.catalog.selectors import procedure_get_by_code, procedure_version_detail, procedure_version_search
from motcua.core.exceptions import NotFound

from .forms import CatalogueFilterForm, LoginForm

PROCEDURES_PER_PAGE = 20


def home(request):
    return render(request, "portal/home.html", {"form": CatalogueFilterForm()})


def procedure_list(request):
    form = CatalogueFilterForm(request.GET)
    arguments = form.search_arguments()
    versions = procedure_version_search(**arguments)
    page = Paginator(versions, PROCEDURES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/procedure_list.html",
        {
            "form": form,
            "query": arguments["q"],
            "has_filters": form.has_filters,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


def procedure_detail(request, code: str):
    try:
        procedure = procedure_get_by_code(code=code)
    except NotFound:
        return render(request, "404.html", {"missing_code": code}, status=404)
    version = procedure_version_detail(version_id=procedure.current_version_id)
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "procedure": procedure,
            "version": version,
            "is_in_force": version.status == VersionStatus.IN_FORCE,
            "processes": list(version.processes.all()),
        },
    )


class LoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The VNeID button appears only where a province has configured it.
        return {**super().get_context_data(**kwargs), "vneid_enabled": oidc_is_enabled()}


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (no logout by a stray link); GET shows a page with the button."""

    http_method_names = ["get", "post", "options"]
    template_name = "portal/logout.html"

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"next": self.get_redirect_url()})

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("Bạn đã đăng xuất."))
        return response


def status_lookup(request):
    """Tra cứu hồ sơ: the dossier code (or the QR code's link) and the last four digits of the phone.

    The digits travel in a POST body, never in the URL; a wrong phone and an unknown code get the same answer."""
    context, status = status_lookup_context(request)
    return render(request, "portal/status.html", context, status=status)


def status_lookup_context(request) -> tuple[dict, int]:
    """The status page's context and HTTP status for this request; the result download by code and digits
    answers through it too, so that both pages refuse in exactly the same words and count against the same
    rate limit."""
    from django.conf import settings
    from django.utils import timezone

    from motcua.core.ratelimit import client_ip, rate_limit_hit
    from motcua.dossiers.selectors import dossier_public_progress

    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip().upper()
    digits = (request.POST.get("so") or "").strip()
    errors: dict[str, str] = {}
    dossier = None
    status = 200
    if request.method == "POST":
        if not code:
            errors["ma"] = _("Nhập mã hồ sơ (in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả).")
        if not (len(digits) == 4 and digits.isdigit()):
            errors["so"] = _("Nhập đúng 4 chữ số cuối của số điện thoại đã đăng ký khi nộp hồ sơ.")
        if not errors:
            if rate_limit_hit(
                scope="status",
                key=client_ip(request),
                limit=settings.MOTCUA_STATUS_RATE_PER_MINUTE,
                window_seconds=60,
            ):
                errors["ma"] = _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau một phút.")
                status = 429
            else:
                try:
                    dossier = dossier_public_progress(code=code, phone_last4=digits)
                except NotFound:
                    errors["ma"] = _(
                        "Không tìm thấy hồ sơ với mã và số điện thoại đã nhập. Kiểm tra lại mã hồ sơ "
                        "và 4 số cuối điện thoại."
                    )
                    status = 404
    context = {"code": code, "errors": errors, "dossier": dossier, "now": timezone.now()}
    if dossier is not None:
        from motcua.dossiers.results import dossier_result_of

        context["initials"] = dossier.applicant_initials
        context["steps"] = dossier.steps
        # The download form posts the same code and digits again (in the body, never in a link).
        context["result"] = dossier_result_of(dossier.id)
        context["digits"] = digits
    return context, status
