from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import SERVICE_CENTRE_KINDS, Role, UnitKind
from .validators import validate_agency_code

DEFAULT_OFFICE_HOURS = ((time(7, 0), time(11, 0)), (time(13, 0), time(17, 0)))


class Unit(models.Model):
    """An agency or service centre in the province's tree. Units are kept after a merger (`successor`):
    a dossier keeps the unit it had."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    kind = models.CharField(_("loại đơn vị"), max_length=32, choices=UnitKind.choices)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    agency_code = models.CharField(
        _("mã định danh"),
        max_length=35,
        unique=True,
        validators=[validate_agency_code],
        help_text=_("Mã định danh điện tử theo QĐ 20/2020/QĐ-TTg (sửa đổi bởi QĐ 09/2025), ví dụ H12.04."),
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    morning_start = models.TimeField(_("sáng từ"), null=True, blank=True)
    morning_end = models.TimeField(_("sáng đến"), null=True, blank=True)
    afternoon_start = models.TimeField(_("chiều từ"), null=True, blank=True)
    afternoon_end = models.TimeField(_("chiều đến"), null=True, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    dissolved_on = models.DateField(_("ngày giải thể/sáp nhập"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["agency_code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(morning_start__isnull=True, morning_end__isnull=True)
                    | models.Q(morning_start__lt=models.F("morning_end"))
                ),
                name="unit_morning_period_ordered",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(afternoon_start__isnull=True, afternoon_end__isnull=True)
                    | models.Q(afternoon_start__lt=models.F("afternoon_end"))
                ),
                name="unit_afternoon_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_service_centre(self) -> bool:
        return self.kind in SERVICE_CENTRE_KINDS

    def office_periods(self) -> tuple[tuple[time, time], ...]:
        """Morning and afternoon periods; a unit without its own hours uses its parent's, then the default."""
        unit: Unit | None = self
        while unit is not None:
            periods = tuple(
                (start, end)
                for start, end in (
                    (unit.morning_start, unit.morning_end),
                    (unit.afternoon_start, unit.afternoon_end),
                )
                if start and end
            )
            if periods:
                return periods
            unit = unit.parent
        return DEFAULT_OFFICE_HOURS


class Counter(models.Model):
    """A reception counter (quầy) of a service centre."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="counters", verbose_name=_("đơn vị")
    )
    number = models.PositiveSmallIntegerField(_("số quầy"))
    name = models.CharField(_("tên quầy"), max_length=200, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("quầy tiếp nhận")
        verbose_name_plural = _("quầy tiếp nhận")
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="counter_unique_number_per_unit")
        ]

    def __str__(self) -> str:
        return f"Quầy {self.number} — {self.name}" if self.name else f"Quầy {self.number}"


class StaffRole(models.Model):
    """A role held in a unit. What an officer may see and do follows from these rows only."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_roles",
        verbose_name=_("cán bộ"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="staff_roles", verbose_name=_("đơn vị")
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="staffrole_unique_user_unit_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
