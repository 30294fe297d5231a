import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """Officers and citizens alike; a citizen is a user who holds no staff role (org.StaffRole)."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class ApiToken(models.Model):
    """Bearer token for integration clients. Only the SHA-256 of the token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("người dùng"),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.user} (hết hạn {self.expires_at:%d/%m/%Y})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw() -> str:
        return secrets.token_urlsafe(32)
