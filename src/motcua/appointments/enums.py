from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    GUIDANCE = "guidance", _("Hẹn giờ hướng dẫn kê khai")
    POSTAL_PICKUP = "postal_pickup", _("Hẹn bưu điện đến nhận hồ sơ tại nhà")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Đã đặt")
    CANCELLED = "cancelled", _("Đã hủy")
    CHECKED_IN = "checked_in", _("Đã đến")
    DONE = "done", _("Đã phục vụ")
    NO_SHOW = "no_show", _("Không đến")


class CancelledBy(models.TextChoices):
    HOLDER = "holder", _("Người đặt hủy")
    CENTRE = "centre", _("Trung tâm hủy")
    CLOSED_DAY = "closed_day", _("Trung tâm nghỉ ngày này")


# Bookings that hold a place in their slot. A no-show held one too, but only in the past.
HOLDING_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN, AppointmentStatus.DONE)
