"""Fees and payments of dossiers (docs/payments.md). A payment belongs to one dossier; what the dossier owes is
`Dossier.fee_amount` (computed by `catalog.services.fee_compute` at intake), what it has paid is the sum of its
paid payments. Every message from the gateway is kept in `ProviderEvent`, whether it changed anything or not."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.org.models import Unit

from .enums import EventOutcome, EventSource, PaymentMethod, PaymentStatus


class ReceiptSequence(models.Model):
    """Yearly receipt counter per collecting unit behind `BL-<agency code>-<YYYY>-<NNNNNN>`; bumped by an atomic
    upsert in the transaction that marks the payment paid, so two counters never hand out one number."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="receiptsequence_unique_unit_year")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class Payment(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="payments", verbose_name=_("hồ sơ")
    )
    # The unit that collects (the dossier's receiving unit): receipts are numbered and reconciled per unit.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị thu"))
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    # [{"label": ..., "amount": ...}] as computed when the payment was created: what the receipt lists.
    breakdown = models.JSONField(_("chi tiết khoản thu"), default=list, blank=True)
    method = models.CharField(_("hình thức nộp"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    provider = models.CharField(_("cổng thanh toán"), max_length=40, blank=True)
    provider_ref = models.CharField(_("mã giao dịch của cổng / chứng từ"), max_length=100, blank=True)
    # Our order id, sent to the gateway and quoted back by it: the idempotency key of the whole exchange.
    order_id = models.CharField(_("mã đơn thanh toán"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    settled_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    receipt_number = models.CharField(_("số biên lai"), max_length=60, unique=True, null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cán bộ thu"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người khởi tạo"),
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "created_at"], name="payment_unit_created"),
            models.Index(fields=["status", "created_at"], name="payment_status_created"),
        ]
        constraints = [
            # One open online payment per dossier: a second click reuses it instead of charging twice.
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(status="pending"),
                name="payment_one_pending_per_dossier",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False, receipt_number__isnull=False),
                name="payment_paid_has_receipt",
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number or self.order_id


class ProviderEvent(models.Model):
    """One message from (or query to) the gateway. The payload itself is not stored, only its hash and the
    fields that matter: a gateway payload may carry the payer's card or account name."""

    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    provider = models.CharField(_("cổng thanh toán"), max_length=40)
    source = models.CharField(_("nguồn"), max_length=16, choices=EventSource.choices)
    order_id = models.CharField(_("mã đơn thanh toán"), max_length=40, blank=True)
    payload_sha256 = models.CharField(max_length=64)
    is_signature_valid = models.BooleanField(_("chữ ký hợp lệ"), default=False)
    reported_status = models.CharField(_("trạng thái cổng báo"), max_length=16, blank=True)
    reported_amount = models.PositiveBigIntegerField(_("số tiền cổng báo"), null=True, blank=True)
    outcome = models.CharField(_("xử lý"), max_length=16, choices=EventOutcome.choices)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo của cổng thanh toán")
        verbose_name_plural = _("thông báo của cổng thanh toán")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["order_id"], name="providerevent_order")]

    def __str__(self) -> str:
        return f"{self.provider} {self.order_id} {self.outcome}"


class FakeGatewayOrder(models.Model):
    """The test double's own books: what the pretend bank believes about an order. Only the fake gateway
    reads or writes it; a real gateway keeps this on its side."""

    order_id = models.CharField(max_length=40, unique=True)
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=16, default=PaymentStatus.PENDING)
    transaction_ref = models.CharField(max_length=40, blank=True)
    return_url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"
