from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.org.enums import Role
from motcua.org.models import Unit

from .enums import FeeKind, OnlineLevel, PaperKind, ProcedureLevel, StepUnitMode, TimeUnit, VersionStatus


class Field(models.Model):
    """Lĩnh vực: the domain a procedure belongs to."""

    code = models.CharField(_("mã lĩnh vực"), max_length=50, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """The stable identity of a procedure; its content lives in versions (a dossier keeps its version)."""

    national_code = models.CharField(_("mã TTHC quốc gia"), max_length=30, db_index=True)
    local_code = models.CharField(_("mã TTHC địa phương"), max_length=60, unique=True)
    current_version = models.OneToOneField(
        "ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("phiên bản hiện hành"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["national_code"]

    def __str__(self) -> str:
        name = self.current_version.name if self.current_version_id else ""
        return f"{self.national_code} — {name}" if name else self.national_code


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="versions", verbose_name=_("thủ tục")
    )
    number = models.PositiveIntegerField(_("phiên bản số"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name = models.TextField(_("tên thủ tục"))
    short_name = models.CharField(_("tên ngắn"), max_length=255, blank=True)
    field = models.ForeignKey(
        Field, on_delete=models.PROTECT, related_name="versions", verbose_name=_("lĩnh vực")
    )
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=ProcedureLevel.choices)
    competent_units = models.ManyToManyField(
        Unit, related_name="competent_for", blank=True, verbose_name=_("cơ quan có thẩm quyền")
    )
    competent_body_text = models.CharField(_("cơ quan thực hiện (mô tả)"), max_length=500, blank=True)
    receiving_units = models.ManyToManyField(
        Unit,
        related_name="receiving_for",
        blank=True,
        verbose_name=_("nơi tiếp nhận"),
        help_text=_(
            "Để trống: mọi Trung tâm phục vụ hành chính công trong tỉnh đều tiếp nhận (phi địa giới)."
        ),
    )
    legal_time_amount = models.DecimalField(
        _("thời hạn theo quy định"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    legal_time_unit = models.CharField(
        _("đơn vị thời hạn theo quy định"), max_length=16, choices=TimeUnit.choices, blank=True
    )
    committed_time_amount = models.DecimalField(
        _("thời hạn cam kết"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    committed_time_unit = models.CharField(
        _("đơn vị thời hạn cam kết"), max_length=16, choices=TimeUnit.choices
    )
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"),
        max_length=16,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    # The online e-form as data: a list of {"name", "label", "type" (text|textarea|date|number|select|
    # checkbox|email|phone), "required", "choices", "help", "max_length", "min", "max", "group" (one page of
    # the wizard)}; validated by `catalog.eform.eform_validate` on the server (format in catalog/eform.py).
    eform_fields = models.JSONField(_("các trường tờ khai điện tử"), default=list, blank=True)
    is_counter_intake_allowed = models.BooleanField(_("nộp trực tiếp"), default=True)
    is_postal_intake_allowed = models.BooleanField(_("nộp qua bưu chính"), default=False)
    is_postal_return_allowed = models.BooleanField(_("trả kết quả qua bưu chính"), default=False)
    fee_exemptions = models.TextField(_("đối tượng miễn, giảm phí, lệ phí"), blank=True)
    fee_note = models.TextField(_("ghi chú phí, lệ phí"), blank=True)
    results = models.TextField(_("kết quả thực hiện"), blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    decision_reference = models.CharField(_("quyết định công bố"), max_length=255, blank=True)
    published_on = models.DateField(_("ngày công bố"), null=True, blank=True)
    effective_from = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    effective_to = models.DateField(_("ngày hết hiệu lực"), null=True, blank=True)
    change_note = models.TextField(_("nội dung thay đổi"), blank=True)
    search_text = models.TextField(editable=False, blank=True, db_index=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__national_code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedureversion_unique_number"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=models.Q(status="in_force"),
                name="procedureversion_one_in_force",
            ),
            models.UniqueConstraint(
                fields=["procedure"], condition=models.Q(status="draft"), name="procedureversion_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.national_code} v{self.number} — {self.short_name or self.name[:80]}"

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_same_day(self) -> bool:
        return self.committed_time_unit == TimeUnit.SAME_DAY

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


class ComponentRequirement(models.Model):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components", verbose_name=_("phiên bản")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.TextField(_("tên giấy tờ"))
    paper_kind = models.CharField(
        _("loại bản"), max_length=16, choices=PaperKind.choices, default=PaperKind.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    is_required = models.BooleanField(_("bắt buộc"), default=True)
    condition = models.CharField(_("trường hợp áp dụng"), max_length=500, blank=True)
    is_replaceable_by_state_data = models.BooleanField(_("thay thế bằng khai thác dữ liệu"), default=False)
    replacement_note = models.TextField(_("ghi chú khai thác dữ liệu"), blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        # By the version's column, not the version's own ordering: that joined the version and the procedure
        # into every read of one version's rows (each counter intake reads its fees).
        ordering = ["version_id", "order", "id"]

    def __str__(self) -> str:
        return self.name[:120]


class FeeRule(models.Model):
    """Fixed fee, per-page fee (a first tier then a lower rate, capped per copy), or per-unit fee with a cap."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="fees", verbose_name=_("phiên bản")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    label = models.CharField(_("tên khoản phí, lệ phí"), max_length=300)
    kind = models.CharField(_("cách tính"), max_length=16, choices=FeeKind.choices, default=FeeKind.FIXED)
    amount = models.PositiveBigIntegerField(
        _("mức thu (đồng)"),
        null=True,
        blank=True,
        help_text=_("Để trống nếu chưa có mức thu (do HĐND tỉnh quyết định)."),
    )
    first_tier_units = models.PositiveIntegerField(
        _("số trang/đơn vị tính theo mức đầu"), null=True, blank=True
    )
    amount_after = models.PositiveBigIntegerField(
        _("mức thu từ trang/đơn vị tiếp theo (đồng)"), null=True, blank=True
    )
    cap = models.PositiveBigIntegerField(_("mức thu tối đa (đồng)"), null=True, blank=True)
    unit_label = models.CharField(_("đơn vị tính"), max_length=50, blank=True)
    is_optional = models.BooleanField(_("chỉ thu khi có yêu cầu"), default=False)
    basis = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        # By the version's column, not the version's own ordering: that joined the version and the procedure
        # into every read of one version's rows (each counter intake reads its fees).
        ordering = ["version_id", "order", "id"]

    def __str__(self) -> str:
        return self.label


class ProcessDefinition(models.Model):
    """Quy trình nội bộ of a procedure version, for one handling unit or (blank) for every competent unit."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="processes", verbose_name=_("phiên bản")
    )
    handling_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan giải quyết"),
        help_text=_("Để trống: áp dụng cho mọi cơ quan có thẩm quyền chưa có quy trình riêng."),
    )
    name = models.CharField(_("tên quy trình"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        constraints = [
            models.UniqueConstraint(fields=["version", "handling_unit"], name="process_unique_per_unit"),
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(handling_unit__isnull=True), name="process_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"Quy trình {self.version}"


class ProcessStep(models.Model):
    process = models.ForeignKey(
        ProcessDefinition, on_delete=models.CASCADE, related_name="steps", verbose_name=_("quy trình")
    )
    order = models.PositiveSmallIntegerField(_("bước"))
    name = models.CharField(_("tên bước"), max_length=300)
    unit_mode = models.CharField(
        _("đơn vị thực hiện"), max_length=16, choices=StepUnitMode.choices, default=StepUnitMode.COMPETENT
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị cụ thể"),
    )
    role = models.CharField(_("vai trò thực hiện"), max_length=32, choices=Role.choices)
    description = models.TextField(_("nội dung công việc"), blank=True)
    budget_hours = models.DecimalField(
        _("thời gian (giờ làm việc)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["process", "order"]
        constraints = [
            models.UniqueConstraint(fields=["process", "order"], name="processstep_unique_order"),
            models.CheckConstraint(
                condition=models.Q(unit_mode="fixed", unit__isnull=False) | ~models.Q(unit_mode="fixed"),
                name="processstep_fixed_needs_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
