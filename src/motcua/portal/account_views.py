"""Citizen account pages (/tai-khoan/): registration, password reset, first password for an account opened at
the counter, profile, and VNeID sign-in.

One question per page, each a plain form that works without JavaScript. The steps of a flow share state in
the (server-side) session, never in the URL: the code's id, and the phone or address it went to."""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from motcua.accounts.enums import CodePurpose, IdentifierKind
from motcua.accounts.identifiers import Identifier
from motcua.accounts.oidc import OidcUnavailable, oidc_endpoints, oidc_is_enabled, oidc_setting
from motcua.accounts.services import (
    account_activation_check,
    contact_change_confirm,
    contact_change_start,
    password_reset_start,
    password_set_with_code,
    registration_complete,
    registration_start,
    user_password_change,
    user_profile_update,
    verification_code_check,
)
from motcua.core.exceptions import DomainError, RateLimited
from motcua.core.ratelimit import client_ip

from .account_forms import (
    ActivationForm,
    CodeForm,
    EmailForm,
    IdentifierForm,
    PasswordChangeForm,
    PasswordPairForm,
    PhoneForm,
    ProfileForm,
    RegistrationDetailsForm,
)

logger = logging.getLogger("motcua.portal.accounts")

PASSWORD_BACKEND = "motcua.accounts.backends.IdentifierBackend"
REGISTER, RESET, NEW_PASSWORD, CONTACT = (
    "account_register",
    "account_reset",
    "account_password",
    "account_contact",
)
STEPS = 3


def _page(request, form, *, title, button, status=200, **context):
    """Every account page: a form under its question; errors re-render it with the summary at the top."""
    return render(
        request,
        "portal/account/form.html",
        {"form": form, "title": title, "button": button, **context},
        status=status,
    )


def _status_of(error: DomainError) -> int:
    return 429 if isinstance(error, RateLimited) else 200


def _flow_state(request, key: str, target: Identifier, code_id: int) -> None:
    request.session[key] = {
        "code": code_id,
        "kind": str(target.kind),
        "value": target.value,
        "to": target.masked,
    }


def _sent_to(state: dict) -> str:
    if state.get("kind") == IdentifierKind.EMAIL:
        return _("Chúng tôi đã gửi mã xác minh gồm 6 chữ số đến địa chỉ thư điện tử %(to)s.") % {
            "to": state["to"]
        }
    return _("Chúng tôi đã gửi mã xác minh gồm 6 chữ số đến số điện thoại %(to)s.") % {"to": state["to"]}


def _validity() -> str:
    return _("Mã có hiệu lực trong %(minutes)s phút; nhập sai quá %(tries)s lần thì phải yêu cầu mã mới.") % {
        "minutes": settings.MOTCUA_VERIFICATION_CODE_MINUTES,
        "tries": settings.MOTCUA_VERIFICATION_MAX_ATTEMPTS,
    }


def _resend(request, key: str, start) -> tuple[bool, DomainError | None]:
    """Send a new code to the same phone or address as the first one."""
    state = request.session[key]
    try:
        code = start(identifier=state["value"], ip=client_ip(request))
    except DomainError as error:
        return False, error
    state["code"] = code.pk
    request.session[key] = state
    messages.success(request, _("Đã gửi mã mới. Mã cũ không còn dùng được."))
    return True, None


# --- registration ------------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def register_start(request):
    if request.user.is_authenticated:
        return redirect("portal:account_profile")
    form = IdentifierForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            code = registration_start(identifier=form.cleaned_data["identifier"], ip=client_ip(request))
        except DomainError as error:
            form.apply_error(error, default_field="identifier")
            status = _status_of(error)
        else:
            request.session.pop(REGISTER, None)
            _flow_state(request, REGISTER, Identifier(code.channel, code.target), code.pk)
            return redirect("portal:account_register_verify")
    return _page(
        request,
        form,
        title=_("Đăng ký tài khoản"),
        caption=_("Bước 1/%(steps)s") % {"steps": STEPS},
        intro=[
            _("Tài khoản giúp bạn nộp hồ sơ trực tuyến, theo dõi hồ sơ và nhận kết quả."),
            _("Nhập số điện thoại di động hoặc thư điện tử của bạn. Chúng tôi sẽ gửi mã xác minh đến đó."),
        ],
        button=_("Gửi mã xác minh"),
        back_url=reverse("portal:login"),
        links=[{"url": reverse("portal:login"), "text": _("Đã có tài khoản? Đăng nhập")}],
        status=status,
    )


