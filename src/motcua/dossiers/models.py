from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.enums import PaperKind
from motcua.catalog.models import ComponentRequirement, ProcedureVersion, ProcessStep
from motcua.org.enums import Role
from motcua.org.models import Unit

from .enums import Action, ApplicantKind, Channel, Outcome, PauseKind, ReturnMode, Status, Timeliness


class Applicant(models.Model):
    """A person or organisation known to the centre, reused at the counter by ID number."""

    kind = models.CharField(
        _("loại"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    name = models.CharField(_("họ tên / tên tổ chức"), max_length=255)
    id_number = models.CharField(
        _("số định danh / mã số doanh nghiệp"), max_length=20, blank=True, db_index=True
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicants",
        verbose_name=_("tài khoản công dân"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("người nộp hồ sơ")
        verbose_name_plural = _("người nộp hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~models.Q(id_number=""), name="applicant_unique_id_number"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DossierCodeSequence(models.Model):
    """Daily counter per receiving unit behind `<agency code>-<YYMMDD>-<NNNN>`. Incremented by an atomic
    upsert inside the receiving transaction, so codes are unique and gapless (a rolled-back intake gives its
    number back)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="dossiercodesequence_unique_unit_day")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.day}: {self.last}"


class Dossier(models.Model):
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True, null=True, blank=True)
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("thủ tục (phiên bản)"),
    )
    status = models.CharField(_("trạng thái"), max_length=24, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(
        _("hình thức nộp"), max_length=16, choices=Channel.choices, default=Channel.COUNTER
    )
    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="received_dossiers", verbose_name=_("nơi tiếp nhận")
    )
    competent_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="handled_dossiers", verbose_name=_("cơ quan giải quyết")
    )
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("người nộp")
    )
    # What the applicant declared on this dossier; the Applicant row holds the latest contact details.
    applicant_kind = models.CharField(
        _("loại người nộp"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh"), max_length=20, blank=True)
    applicant_date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    # The applicant's name without diacritics, lower case: "cuong" finds "Cường" on every database.
    applicant_search_name = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    delegate_name = models.CharField(_("người được ủy quyền"), max_length=255, blank=True)
    delegate_id_number = models.CharField(_("số định danh người được ủy quyền"), max_length=20, blank=True)
    delegate_phone = models.CharField(_("điện thoại người được ủy quyền"), max_length=20, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
        verbose_name=_("tài khoản chủ hồ sơ"),
    )
    sets = models.PositiveSmallIntegerField(_("số lượng hồ sơ (bộ)"), default=1)
    pages = models.PositiveIntegerField(_("số trang"), default=0)
    fee_amount = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    is_fee_exempt = models.BooleanField(_("miễn phí, lệ phí"), default=False)
    return_mode = models.CharField(
        _("hình thức nhận kết quả"), max_length=16, choices=ReturnMode.choices, default=ReturnMode.COUNTER
    )
    return_address = models.CharField(_("địa chỉ nhận kết quả"), max_length=500, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # Answers to the procedure's e-form (catalog `ProcedureVersion.eform_fields`), keyed by field name.
    form_data = models.JSONField(_("nội dung tờ khai điện tử"), default=dict, blank=True)
    # Assisted online: the officer who submitted on the citizen's behalf at the counter.
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cán bộ hỗ trợ nộp trực tuyến"),
        db_index=False,  # partial index in Meta: nearly always empty
    )
    # Postal intake (Decision 468/2021 postal fields) and postal return.
    postal_item_code = models.CharField(_("số hiệu bưu gửi (nộp)"), max_length=40, blank=True)
    postal_posted_on = models.DateField(_("ngày gửi qua bưu chính"), null=True, blank=True)
    return_postal_item_code = models.CharField(_("số hiệu bưu gửi (trả)"), max_length=40, blank=True)

    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    # Online submissions: the centre answers (receive or return for completion) within 8 working hours.
    reply_due_at = models.DateTimeField(_("hạn phản hồi hồ sơ trực tuyến"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    clock_start_at = models.DateTimeField(_("bắt đầu tính thời hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    extended_due_at = models.DateTimeField(_("hẹn trả sau gia hạn"), null=True, blank=True)
    result_ready_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả giải quyết"), max_length=16, choices=Outcome.choices, blank=True)
    # Working minutes from the start of the legal clock to the result, less the time it stood still; fixed
    # when the result is ready so that figures summed since never change with a later calendar edit.
    worked_minutes = models.PositiveIntegerField(
        _("thời gian giải quyết thực tế (phút làm việc)"), null=True, blank=True
    )
    # Fixed when the result is ready (against the original due date); never recomputed afterwards.
    timeliness = models.CharField(_("tiến độ"), max_length=16, choices=Timeliness.choices, blank=True)
    current_step = models.ForeignKey(
        "DossierStep",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("bước hiện tại"),
        db_index=False,  # partial index in Meta: empty once the dossier is finished
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    # The anchor of the history's hash chain (dossiers/history.py), written with each history row under the
    # row lock: deleting the last rows of the history leaves it pointing at a row that is gone.
    history_count = models.PositiveIntegerField(_("số dòng lịch sử"), default=0, editable=False)
    history_head = models.CharField(
        _("mã băm dòng lịch sử cuối"), max_length=64, blank=True, default="", editable=False
    )

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["receiving_unit", "status", "due_at"], name="dossier_recv_status_due"),
            models.Index(fields=["competent_unit", "status", "due_at"], name="dossier_comp_status_due"),
            models.Index(fields=["applicant_phone"], name="dossier_applicant_phone"),
            models.Index(fields=["applicant_id_number"], name="dossier_applicant_idnum"),
            # Foreign keys that are NULL on nearly every row (a finished dossier has no current step; few are
            # assisted online) index only their values: a tenth of the size at 10 M dossiers, and lookups
            # by value (worklists, the foreign keys' own checks) are served the same.
            models.Index(
                fields=["current_step"],
                name="dossier_current_step",
                condition=models.Q(current_step__isnull=False),
            ),
            models.Index(
                fields=["assisted_by"],
                name="dossier_assisted_by",
                condition=models.Q(assisted_by__isnull=False),
            ),
            # The open dossiers by state and due date, whatever their unit: the province-wide "overdue",
            # "due soon" and "awaiting supplement" lists and counts. Only the open rows: at 10 M dossiers the
            # due-date index alone made "overdue now" read every due date of the past (1 s).
            models.Index(
                fields=["status", "due_at"],
                name="dossier_open_status_due",
                condition=models.Q(status__in=["received", "processing", "awaiting_supplement", "paused"]),
            ),
            # The register's index, dossier_received_desc (received_at DESC NULLS LAST, id DESC), is created
            # by migration 0010 in SQL: SQLite cannot declare NULLS LAST in an index.
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(
                    status__in=[
                        "received",
                        "processing",
                        "awaiting_supplement",
                        "paused",
                        "result_ready",
                        "returned",
                    ]
                )
                | models.Q(code__isnull=False, received_at__isnull=False, due_at__isnull=False),
                name="dossier_received_has_code_and_due",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk}"

    @property
    def reference(self) -> str:
        """The code once received; before that an internal reference used by the back office."""
        return self.code or f"D{self.pk}"

    @property
    def procedure(self):
        return self.procedure_version.procedure

    @property
    def is_extended(self) -> bool:
        return self.extended_due_at is not None


class DossierDocument(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="documents", verbose_name=_("hồ sơ")
    )
    requirement = models.ForeignKey(
        ComponentRequirement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("thành phần theo quy định"),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    name = models.TextField(_("tên giấy tờ"))
    paper_kind = models.CharField(
        _("loại bản"), max_length=16, choices=PaperKind.choices, default=PaperKind.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    is_received = models.BooleanField(_("đã nhận"), default=True)
    # Supplements (Form 02 items answered later) are kept beside the original components, never over them.
    is_supplement = models.BooleanField(_("tài liệu bổ sung"), default=False)
    # Decree 45/2020: a component taken from the citizen's document store instead of a new upload.
    reused_from = models.ForeignKey(
        "docstore.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reuses",
        verbose_name=_("tái sử dụng từ kho dữ liệu"),
        db_index=False,  # partial index in Meta: most components are new papers
    )
    file = models.FileField(_("bản số hóa"), upload_to="dossiers/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    is_digitised = models.BooleanField(_("đã số hóa"), default=False)
    uploaded_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ đã nộp")
        verbose_name_plural = _("thành phần hồ sơ đã nộp")
        ordering = ["dossier", "order", "id"]
        indexes = [
            models.Index(
                fields=["reused_from"],
                name="dossierdocument_reused_from",
                condition=models.Q(reused_from__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name[:100]


class DossierStep(models.Model):
    """One step of the internal process for one dossier: who, where, how long, when."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="steps", verbose_name=_("hồ sơ")
    )
    process_step = models.ForeignKey(
        ProcessStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("bước"))
    name = models.CharField(_("tên bước"), max_length=300)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="dossier_steps", verbose_name=_("đơn vị")
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_steps",
        verbose_name=_("người xử lý"),
    )
    budget_hours = models.DecimalField(_("thời gian (giờ làm việc)"), max_digits=7, decimal_places=2)
    started_at = models.DateTimeField(_("bắt đầu"))
    due_at = models.DateTimeField(_("hạn xử lý"))
    finished_at = models.DateTimeField(_("hoàn thành"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    timeliness = models.CharField(_("tiến độ"), max_length=16, choices=Timeliness.choices, blank=True)
    explanation = models.TextField(_("văn bản giải trình"), blank=True)
    explained_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # partial index in Meta: only late steps are explained
    )

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["dossier", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(finished_at__isnull=True), name="dossierstep_one_open"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "finished_at", "due_at"], name="dossierstep_unit_open_due"),
            # The open steps waiting in a unit for a role (the officers' "todo" list): a few thousand entries
            # where the index above holds every step ever taken. Covering (assignee, dossier, id): the list
            # reads it alone. Without them PostgreSQL read the open steps through "one open step per
            # dossier" instead, one heap page per open step of the province (70 ms at 10 M dossiers).
            models.Index(
                fields=["unit", "role"],
                name="dossierstep_open_unit_role",
                condition=models.Q(finished_at__isnull=True),
                include=["assignee", "dossier", "id"],
            ),
            models.Index(
                fields=["explained_by"],
                name="dossierstep_explained_by",
                condition=models.Q(explained_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def needs_explanation(self) -> bool:
        return self.timeliness == Timeliness.LATE and not self.explanation


class DossierPause(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("loại"), max_length=16, choices=PauseKind.choices)
    reason = models.TextField(_("lý do"))
    started_at = models.DateTimeField(_("từ"))
    ended_at = models.DateTimeField(_("đến"), null=True, blank=True)
    working_hours = models.DecimalField(
        _("số giờ làm việc"), max_digits=9, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("thời gian tạm dừng")
        verbose_name_plural = _("thời gian tạm dừng")
        ordering = ["dossier", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=models.Q(ended_at__isnull=True), name="dossierpause_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%d/%m/%Y}"


class DossierEvent(models.Model):
    """The history of a dossier, one row per action: it is also the process control slip (Form 06)."""

    # No index of its own: the unique (dossier, seq) index below starts with the dossier and serves every
    # lookup by dossier (48 M history rows at 10 M dossiers: one index fewer to write and keep).
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events", db_index=False)
    seq = models.PositiveIntegerField()
    action = models.CharField(_("thao tác"), max_length=32, choices=Action.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=24, choices=Status.choices)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    actor_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    from_step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    # SHA-256 over the previous row's hash and this row's fields (dossiers/history.py).
    hash = models.CharField(_("mã băm"), max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossierevent_unique_seq")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"


class DossierResult(models.Model):
    """The electronic result of a dossier: a PDF signed (PAdES) with the competent unit's certificate."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="result", verbose_name=_("hồ sơ")
    )
    name = models.CharField(_("tên kết quả"), max_length=300)
    file = models.FileField(_("tệp kết quả đã ký số"), upload_to="results/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    signer_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị ký số")
    )
    signer_subject = models.CharField(_("chủ thể chứng thư số"), max_length=500, blank=True)
    signed_at = models.DateTimeField(_("ký số lúc"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("kết quả điện tử")
        verbose_name_plural = _("kết quả điện tử")

    def __str__(self) -> str:
        return self.name
