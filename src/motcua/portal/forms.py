from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from motcua.catalog.enums import OnlineLevel, ProcedureLevel, VersionStatus
from motcua.catalog.models import Field

POSTAL_YES = "yes"
POSTAL_NO = "no"


class CatalogueFilterForm(forms.Form):
    """The search and filters of the public listing, sent by GET so every result page has its own address."""

    q = forms.CharField(
        label=_("Tìm thủ tục"),
        required=False,
        max_length=200,
        help_text=_("Nhập tên hoặc mã thủ tục, có dấu hoặc không dấu, ví dụ: dang ky khai sinh"),
        widget=forms.TextInput(attrs={"type": "search", "class": "input", "spellcheck": "false"}),
    )
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    level = forms.ChoiceField(
        label=_("Cấp thực hiện"), required=False, choices=[("", _("Tất cả các cấp")), *ProcedureLevel.choices]
    )
    online_level = forms.ChoiceField(
        label=_("Dịch vụ công trực tuyến"),
        required=False,
        choices=[("", _("Tất cả các mức")), *OnlineLevel.choices],
    )
    postal = forms.ChoiceField(
        label=_("Bưu chính công ích"),
        required=False,
        choices=[
            ("", _("Tất cả")),
            (POSTAL_YES, _("Có qua bưu chính")),
            (POSTAL_NO, _("Không qua bưu chính")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only fields that have something in force, so no filter leads to an empty page.
        # TODO(catalog): read through a `field_list_in_force` selector once catalog/selectors.py has one.
        fields = (
            Field.objects.filter(versions__status=VersionStatus.IN_FORCE)
            .distinct()
            .order_by("name")
            .values_list("code", "name")
        )
        self.fields["field"].choices = [("", _("Tất cả lĩnh vực")), *fields]
        for name in ("field", "level", "online_level", "postal"):
            self.fields[name].widget.attrs["class"] = "select"

    def search_arguments(self) -> dict:
        """Arguments for `procedure_version_search`; a value that is not a valid choice is ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        postal = data.get("postal")
        return {
            "q": data.get("q") or "",
            "field": data.get("field") or None,
            "level": data.get("level") or None,
            "online_level": data.get("online_level") or None,
            "postal": True if postal == POSTAL_YES else False if postal == POSTAL_NO else None,
        }

    @property
    def has_filters(self) -> bool:
        arguments = self.search_arguments()
        return any(arguments[name] is not None for name in ("field", "level", "online_level", "postal"))


class LoginForm(AuthenticationForm):
    """Django's login form with our own wording, so the messages read naturally in Vietnamese and English.
    Officers sign in with their username, citizens with a verified phone number or e-mail address
    (`motcua.accounts.backends.IdentifierBackend`); a locked sign-in name gets the lockout message."""

    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý mật khẩu phân biệt chữ hoa và chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa. Liên hệ quản trị hệ thống để được hỗ trợ."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập, số điện thoại hoặc thư điện tử")
        self.fields["username"].error_messages["required"] = _("Nhập tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")
        self.fields["password"].error_messages["required"] = _("Nhập mật khẩu")

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            locked = getattr(self.request, "motcua_account_locked", None)
            if locked is not None:
                raise forms.ValidationError(locked.message, code="locked") from None
            raise
