from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.org.models import Unit

from .enums import (
    BodiesContacted,
    ContactsNeeded,
    OneStopHandling,
    OnlineService,
    Overall,
    PetitionResponse,
    Publication,
    RatingChannel,
    StaffAttitude,
    TimeVersusLimit,
)


def _choice_field(label, choices) -> models.CharField:
    # An unanswered criterion stays blank: only the overall rating is required.
    return models.CharField(label, max_length=16, choices=choices.choices, blank=True)


class Rating(models.Model):
    """The applicant's satisfaction with the handling of one returned dossier (Decree 61/2018 Art. 31,
    Circular 01/2018 Art. 12); one per dossier, written only by `services.rating_submit`."""

    dossier = models.OneToOneField(
        Dossier, on_delete=models.CASCADE, related_name="rating", verbose_name=_("hồ sơ")
    )
    overall = models.CharField(_("mức độ hài lòng chung"), max_length=16, choices=Overall.choices)
    time_versus_limit = _choice_field(_("thời gian giải quyết so với quy định"), TimeVersusLimit)
    bodies_contacted = _choice_field(_("số cơ quan phải liên hệ"), BodiesContacted)
    contacts_needed = _choice_field(_("số lần phải liên hệ"), ContactsNeeded)
    one_stop_handling = _choice_field(_("giải quyết tại Bộ phận Một cửa"), OneStopHandling)
    publication = _choice_field(_("công khai thủ tục hành chính"), Publication)
    staff_attitude = _choice_field(_("thái độ của cán bộ"), StaffAttitude)
    petition_response = _choice_field(_("tiếp thu, trả lời kiến nghị"), PetitionResponse)
    online_service = _choice_field(_("dịch vụ công trực tuyến"), OnlineService)
    comment = models.TextField(_("ý kiến khác"), blank=True)
    channel = models.CharField(_("hình thức đánh giá"), max_length=16, choices=RatingChannel.choices)
    # Who is rated: the one-stop unit that received the dossier and the officer who handed the result back.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("nơi tiếp nhận")
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ratings_received",
        verbose_name=_("cán bộ trả kết quả"),
    )
    # The citizen's account for an online rating; empty for the QR code and the counter tablet.
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tài khoản đánh giá"),
    )
    created_at = models.DateTimeField(_("đánh giá lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá mức độ hài lòng")
        verbose_name_plural = _("đánh giá mức độ hài lòng")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(overall__in=Overall.values), name="rating_overall_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=RatingChannel.values), name="rating_channel_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "created_at"], name="rating_unit_created"),
            models.Index(fields=["officer", "created_at"], name="rating_officer_created"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.get_overall_display()}"
