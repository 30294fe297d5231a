import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công (hết số lần thử)")


class Message(models.Model):
    """The outbox: one row per message to deliver, written in the transaction of the change it reports.

    Delivery happens outside the request (Celery or `motcua worker`), with retries and backoff; `dedupe_key`
    makes a message exist once however often the writer runs, and a row is marked sent only after the gateway
    accepted it."""

    event = models.CharField(_("sự kiện"), max_length=40)
    channel = models.CharField(_("kênh"), max_length=8, choices=MessageChannel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"))
    # Something rendered at delivery time and attached, e.g. "form01" (the receipt PDF).
    attachment = models.CharField(_("tệp đính kèm"), max_length=40, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    dedupe_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"))
    last_error = models.TextField(_("lỗi lần gửi cuối"), blank=True)
    provider_reference = models.CharField(_("mã tiếp nhận của nhà cung cấp"), max_length=200, blank=True)
    # Sent to the gateway as its idempotency key (and as the e-mail Message-ID): unique across installations,
    # unchanged between retries, so a gateway that honours it delivers a retried message once.
    delivery_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A worker's lease on the row while it sends it: others skip the row until the lease ends, and only the
    # holder of `claim_token` may record the outcome.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="message_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.get_channel_display()}"
