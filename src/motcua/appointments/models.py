"""Appointments at a service centre (issue #6 §2): guidance on declarations and postal pick-up at home.

Slots are not stored: they are computed from the unit's office hours and the working calendar
(`selectors.slot_list`), minus the days the centre closed (`ClosedDay`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import AppointmentStatus, CancelledBy, ServiceKind


class AppointmentService(models.Model):
    """What a centre offers to book, with its slot length, capacity and limits. Booking locks this row, so
    two people can never take the last place of a slot."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="appointment_services", verbose_name=_("đơn vị")
    )
    kind = models.CharField(_("loại lịch hẹn"), max_length=20, choices=ServiceKind.choices)
    name = models.CharField(_("tên dịch vụ"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("thời lượng mỗi lượt (phút)"), default=30)
    capacity = models.PositiveSmallIntegerField(_("số người mỗi lượt"), default=2)
    max_active_per_person = models.PositiveSmallIntegerField(
        _("số lịch hẹn chưa đến hạn tối đa của một người"), default=2
    )
    horizon_days = models.PositiveSmallIntegerField(_("đặt trước tối đa (ngày)"), default=14)
    procedures = models.ManyToManyField(
        "catalog.Procedure", blank=True, related_name="+", verbose_name=_("thủ tục hướng dẫn")
    )
    is_active = models.BooleanField(_("đang nhận đặt lịch"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("dịch vụ đặt lịch")
        verbose_name_plural = _("dịch vụ đặt lịch")
        ordering = ["unit", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5, slot_minutes__lte=240),
                name="appointmentservice_slot_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="appointmentservice_capacity_min"
            ),
            models.CheckConstraint(
                condition=models.Q(max_active_per_person__gte=1),
                name="appointmentservice_person_limit_min",
            ),
            models.CheckConstraint(
                condition=models.Q(horizon_days__gte=1, horizon_days__lte=90),
                name="appointmentservice_horizon_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.unit}"


class ClosedDay(models.Model):
    """A working day on which the centre takes no appointments (meeting, move, outage). Public holidays and
    weekends need no row: the working calendar closes them."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="appointment_closed_days", verbose_name=_("đơn vị")
    )
    date = models.DateField(_("ngày"))
    reason = models.CharField(_("lý do"), max_length=300)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người đóng"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("ngày không nhận lịch hẹn")
        verbose_name_plural = _("ngày không nhận lịch hẹn")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="closedday_unique_unit_date")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.date:%d/%m/%Y}"


class Appointment(models.Model):
    service = models.ForeignKey(
        AppointmentService, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("dịch vụ")
    )
    # Kept beside the service so the day list and the closure read one table with one index.
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="appointments", verbose_name=_("đơn vị")
    )
    code = models.CharField(_("mã lịch hẹn"), max_length=16, unique=True)
    start_at = models.DateTimeField(_("bắt đầu"))
    end_at = models.DateTimeField(_("kết thúc"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    holder_name = models.CharField(_("họ và tên"), max_length=200)
    # Normalised (0912345678): the per-person limit and the look-up compare it.
    phone = models.CharField(_("số điện thoại"), max_length=20)
    email = models.EmailField(_("thư điện tử"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
        verbose_name=_("tài khoản"),
    )
    procedure = models.ForeignKey(
        "catalog.Procedure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("thủ tục"),
    )
    address = models.CharField(_("địa chỉ nhận hồ sơ"), max_length=500, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    postal_tracking_code = models.CharField(_("mã yêu cầu thu gom"), max_length=40, blank=True)
    queue_ticket = models.CharField(_("số thứ tự"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("đặt lúc"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("đến lúc"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    cancelled_by = models.CharField(_("hủy bởi"), max_length=16, choices=CancelledBy.choices, blank=True)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=300, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(_("số lần đổi lịch"), default=0)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cán bộ ghi nhận"),
    )

    class Meta:
        verbose_name = _("lịch hẹn")
        verbose_name_plural = _("lịch hẹn")
        ordering = ["start_at", "id"]
        indexes = [
            models.Index(fields=["service", "start_at"], name="appointment_service_start"),
            models.Index(fields=["unit", "start_at"], name="appointment_unit_start"),
            models.Index(fields=["phone", "status"], name="appointment_phone_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_at__lt=models.F("end_at")), name="appointment_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.code
