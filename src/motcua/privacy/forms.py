from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.portal.account_forms import AccountForm


class DeletionConfirmForm(AccountForm):
    password = forms.CharField(
        label=_("Mật khẩu hiện tại"),
        help_text=_("Nhập mật khẩu để xác nhận chính bạn yêu cầu xóa tài khoản."),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
