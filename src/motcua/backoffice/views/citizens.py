"""Opening a citizen's account at the counter (issue #4 §1): the receiving officer types the name, the ID
number checked on the ID card and a phone and/or e-mail address; the citizen gets a code there and chooses
their own password on the portal (/tai-khoan/kich-hoat/). The officer never sees or sets a password."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from motcua.accounts.selectors import citizen_get_for_officer
from motcua.accounts.services import citizen_activation_resend, citizen_register_at_counter
from motcua.core.exceptions import DomainError, NotFound
from motcua.privacy.enums import AccessKind
from motcua.privacy.recording import record_access

from .common import bo_render, error_page, receiver_required


class CitizenAccountForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Họ và tên"), max_length=200, required=False)
    id_number = forms.CharField(label=gettext_lazy("Số định danh cá nhân"), max_length=20, required=False)
    phone = forms.CharField(label=gettext_lazy("Số điện thoại di động"), max_length=20, required=False)
    email = forms.CharField(label=gettext_lazy("Thư điện tử"), max_length=254, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"class": "input", "autocomplete": "off"})
        self.fields["id_number"].widget.attrs.update({"inputmode": "numeric", "spellcheck": "false"})
        self.fields["phone"].widget.attrs.update({"type": "tel", "inputmode": "tel"})
        self.fields["email"].widget.attrs.update({"spellcheck": "false", "autocapitalize": "none"})

    def apply_error(self, error: DomainError) -> str:
        """Field errors go beside their fields; what belongs to no field comes back for the top of the page."""
        details = error.details if isinstance(error.details, dict) else {}
        placed = False
        for name, field_messages in details.items():
            if name in self.fields:
                for message in field_messages:
                    self.add_error(name, message)
                placed = True
        return "" if placed else error.message

    def error_items(self) -> list[tuple[str, str]]:
        return [
            (self[name].auto_id, str(message))
            for name in self.fields
            for message in self.errors.get(name, [])
        ]


@receiver_required
@require_http_methods(["GET", "POST"])
def citizen_register(request):
    form = CitizenAccountForm(request.POST or None)
    top_error = ""
    if request.method == "POST" and form.is_valid():
        try:
            user = citizen_register_at_counter(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            top_error = form.apply_error(error)
        else:
            return redirect("backoffice:citizen_created", user_id=user.pk)
    status = 422 if (form.errors or top_error) else 200
    return bo_render(
        request,
        "backoffice/citizen_register.html",
        {"form": form, "error_items": form.error_items(), "top_error": top_error},
        status=status,
    )


def _citizen(request, user_id: int):
    try:
        return citizen_get_for_officer(officer=request.user, user_id=user_id)
    except NotFound:
        return None


def _not_found(request):
    return error_page(
        request,
        status=404,
        title=_("Không tìm thấy tài khoản"),
        message=_("Chỉ cán bộ đã lập tài khoản mới xem được trang này."),
    )


@receiver_required
def citizen_created(request, user_id: int):
    citizen = _citizen(request, user_id)
    if citizen is None:
        return _not_found(request)
    record_access(request, kind=AccessKind.CITIZEN, subject=citizen)
    return bo_render(
        request,
        "backoffice/citizen_created.html",
        {"citizen": citizen, "is_activated": citizen.has_usable_password()},
    )


@receiver_required
@require_POST
def citizen_resend(request, user_id: int):
    citizen = _citizen(request, user_id)
    if citizen is None:
        return _not_found(request)
    try:
        citizen_activation_resend(actor=request.user, user=citizen)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã gửi lại mã kích hoạt."))
    return redirect("backoffice:citizen_created", user_id=citizen.pk)
