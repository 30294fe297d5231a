from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Unit


class ManualIndicatorValue(models.Model):
    """A Decision 766 indicator whose data the system does not hold (publication of procedures on the
    national database, electronic certified copies offered by communes, …), entered by an administrator for
    one unit and one period. The index uses it only for exactly that unit and period; otherwise the indicator
    stays "not computed"."""

    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị"),
        help_text=_("Để trống: số liệu toàn tỉnh."),
    )
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    code = models.CharField(_("mã chỉ số"), max_length=48)
    value = models.DecimalField(
        _("tỷ lệ (0–1)"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Ví dụ 0,95 cho 95 %."),
    )
    note = models.TextField(_("ghi chú, nguồn số liệu"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người nhập"),
        editable=False,
    )
    entered_at = models.DateTimeField(_("nhập lúc"), auto_now=True)

    class Meta:
        verbose_name = _("chỉ số 766 nhập tay")
        verbose_name_plural = _("chỉ số 766 nhập tay")
        ordering = ["-period_start", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0, value__lte=1), name="manual_indicator_value_ratio"
            ),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")),
                name="manual_indicator_value_period",
            ),
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end", "code"],
                name="manual_indicator_value_unique",
            ),
            models.UniqueConstraint(
                fields=["period_start", "period_end", "code"],
                condition=models.Q(unit__isnull=True),
                name="manual_indicator_value_unique_province",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"
