from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.org.models import Unit

from .enums import Action, Channel, Privacy, Satisfaction, Status, SubjectKind


class Petition(models.Model):
    """Phản ánh, kiến nghị (PAKN): one petition from its submission to the petitioner's rating of the answer.
    Every change goes through `services`; the status only through `services.petition_transition`."""

    code = models.CharField(_("mã phản ánh"), max_length=20, unique=True)
    subject_kind = models.CharField(_("nội dung về"), max_length=20, choices=SubjectKind.choices)
    procedure = models.ForeignKey(
        Procedure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
        verbose_name=_("thủ tục hành chính"),
    )
    # Linked only when the petitioner proved the dossier is theirs (code + phone digits, or their account).
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
        verbose_name=_("hồ sơ"),
    )
    officer_name = models.CharField(_("cán bộ được phản ánh"), max_length=200, blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions_about",
        verbose_name=_("tài khoản cán bộ được phản ánh"),
    )
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_address = models.CharField(_("địa điểm"), max_length=300, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=200)
    description = models.TextField(_("nội dung"))
    petitioner_name = models.CharField(_("họ và tên người gửi"), max_length=200)
    petitioner_phone = models.CharField(_("số điện thoại"), max_length=20)
    petitioner_email = models.EmailField(_("thư điện tử"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions",
        verbose_name=_("tài khoản người gửi"),
    )
    privacy = models.CharField(_("công khai"), max_length=10, choices=Privacy.choices)
    channel = models.CharField(_("kênh gửi"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="petitions_received", verbose_name=_("nơi tiếp nhận")
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="petitions_assigned",
        verbose_name=_("đơn vị xử lý"),
    )
    received_at = models.DateTimeField(_("tiếp nhận lúc"), default=timezone.now)
    assigned_at = models.DateTimeField(_("chuyển xử lý lúc"), null=True, blank=True)
    # 10 working days from reception; `original_due_at` is kept after an extension, for the 766 on-time rate.
    due_at = models.DateTimeField(_("hạn trả lời"))
    original_due_at = models.DateTimeField(_("hạn trả lời ban đầu"))
    extended_at = models.DateTimeField(_("gia hạn lúc"), null=True, blank=True)
    extension_reason = models.TextField(_("lý do gia hạn"), blank=True)
    rejection_reason = models.TextField(_("lý do từ chối"), blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="petitions_answered",
        verbose_name=_("người trả lời"),
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    # What the public sees: the officer's version of the content with personal data removed.
    public_description = models.TextField(_("nội dung công khai"), blank=True)
    is_published = models.BooleanField(_("đã công khai"), default=False)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True)
    rating = models.CharField(
        _("đánh giá câu trả lời"), max_length=16, choices=Satisfaction.choices, blank=True
    )
    rating_comment = models.TextField(_("ý kiến về câu trả lời"), blank=True)
    rated_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="petition_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(privacy__in=Privacy.values), name="petition_privacy_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(subject_kind__in=SubjectKind.values), name="petition_subject_valid"
            ),
            # A private petition is never published (Decree 20/2008 Art. 4: the petitioner's choice).
            models.CheckConstraint(
                condition=~models.Q(privacy=Privacy.PRIVATE, is_published=True),
                name="petition_private_never_published",
            ),
            models.CheckConstraint(
                condition=models.Q(rating="") | models.Q(rating__in=Satisfaction.values),
                name="petition_rating_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="petition_status_due"),
            models.Index(fields=["unit", "status"], name="petition_unit_status"),
            models.Index(fields=["receiving_unit", "received_at"], name="petition_receiving_received"),
            models.Index(fields=["is_published", "published_at"], name="petition_published"),
        ]

    def __str__(self) -> str:
        return self.code


class PetitionCodeCounter(models.Model):
    """The last sequence number of petition codes per day (PA-YYMMDD-NNNN), locked while a code is issued."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class PetitionAttachment(models.Model):
    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("phản ánh")
    )
    file = models.FileField(_("tệp"), upload_to="petitions/%Y/%m/")
    content_type = models.CharField(_("loại tệp"), max_length=40)
    size = models.PositiveIntegerField(_("dung lượng"))
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("tệp đính kèm phản ánh")
        verbose_name_plural = _("tệp đính kèm phản ánh")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.file.name}"


class PetitionEvent(models.Model):
    """One line of a petition's history. `public_note` may be shown on the public page and in Open311
    updates: it never carries personal data."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="events", verbose_name=_("phản ánh")
    )
    seq = models.PositiveIntegerField()
    action = models.CharField(_("thao tác"), max_length=16, choices=Action.choices)
    from_status = models.CharField(_("từ trạng thái"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    note = models.TextField(_("ghi chú"), blank=True)
    public_note = models.TextField(_("ghi chú công khai"), blank=True)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)

    class Meta:
        verbose_name = _("lịch sử phản ánh")
        verbose_name_plural = _("lịch sử phản ánh")
        ordering = ["petition", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["petition", "seq"], name="petition_event_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} #{self.seq} {self.action}"
