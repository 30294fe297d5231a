from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import AccessChannel, AccessKind


class PersonalDataAccess(models.Model):
    """One time a staff member saw, printed, downloaded, exported or searched personal data (Law 91/2025 Art. 3
    principles; legal-spec §6.2 "audit logs"). Written only by `services.personal_data_access_record`.

    It holds no personal data of the applicant itself: the dossier and the account are links, a search keeps
    only the kind of term, and the client address only a keyed hash."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cán bộ"),
    )
    # A copy, so the log still says who when the officer's account is gone.
    actor_username = models.CharField(_("tên đăng nhập cán bộ"), max_length=150)
    unit = models.ForeignKey(
        "org.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("đơn vị"),
    )
    kind = models.CharField(_("thao tác"), max_length=16, choices=AccessKind.choices)
    channel = models.CharField(_("kênh"), max_length=8, choices=AccessChannel.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hồ sơ"),
    )
    # The account whose data was seen (the dossier's owner at the time, or the citizen's own page).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("chủ thể dữ liệu"),
    )
    route = models.CharField(_("trang hoặc API"), max_length=100)
    # What exactly, without personal data: "Mẫu 01", "so-theo-doi H12.99 2026-03-01..2026-03-31", "họ tên".
    detail = models.CharField(_("chi tiết"), max_length=200, blank=True)
    client_hash = models.CharField(_("địa chỉ máy (băm)"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("lượt truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["unit", "-at"], name="pda_unit_at"),
            models.Index(fields=["subject", "-at"], name="pda_subject_at"),
            models.Index(fields=["dossier", "-at"], name="pda_dossier_at"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.get_kind_display()} {self.at:%d/%m/%Y %H:%M}"


class AccountDeletion(models.Model):
    """An account deleted at its owner's request, kept for accountability without any personal data: the row
    proves that the request was honoured and when (Law 91/2025 Art. 4 right to deletion)."""

    user_id_deleted = models.PositiveBigIntegerField(_("mã tài khoản đã xóa"), db_index=True)
    requested_at = models.DateTimeField(_("yêu cầu lúc"), default=timezone.now)
    confirmed_by = models.CharField(_("xác nhận bằng"), max_length=16)
    dossiers_kept = models.PositiveIntegerField(_("số hồ sơ lưu trữ theo Luật Lưu trữ"), default=0)
    stored_documents_removed = models.PositiveIntegerField(_("số giấy tờ đã xóa khỏi kho"), default=0)
    files_removed = models.PositiveIntegerField(_("số tệp đã xóa"), default=0)
    notifications_cleared = models.PositiveIntegerField(_("số thông báo đã xóa nội dung"), default=0)

    class Meta:
        verbose_name = _("tài khoản đã xóa")
        verbose_name_plural = _("tài khoản đã xóa")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.user_id_deleted} {self.requested_at:%d/%m/%Y}"
