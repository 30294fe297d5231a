from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Tiền mặt tại quầy")
    ONLINE = "online", _("Thanh toán trực tuyến")
    BANK_TRANSFER = "bank_transfer", _("Chuyển khoản")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Đang chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Đã hủy")
    EXPIRED = "expired", _("Hết hạn")
    REFUNDED = "refunded", _("Đã hoàn tiền")


FINAL_STATUSES = frozenset(
    {
        PaymentStatus.PAID,
        PaymentStatus.FAILED,
        PaymentStatus.CANCELLED,
        PaymentStatus.EXPIRED,
        PaymentStatus.REFUNDED,
    }
)


class FeeStatus(models.TextChoices):
    """What a dossier owes, as the citizen and the officer see it."""

    NOT_REQUIRED = "not_required", _("Không thu phí, lệ phí")
    EXEMPT = "exempt", _("Được miễn phí, lệ phí")
    UNPAID = "unpaid", _("Chưa nộp phí, lệ phí")
    PENDING = "pending", _("Đang chờ xác nhận thanh toán")
    PAID = "paid", _("Đã nộp phí, lệ phí")


class EventSource(models.TextChoices):
    CALLBACK = "callback", _("Thông báo từ cổng thanh toán (IPN)")
    RETURN = "return", _("Người nộp quay lại từ cổng thanh toán")
    QUERY = "query", _("Đối soát (truy vấn cổng thanh toán)")


class EventOutcome(models.TextChoices):
    APPLIED = "applied", _("Đã cập nhật")
    DUPLICATE = "duplicate", _("Trùng, không thay đổi")
    BAD_SIGNATURE = "bad_signature", _("Sai chữ ký")
    UNKNOWN_ORDER = "unknown_order", _("Không có giao dịch")
    AMOUNT_MISMATCH = "amount_mismatch", _("Sai số tiền")
    STILL_PENDING = "still_pending", _("Chưa có kết quả")
