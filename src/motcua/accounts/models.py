import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .enums import CodePurpose, IdentifierKind


class User(AbstractUser):
    """Officers and citizens alike; a citizen is a user who holds no staff role (org.StaffRole).

    A phone number or e-mail address signs in only once it is verified (a code sent to it, an officer at the
    counter, or VNeID); verified ones are unique, unverified ones are just contact details."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    is_phone_verified = models.BooleanField(_("số điện thoại đã xác minh"), default=False)
    is_email_verified = models.BooleanField(_("thư điện tử đã xác minh"), default=False)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    id_number = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    # Verified = checked against the ID card by an officer, or asserted by VNeID; only then may VNeID link to it.
    is_id_number_verified = models.BooleanField(_("số định danh đã xác thực"), default=False)
    failed_login_count = models.PositiveSmallIntegerField(_("số lần đăng nhập sai liên tiếp"), default=0)
    locked_until = models.DateTimeField(_("tạm khóa đến"), null=True, blank=True)
    registered_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cán bộ lập tài khoản tại quầy"),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=models.Q(is_email_verified=True), name="user_verified_email_unique"
            ),
            models.UniqueConstraint(
                "phone", condition=models.Q(is_phone_verified=True), name="user_verified_phone_unique"
            ),
            models.UniqueConstraint(
                "id_number",
                condition=models.Q(is_id_number_verified=True),
                name="user_verified_id_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(is_email_verified=False) | ~models.Q(email=""),
                name="user_verified_email_not_blank",
            ),
            models.CheckConstraint(
                condition=models.Q(is_phone_verified=False) | ~models.Q(phone=""),
                name="user_verified_phone_not_blank",
            ),
            models.CheckConstraint(
                condition=models.Q(is_id_number_verified=False) | ~models.Q(id_number=""),
                name="user_verified_id_number_not_blank",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username


class VerificationCode(models.Model):
    """A one-time code sent to a phone or an e-mail address. Only a keyed hash of the code is stored."""

    purpose = models.CharField(_("mục đích"), max_length=10, choices=CodePurpose.choices)
    channel = models.CharField(_("gửi qua"), max_length=8, choices=IdentifierKind.choices)
    target = models.CharField(_("gửi đến"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="verification_codes",
        verbose_name=_("người dùng"),
    )
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    verified_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác minh")
        verbose_name_plural = _("mã xác minh")
        indexes = [models.Index(fields=["purpose", "target"], name="code_purpose_target")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.created_at:%d/%m/%Y %H:%M})"


class ExternalIdentity(models.Model):
    """A subject of an outside identity provider (VNeID) linked to a user; the pair is unique."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("người dùng"),
    )
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=300)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    created_at = models.DateTimeField(_("liên kết lúc"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("đăng nhập lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("tài khoản định danh liên kết")
        verbose_name_plural = _("tài khoản định danh liên kết")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} → {self.user}"


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
