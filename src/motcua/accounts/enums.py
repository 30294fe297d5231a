from django.db import models
from django.utils.translation import gettext_lazy as _


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("Đăng ký tài khoản")
    RESET = "reset", _("Đặt lại mật khẩu")
    # An account opened at the counter: the citizen chooses their first password with this code.
    ACTIVATE = "activate", _("Kích hoạt tài khoản lập tại quầy")
    CONTACT = "contact", _("Đổi số điện thoại hoặc thư điện tử")


class IdentifierKind(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    PHONE = "phone", _("Số điện thoại")
