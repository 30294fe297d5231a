"""Demo satisfaction ratings: a share of the returned demo dossiers rated through the real service, at the
counter tablet or by the receipt's QR code (own account when the dossier has one), shortly after the
result was handed back, so that the reports, the dashboard and the Decision 766 group F have figures.

Mostly satisfied, as published provincial surveys are, and less so when the result came late."""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.utils import timezone

from motcua.core.exceptions import DomainError
from motcua.dossiers.enums import Action, Channel, Status, Timeliness
from motcua.dossiers.models import Dossier
from motcua.ratings.enums import RatingChannel
from motcua.ratings.services import rating_submit

DEMO_RATED_SHARE = 0.6

COMMENTS = {
    "very_satisfied": [
        "Cán bộ hướng dẫn tận tình, trả kết quả sớm hơn hẹn.",
        "Thủ tục nhanh gọn, không phải đi lại nhiều lần.",
    ],
    "satisfied": [
        "Đề nghị bố trí thêm ghế chờ tại khu vực tiếp nhận.",
        "Nên nhắn tin khi có kết quả để người dân chủ động đến nhận.",
    ],
    "not_satisfied": [
        "Phải bổ sung giấy tờ nhiều lần, hướng dẫn ban đầu chưa đầy đủ.",
        "Trả kết quả trễ so với giấy hẹn.",
    ],
}


def _weighted(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _answers(rng: random.Random, dossier: Dossier, *, was_supplemented: bool) -> dict:
    late = dossier.timeliness == Timeliness.LATE
    overall = _weighted(
        rng,
        {"very_satisfied": 0.2, "satisfied": 0.45, "not_satisfied": 0.35}
        if late
        else {"very_satisfied": 0.55, "satisfied": 0.38, "not_satisfied": 0.07},
    )
    attitude = {
        "very_satisfied": {"courteous": 0.95, "ordinary": 0.05},
        "satisfied": {"courteous": 0.6, "ordinary": 0.4},
        "not_satisfied": {"ordinary": 0.5, "poor": 0.5},
    }[overall]
    answers = {
        "overall": overall,
        "time_versus_limit": {
            Timeliness.EARLY: "earlier",
            Timeliness.ON_TIME: "on_time",
            Timeliness.LATE: "later",
        }.get(dossier.timeliness, ""),
        "bodies_contacted": _weighted(rng, {"one": 0.85, "two": 0.12, "three_or_more": 0.03}),
        "contacts_needed": _weighted(
            rng,
            {"twice": 0.7, "three_or_more": 0.3} if was_supplemented else {"once": 0.85, "twice": 0.15},
        ),
        "one_stop_handling": _weighted(rng, {"fully": 0.92, "partly": 0.08}),
        "publication": _weighted(rng, {"full": 0.8, "partial": 0.17, "none": 0.03}),
        "staff_attitude": _weighted(rng, attitude),
        "petition_response": "unsatisfactory"
        if overall == "not_satisfied" and rng.random() < 0.3
        else "not_applicable",
        "online_service": _weighted(rng, {"good": 0.7, "fair": 0.25, "poor": 0.05})
        if dossier.channel in (Channel.ONLINE, Channel.ASSISTED_ONLINE)
        else "not_used",
    }
    # Not everybody answers the optional questions or writes a comment.
    for name in ("bodies_contacted", "publication", "petition_response", "online_service"):
        if rng.random() < 0.25:
            answers[name] = ""
    if rng.random() < 0.2:
        answers["comment"] = rng.choice(COMMENTS[overall])
    return answers


def demo_ratings_load(*, share: float = DEMO_RATED_SHARE, seed: int = 2026) -> dict[str, int]:
    """Rate about `share` of the returned dossiers that have no rating yet. Idempotent: whether a dossier is
    rated, and how, depends only on the seed and its id, so a second run adds nothing."""
    now = timezone.now()
    made = skipped = 0
    # One line per rating would drown the demo's console.
    logging.getLogger("motcua.ratings").setLevel(logging.WARNING)
    dossiers = (
        Dossier.objects.filter(status=Status.RETURNED, rating__isnull=True, returned_at__isnull=False)
        .select_related("owner")
        .order_by("pk")
    )
    supplemented = set(
        dossiers.filter(events__action=Action.REQUEST_SUPPLEMENT).values_list("pk", flat=True).distinct()
    )
    for dossier in dossiers:
        rng = random.Random(f"{seed}-{dossier.pk}")
        if rng.random() >= share:
            continue
        if dossier.owner_id is not None and rng.random() < 0.7:
            channel, actor = RatingChannel.ONLINE, dossier.owner
            delay = timedelta(hours=rng.uniform(1, 72))
        elif rng.random() < 0.65:
            channel, actor = RatingChannel.KIOSK, None
            delay = timedelta(minutes=rng.uniform(1, 10))
        else:
            channel, actor = RatingChannel.QR, None
            delay = timedelta(hours=rng.uniform(0.5, 72))
        at = min(dossier.returned_at + delay, now - timedelta(minutes=1))
        if at < dossier.returned_at:
            skipped += 1
            continue
        try:
            rating_submit(
                dossier=dossier,
                answers=_answers(rng, dossier, was_supplemented=dossier.pk in supplemented),
                channel=channel,
                actor=actor,
                at=at,
            )
        except DomainError:
            skipped += 1
            continue
        made += 1
    return {"ratings": made, "skipped": skipped}
