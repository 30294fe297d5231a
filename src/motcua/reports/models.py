import json

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


# The additive figures of docs/reports.md, kept per local day, month and year (see reports/figures.py). Flow
# measures count what happened on the bucket's days; the stock measures `open` and `overdue` are deltas whose
# sum over every bucket up to a day is the number of dossiers open (overdue) at the start of that day.
FLOW_MEASURES = (
    "received",
    "received_fee",
    "received_fee_paid_online",
    "received_reused",
    "digitisable",
    "digitised",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_e_result",
    "resolved_timed",
    "worked_minutes",
    "committed_minutes",
    "returned",
    "returned_satisfied",
    "rated",
    "rated_very_satisfied",
    "rated_satisfied",
    "rated_not_satisfied",
    "stopped",
    "refused",
)
STOCK_MEASURES = ("open", "overdue")
MEASURES = FLOW_MEASURES + STOCK_MEASURES
KEY_FIELDS = ("competent_unit_id", "receiving_unit_id", "procedure_version_id", "channel", "officer_id")


class Grain(models.TextChoices):
    DAY = "D", _("ngày")
    MONTH = "M", _("tháng")
    YEAR = "Y", _("năm")
    # One row per key, dated EPOCH, with the sum of every day: a stock at a recent day is this total less
    # the few buckets after that day, instead of the sum of every year, month and day before it.
    ALL = "A", _("toàn bộ")


class FigureDelta(models.Model):
    """One bucket of figures for one combination of the dossier's dimensions. Ids are plain integers (0 for
    none) rather than foreign keys: the row must be unique with its key, and NULL never equals NULL."""

    grain = models.CharField(max_length=1, choices=Grain.choices)
    bucket = models.DateField()
    competent_unit_id = models.IntegerField()
    receiving_unit_id = models.IntegerField()
    procedure_version_id = models.IntegerField()
    channel = models.CharField(max_length=24)
    officer_id = models.IntegerField()
    received = models.IntegerField(default=0)
    received_fee = models.IntegerField(default=0)
    received_fee_paid_online = models.IntegerField(default=0)
    received_reused = models.IntegerField(default=0)
    digitisable = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    resolved_e_result = models.IntegerField(default=0)
    resolved_timed = models.IntegerField(default=0)
    worked_minutes = models.BigIntegerField(default=0)
    committed_minutes = models.BigIntegerField(default=0)
    returned = models.IntegerField(default=0)
    returned_satisfied = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    rated_very_satisfied = models.IntegerField(default=0)
    rated_satisfied = models.IntegerField(default=0)
    rated_not_satisfied = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    open = models.IntegerField(default=0)
    overdue = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", *KEY_FIELDS], name="figuredelta_unique_bucket_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.bucket:%Y-%m-%d}"


class CompactJSONField(models.TextField):
    """JSON kept as compact text. For `FigureState`, one row per dossier: PostgreSQL's jsonb stored every
    number of its day/measure/value triples as a numeric (536 bytes for a typical row, 6 GB at ten million
    dossiers — more than the dossier table), and parsed them again on every write; the rows are only ever
    read whole by the application, never queried inside."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else json.loads(value)

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        return None if value is None else json.dumps(value, separators=(",", ":"))


class FigureState(models.Model):
    """What one dossier last added to the figures, so that a change can take exactly that back."""

    dossier_id = models.BigIntegerField(primary_key=True)
    key = CompactJSONField()
    entries = CompactJSONField()

    class Meta:
        verbose_name = _("phần số liệu của hồ sơ")
        verbose_name_plural = _("phần số liệu của hồ sơ")

    def __str__(self) -> str:
        return str(self.dossier_id)
