"""Citizen account forms. They only collect and shape input: the rules (formats, uniqueness, codes) live in
`motcua.accounts.services`, whose ValidationFailed details come back here as field errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.core.exceptions import DomainError


class AccountForm(forms.Form):
    """Inputs styled as the portal's, marked in error when they are (Django adds aria-invalid and
    aria-describedby pointing at `<id>_error` and `<id>_helptext`), and able to take a service's field errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "input")

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "input input--error"

    def apply_error(self, error: DomainError, *, default_field: str | None = None) -> None:
        details = error.details if isinstance(error.details, dict) else {}
        placed = False
        for name, messages in details.items():
            if name in self.fields:
                for message in messages if isinstance(messages, list) else [messages]:
                    self.add_error(name, str(message))
                placed = True
        if not placed:
            self.add_error(default_field if default_field in self.fields else None, error.message)


def _text(label, *, help_text="", max_length=254, **attrs):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,  # the service says what is missing, in the same words on the web and in the API
        widget=forms.TextInput(attrs=attrs),
    )


def _password(label, *, autocomplete="new-password", help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


PASSWORD_HINT = _("Ít nhất 8 ký tự; không dùng mật khẩu quá phổ biến như 12345678.")


class IdentifierForm(AccountForm):
    identifier = _text(
        _("Số điện thoại di động hoặc thư điện tử"),
        help_text=_("Ví dụ: 0912345678 hoặc ten@example.vn"),
        autocomplete="username",
        autocapitalize="none",
        spellcheck="false",
    )


class CodeForm(AccountForm):
    code = _text(
        _("Mã xác minh"),
        help_text=_("Mã gồm 6 chữ số."),
        max_length=12,
        inputmode="numeric",
        autocomplete="one-time-code",
        spellcheck="false",
    )


class ActivationForm(AccountForm):
    identifier = IdentifierForm.base_fields["identifier"]
    code = CodeForm.base_fields["code"]


class PasswordPairForm(AccountForm):
    password1 = _password(_("Mật khẩu"), help_text=PASSWORD_HINT)
    password2 = _password(_("Nhập lại mật khẩu"))

    def clean(self):
        data = super().clean()
        first, second = data.get("password1") or "", data.get("password2") or ""
        if not first:
            self.add_error("password1", _("Nhập mật khẩu."))
        elif first != second:
            self.add_error("password2", _("Hai mật khẩu đã nhập không giống nhau."))
        return data

    def apply_error(self, error, *, default_field=None):
        # The service names the field "password"; here it is the first of the pair.
        if isinstance(error.details, dict) and "password" in error.details:
            for message in error.details["password"]:
                self.add_error("password1", message)
            return
        super().apply_error(error, default_field=default_field or "password1")


class RegistrationDetailsForm(PasswordPairForm):
    full_name = _text(
        _("Họ và tên"),
        help_text=_("Ghi đầy đủ, có dấu, như trên thẻ căn cước."),
        max_length=200,
        autocomplete="name",
    )
    field_order = ["full_name", "password1", "password2"]


class ProfileForm(AccountForm):
    full_name = _text(_("Họ và tên"), max_length=200, autocomplete="name")
    address = _text(
        _("Địa chỉ"),
        help_text=_("Nơi cư trú hoặc địa chỉ nhận kết quả qua bưu chính."),
        max_length=300,
        autocomplete="street-address",
    )
    id_number = _text(
        _("Số định danh cá nhân"),
        help_text=_("12 chữ số, in trên thẻ căn cước. Không bắt buộc."),
        max_length=20,
        inputmode="numeric",
        spellcheck="false",
    )


class PhoneForm(AccountForm):
    value = _text(
        _("Số điện thoại di động mới"),
        help_text=_("Chúng tôi gửi mã xác minh đến số này; số mới chỉ được dùng sau khi xác minh."),
        max_length=20,
        type="tel",
        autocomplete="tel",
    )


class EmailForm(AccountForm):
    value = _text(
        _("Địa chỉ thư điện tử mới"),
        help_text=_("Chúng tôi gửi mã xác minh đến địa chỉ này; địa chỉ mới chỉ được dùng sau khi xác minh."),
        type="email",
        autocomplete="email",
        spellcheck="false",
        autocapitalize="none",
    )


class PasswordChangeForm(PasswordPairForm):
    current_password = _password(_("Mật khẩu hiện tại"), autocomplete="current-password")
    field_order = ["current_password", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = _("Mật khẩu mới")
        self.fields["password2"].label = _("Nhập lại mật khẩu mới")

    def apply_error(self, error, *, default_field=None):
        if isinstance(error.details, dict) and "new_password" in error.details:
            for message in error.details["new_password"]:
                self.add_error("password1", message)
            return
        super().apply_error(error, default_field=default_field)
