from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredDocument(models.Model):
    """A document kept in the citizen's own store (Decree 45/2020 Art. 14–15): what they submitted online and the
    results they received. A new dossier may reuse it instead of a new upload; the file is shared, not copied."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Giấy tờ đã nộp")
        RESULT = "result", _("Kết quả giải quyết")
        UPLOADED = "uploaded", _("Tải lên kho")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="stored_documents",
        verbose_name=_("chủ sở hữu"),
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("tên giấy tờ"), max_length=300)
    # The catalogue component this document answered, so a later dossier can offer it for the same component.
    component_name = models.CharField(_("thành phần hồ sơ"), max_length=500, blank=True)
    file = models.FileField(_("tệp"), upload_to="docstore/%Y/%m/")
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    source_dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("từ hồ sơ"),
    )
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    created_at = models.DateTimeField(_("lưu lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("giấy tờ trong kho dữ liệu")
        ordering = ["owner", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "sha256", "kind"], name="storeddocument_unique_per_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name