@require_http_methods(["GET", "POST"])
def register_verify(request):
    state = request.session.get(REGISTER)
    if not state:
        return redirect("portal:account_register")
    form = CodeForm(request.POST or None) if request.POST.get("action") != "resend" else CodeForm()
    status = 200
    if request.method == "POST" and request.POST.get("action") == "resend":
        sent, error = _resend(request, REGISTER, registration_start)
        if sent:
            return redirect("portal:account_register_verify")
        form.apply_error(error, default_field="code")
        status = _status_of(error)
    elif request.method == "POST" and form.is_valid():
        try:
            verification_code_check(
                code_id=state["code"],
                purpose=CodePurpose.REGISTER,
                raw=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except DomainError as error:
            form.apply_error(error, default_field="code")
            status = _status_of(error)
        else:
            state["verified"] = True
            request.session[REGISTER] = state
            return redirect("portal:account_register_details")
    return _page(
        request,
        form,
        title=_("Nhập mã xác minh"),
        caption=_("Bước 2/%(steps)s") % {"steps": STEPS},
        intro=[_sent_to(state), _validity()],
        button=_("Tiếp tục"),
        back_url=reverse("portal:account_register"),
        resend=True,
        status=status,
    )


@require_http_methods(["GET", "POST"])
def register_details(request):
    state = request.session.get(REGISTER)
    if not state or not state.get("verified"):
        return redirect("portal:account_register")
    form = RegistrationDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = registration_complete(
                code_id=state["code"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            form.apply_error(error, default_field="full_name")
        else:
            request.session.pop(REGISTER, None)
            login(request, user, backend=PASSWORD_BACKEND)
            return redirect("portal:account_registered")
    return _page(
        request,
        form,
        title=_("Họ tên và mật khẩu"),
        caption=_("Bước 3/%(steps)s") % {"steps": STEPS},
        intro=[_("Đã xác minh %(to)s. Cho biết họ tên và chọn mật khẩu để hoàn tất.") % {"to": state["to"]}],
        button=_("Tạo tài khoản"),
        back_url=reverse("portal:account_register_verify"),
    )


@login_required
def registered(request):
    return render(request, "portal/account/registered.html")


# --- password reset, and the first password of an account opened at the counter --------------------------------
@require_http_methods(["GET", "POST"])
def reset_start(request):
    form = IdentifierForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            code = password_reset_start(identifier=form.cleaned_data["identifier"], ip=client_ip(request))
        except DomainError as error:
            form.apply_error(error, default_field="identifier")
            status = _status_of(error)
        else:
            request.session.pop(NEW_PASSWORD, None)
            _flow_state(request, RESET, Identifier(code.channel, code.target), code.pk)
            return redirect("portal:account_reset_verify")
    return _page(
        request,
        form,
        title=_("Quên mật khẩu"),
        intro=[
            _("Nhập số điện thoại hoặc thư điện tử đã đăng ký. Chúng tôi sẽ gửi mã để bạn đặt mật khẩu mới.")
        ],
        button=_("Gửi mã"),
        back_url=reverse("portal:login"),
        status=status,
    )


@require_http_methods(["GET", "POST"])
def reset_verify(request):
    state = request.session.get(RESET)
    if not state:
        return redirect("portal:account_reset")
    form = CodeForm(request.POST or None) if request.POST.get("action") != "resend" else CodeForm()
    status = 200
    if request.method == "POST" and request.POST.get("action") == "resend":
        sent, error = _resend(request, RESET, password_reset_start)
        if sent:
            return redirect("portal:account_reset_verify")
        form.apply_error(error, default_field="code")
        status = _status_of(error)
    elif request.method == "POST" and form.is_valid():
        try:
            verification_code_check(
                code_id=state["code"],
                purpose=CodePurpose.RESET,
                raw=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except DomainError as error:
            form.apply_error(error, default_field="code")
            status = _status_of(error)
        else:
            request.session.pop(RESET, None)
            request.session[NEW_PASSWORD] = {"code": state["code"]}
            return redirect("portal:account_new_password")
    # The same words whether or not an account exists: nobody learns who is registered here.
    intro = [
        _("Nếu %(to)s đã đăng ký tài khoản, chúng tôi đã gửi đến đó mã xác minh gồm 6 chữ số.")
        % {"to": state["to"]},
        _validity(),
    ]
    return _page(
        request,
        form,
        title=_("Nhập mã xác minh"),
        intro=intro,
        button=_("Tiếp tục"),
        back_url=reverse("portal:account_reset"),
        resend=True,
        status=status,
    )


@require_http_methods(["GET", "POST"])
def activate(request):
    """For an account an officer opened at the counter: the phone or address given there and the code."""
    form = ActivationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            code = account_activation_check(
                identifier=form.cleaned_data["identifier"],
                raw=form.cleaned_data["code"],
                ip=client_ip(request),
            )
        except DomainError as error:
            form.apply_error(error, default_field="code")
            status = _status_of(error)
        else:
            request.session[NEW_PASSWORD] = {"code": code.pk}
            return redirect("portal:account_new_password")
    return _page(
        request,
        form,
        title=_("Kích hoạt tài khoản"),
        intro=[
            _(
                "Tài khoản được cán bộ tiếp nhận lập cho bạn tại bộ phận một cửa. Nhập số điện thoại hoặc thư "
                "điện tử đã đăng ký và mã kích hoạt trong tin nhắn hoặc thư bạn nhận được."
            )
        ],
        button=_("Tiếp tục"),
        back_url=reverse("portal:login"),
        links=[{"url": reverse("portal:account_reset"), "text": _("Mã đã hết hạn? Nhận mã mới")}],
        status=status,
    )


@require_http_methods(["GET", "POST"])
def new_password(request):
    state = request.session.get(NEW_PASSWORD)
    if not state:
        return redirect("portal:account_reset")
    form = PasswordPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = password_set_with_code(code_id=state["code"], password=form.cleaned_data["password1"])
        except DomainError as error:
            form.apply_error(error)
        else:
            request.session.pop(NEW_PASSWORD, None)
            login(request, user, backend=PASSWORD_BACKEND)
            messages.success(request, _("Đã đặt mật khẩu mới. Bạn đã đăng nhập."))
            return redirect("portal:account_profile")
    return _page(
        request, form, title=_("Đặt mật khẩu mới"), button=_("Lưu mật khẩu"), back_url=reverse("portal:login")
    )


# --- profile ----------------------------------------------------------------------------------------------------
@login_required
def profile(request):
    user = request.user
    return render(
        request,
        "portal/account/profile.html",
        {
            "profile": user,
            "has_password": user.has_usable_password(),
            "vneid_linked": user.external_identities.exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    initial = {"full_name": user.full_name, "address": user.address, "id_number": user.id_number}
    form = ProfileForm(request.POST or None, initial=initial)
    if user.is_id_number_verified:
        # Checked against the ID card or given by VNeID: shown, not edited here.
        del form.fields["id_number"]
    if request.method == "POST" and form.is_valid():
        try:
            user_profile_update(
                user=user,
                full_name=form.cleaned_data["full_name"],
                address=form.cleaned_data["address"],
                id_number=form.cleaned_data.get("id_number", user.id_number),
            )
        except DomainError as error:
            form.apply_error(error, default_field="full_name")
        else:
            messages.success(request, _("Đã lưu thông tin cá nhân."))
            return redirect("portal:account_profile")
    return _page(
        request,
        form,
        title=_("Thông tin cá nhân"),
        button=_("Lưu"),
        back_url=reverse("portal:account_profile"),
    )


def _contact_start(request, *, kind: str, form_class, title: str):
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            code = contact_change_start(
                user=request.user, kind=kind, value=form.cleaned_data["value"], ip=client_ip(request)
            )
        except DomainError as error:
            form.apply_error(error, default_field="value")
            status = _status_of(error)
        else:
            _flow_state(request, CONTACT, Identifier(code.channel, code.target), code.pk)
            return redirect("portal:account_contact_verify")
    return _page(
        request,
        form,
        title=title,
        button=_("Gửi mã xác minh"),
        back_url=reverse("portal:account_profile"),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def phone_change(request):
    return _contact_start(request, kind=IdentifierKind.PHONE, form_class=PhoneForm, title=_("Số điện thoại"))


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request):
    return _contact_start(request, kind=IdentifierKind.EMAIL, form_class=EmailForm, title=_("Thư điện tử"))


@login_required
@require_http_methods(["GET", "POST"])
def contact_verify(request):
    state = request.session.get(CONTACT)
    if not state:
        return redirect("portal:account_profile")
    resend = request.POST.get("action") == "resend"
    form = CodeForm(None if resend else (request.POST or None))
    status = 200
    if request.method == "POST" and resend:

        def start(*, identifier, ip):
            return contact_change_start(user=request.user, kind=state["kind"], value=identifier, ip=ip)

        sent, error = _resend(request, CONTACT, start)
        if sent:
            return redirect("portal:account_contact_verify")
        form.apply_error(error, default_field="code")
        status = _status_of(error)
    elif request.method == "POST" and form.is_valid():
        try:
            contact_change_confirm(
                user=request.user, code_id=state["code"], raw=form.cleaned_data["code"], ip=client_ip(request)
            )
        except DomainError as error:
            form.apply_error(error, default_field="code")
            status = _status_of(error)
        else:
            request.session.pop(CONTACT, None)
            messages.success(request, _("Đã xác minh và lưu %(to)s.") % {"to": state["to"]})
            return redirect("portal:account_profile")
    return _page(
        request,
        form,
        title=_("Nhập mã xác minh"),
        intro=[_sent_to(state), _validity()],
        button=_("Xác minh"),
        back_url=reverse("portal:account_profile"),
        resend=True,
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = user_password_change(
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            form.apply_error(error, default_field="current_password")
            status = _status_of(error)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Đã đổi mật khẩu."))
            return redirect("portal:account_profile")
    return _page(
        request,
        form,
        title=_("Đổi mật khẩu"),
        button=_("Lưu mật khẩu"),
        back_url=reverse("portal:account_profile"),
        status=status,
    )


# --- VNeID (OpenID Connect) ---------------------------------------------------------------------------------------


class VneidLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to VNeID's authorization endpoint (state, nonce and PKCE kept in the session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, **kwargs):
        # The library reads the endpoints here, before we know whether VNeID is switched on.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not oidc_is_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_endpoints()["authorization_endpoint"]
        except OidcUnavailable as error:
            messages.error(request, error.message)
            return redirect("portal:login")
        self.OIDC_RP_CLIENT_ID = settings.MOTCUA_OIDC_CLIENT_ID
        return super().get(request)


class VneidCallbackView(OIDCAuthenticationCallbackView):
    """VNeID sends the browser back here with a code; `VneidBackend` exchanges it and maps the claims."""

    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not oidc_is_enabled():
            raise Http404
        try:
            return super().get(request)
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, OidcUnavailable) as error:
            logger.warning("vneid callback refused", extra={"error": type(error).__name__})
            return self.login_failure()

    def login_failure(self):
        message = getattr(self.request, "motcua_vneid_error", None) or _(
            "Không đăng nhập được bằng tài khoản định danh điện tử VNeID. Vui lòng thử lại, hoặc đăng nhập bằng "
            "số điện thoại, thư điện tử."
        )
        messages.error(self.request, message)
        return redirect("portal:login")
