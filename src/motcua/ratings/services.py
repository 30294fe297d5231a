"""The one write of this app: a citizen's rating of a returned dossier."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.dossiers.enums import Action, Status
from motcua.dossiers.models import Dossier, DossierEvent

from .criteria import COMMENT_MAX_LENGTH, CRITERIA, CRITERION_FIELDS
from .enums import Overall, RatingChannel
from .models import Rating

logger = logging.getLogger(__name__)

ANSWER_KEYS = frozenset({"overall", "comment", *CRITERION_FIELDS})


def already_rated_message() -> str:
    return _("Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần.")


def _clean_answers(answers: dict) -> dict:
    """Only known keys and known choices; the overall rating is required, every criterion optional."""
    errors: dict[str, str] = {}
    unknown = set(answers) - ANSWER_KEYS
    if unknown:
        errors.update({key: _("Câu hỏi không có trong phiếu đánh giá.") for key in sorted(unknown)})
    overall = answers.get("overall") or ""
    if overall not in Overall.values:
        errors["overall"] = _("Chọn mức độ hài lòng chung của bạn.")
    cleaned = {"overall": overall}
    for criterion in CRITERIA:
        value = answers.get(criterion.field) or ""
        if value and value not in criterion.choices.values:
            errors[criterion.field] = _("Lựa chọn không hợp lệ.")
        cleaned[criterion.field] = value
    comment = str(answers.get("comment") or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = _("Ý kiến khác tối đa %(max)s ký tự.") % {"max": COMMENT_MAX_LENGTH}
    cleaned["comment"] = comment
    if errors:
        raise ValidationFailed(_("Phiếu đánh giá chưa hợp lệ, vui lòng kiểm tra lại."), details=errors)
    return cleaned


def _returning_officer(dossier: Dossier):
    event = (
        DossierEvent.objects.filter(dossier=dossier, action=Action.RETURN_RESULT)
        .select_related("actor")
        .order_by("-seq")
        .first()
    )
    return event.actor if event else None


@transaction.atomic
def rating_submit(
    *, dossier: Dossier, answers: dict, channel: str, actor=None, at: datetime | None = None
) -> Rating:
    """Record the applicant's rating of a dossier (Decree 61/2018 Art. 31; Circular 01/2018 Art. 12: rating
    online, on paper or at the counter after the result). Only once the result has been returned, and only
    once per dossier (also a database constraint). Online, only the dossier's own account may rate; the QR
    code and the counter tablet identify the dossier before calling this (`selectors`).

    The rating is attributed to the receiving unit and to the officer who returned the result. `at` replays
    history (demo data) and may not lie in the future."""
    if channel not in RatingChannel.values:
        raise ValidationFailed(_("Hình thức đánh giá không hợp lệ."), details={"channel": channel})
    now = timezone.now()
    if at is not None and at > now:
        raise ValidationFailed(
            _("Thời điểm đánh giá không được ở tương lai."), details={"at": at.isoformat()}
        )
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if channel == RatingChannel.ONLINE and (
        actor is None or locked.owner_id is None or locked.owner_id != getattr(actor, "pk", None)
    ):
        raise NotPermitted(_("Chỉ tài khoản đã nộp hồ sơ mới đánh giá trực tuyến được hồ sơ này."))
    if Rating.objects.filter(dossier=locked).exists():
        raise InvalidTransition(already_rated_message())
    if locked.status != Status.RETURNED:
        raise InvalidTransition(
            _("Hồ sơ chưa trả kết quả. Bạn đánh giá được sau khi nhận kết quả giải quyết.")
        )
    if at is not None and locked.returned_at is not None and at < locked.returned_at:
        raise ValidationFailed(
            _("Thời điểm đánh giá phải sau khi trả kết quả."), details={"at": at.isoformat()}
        )
    cleaned = _clean_answers(answers)
    try:
        # A savepoint: a concurrent rating that won the race leaves this transaction usable for the message.
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=locked,
                channel=channel,
                unit_id=locked.receiving_unit_id,
                officer=_returning_officer(locked),
                rated_by=actor if channel == RatingChannel.ONLINE else None,
                created_at=at or now,
                **cleaned,
            )
    except IntegrityError as error:
        raise InvalidTransition(already_rated_message()) from error
    logger.info("rating recorded", extra={"dossier_id": locked.pk, "channel": channel})
    return rating
