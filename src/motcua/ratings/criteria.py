"""The rating criteria as data: Decree 61/2018 Art. 31 (legal-spec §2.6), asked as the Thừa Thiên Huế portal
asks them, one model field each so that reports count answers in SQL.

Art. 31 indicator 2 (time taken by each participating body) is not asked: the applicant cannot see inside
the process, and the system measures it itself from the timeliness of every step (Form 06)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .enums import (
    BodiesContacted,
    ContactsNeeded,
    OneStopHandling,
    OnlineService,
    PetitionResponse,
    Publication,
    StaffAttitude,
    TimeVersusLimit,
)


@dataclass(frozen=True)
class Criterion:
    field: str  # the Rating field, also the form field and the key in `answers`
    article_item: int  # indicator number in Decree 61/2018 Art. 31
    question: Promise
    choices: type[models.TextChoices]


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "time_versus_limit",
        1,
        _("Thời gian giải quyết hồ sơ so với thời hạn theo quy định"),
        TimeVersusLimit,
    ),
    Criterion(
        "bodies_contacted",
        3,
        _("Số cơ quan, đơn vị bạn phải liên hệ để hoàn thiện hồ sơ"),
        BodiesContacted,
    ),
    Criterion(
        "contacts_needed",
        4,
        _("Số lần bạn phải liên hệ với nơi tiếp nhận để hoàn thiện hồ sơ"),
        ContactsNeeded,
    ),
    Criterion(
        "one_stop_handling",
        5,
        _("Việc tiếp nhận, giải quyết, trả kết quả được thực hiện tại Bộ phận Một cửa"),
        OneStopHandling,
    ),
    Criterion("publication", 6, _("Việc công khai thủ tục hành chính"), Publication),
    Criterion("staff_attitude", 7, _("Thái độ của cán bộ, công chức"), StaffAttitude),
    Criterion(
        "petition_response",
        8,
        _("Việc tiếp thu, trả lời ý kiến, kiến nghị của bạn"),
        PetitionResponse,
    ),
    Criterion(
        "online_service",
        9,
        _("Tiến độ, chất lượng dịch vụ công trực tuyến"),
        OnlineService,
    ),
)
CRITERIA_BY_FIELD = {criterion.field: criterion for criterion in CRITERIA}
CRITERION_FIELDS = tuple(CRITERIA_BY_FIELD)
COMMENT_MAX_LENGTH = 2000
