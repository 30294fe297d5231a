from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import OverrideKind


class CalendarOverride(models.Model):
    """A day that differs from the `holidays` library for the province: an extra day off, a make-up working
    day (e.g. a Saturday worked in exchange), or a library holiday that the province does not observe."""

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=OverrideKind.choices)
    name = models.CharField(_("lý do"), max_length=255)
    decision_reference = models.CharField(_("văn bản"), max_length=255, blank=True)
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
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.get_kind_display()} — {self.name}"
