"""rating_submit: only returned dossiers, once per dossier, by the right person; the answers validated."""

from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction

from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.dossiers.enums import Action
from motcua.dossiers.services import dossier_transition
from motcua.ratings.enums import Overall, RatingChannel
from motcua.ratings.models import Rating
from motcua.ratings.services import rating_submit
from tests.factories import StaffRoleFactory, UserFactory, dossier_world

from .helpers import ANSWERS, at, received, resolved, returned

pytestmark = pytest.mark.django_db
NOW = at(2026, 3, 20, 10, 0)


@pytest.fixture
def w():
    with time_machine.travel(NOW, tick=False):
        yield dossier_world()


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_returned_dossier_is_rated_once_with_unit_and_returning_officer(w, clock):
    returner = UserFactory(username="tiepnhan_tra")
    StaffRoleFactory(user=returner, unit=w.centre, role="receiving_officer")
    dossier = returned(w, when=at(2026, 3, 2, 8, 0), returner=returner)
    rating = rating_submit(
        dossier=dossier,
        answers={
            "overall": "very_satisfied",
            "time_versus_limit": "earlier",
            "staff_attitude": "courteous",
            "comment": "  Cán bộ hướng dẫn tận tình.  ",
        },
        channel=RatingChannel.KIOSK,
    )
    rating.refresh_from_db()
    assert (rating.overall, rating.channel, rating.unit, rating.officer) == (
        Overall.VERY_SATISFIED,
        "kiosk",
        w.centre,
        returner,  # who handed the result back, not who received the dossier
    )
    assert (rating.time_versus_limit, rating.staff_attitude, rating.contacts_needed) == (
        "earlier",
        "courteous",
        "",
    )
    assert rating.comment == "Cán bộ hướng dẫn tận tình."
    assert rating.created_at == NOW
    assert rating.rated_by is None

    with pytest.raises(InvalidTransition) as refused:
        rating_submit(dossier=dossier, answers={"overall": "not_satisfied"}, channel=RatingChannel.QR)
    assert refused.value.message == "Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần."
    assert Rating.objects.get().overall == Overall.VERY_SATISFIED


def test_the_database_refuses_a_second_rating_of_a_dossier(w, clock):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0))
    first = rating_submit(dossier=dossier, answers=ANSWERS, channel=RatingChannel.QR)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(dossier=dossier, overall="satisfied", channel="qr", unit=first.unit)


@pytest.mark.parametrize("stage", ["received", "result_ready", "stopped"])
def test_nothing_to_rate_before_the_result_is_returned(w, clock, stage):
    if stage == "received":
        dossier = received(w, when=at(2026, 3, 2, 8, 0))
    elif stage == "result_ready":
        dossier = resolved(w, when=at(2026, 3, 2, 8, 0))
    else:
        dossier = received(w, when=at(2026, 3, 2, 8, 0))
        dossier = dossier_transition(dossier=dossier, action=Action.STOP, actor=w.receiver, note="Rút hồ sơ")
    with pytest.raises(InvalidTransition) as refused:
        rating_submit(dossier=dossier, answers=ANSWERS, channel=RatingChannel.QR)
    assert refused.value.message == (
        "Hồ sơ chưa trả kết quả. Bạn đánh giá được sau khi nhận kết quả giải quyết."
    )
    assert not Rating.objects.exists()


def test_online_only_by_the_dossiers_own_account(w, clock):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0), owner=w.citizen)
    for someone in (None, w.other_citizen, w.receiver):
        with pytest.raises(NotPermitted):
            rating_submit(dossier=dossier, answers=ANSWERS, channel=RatingChannel.ONLINE, actor=someone)
    rating = rating_submit(dossier=dossier, answers=ANSWERS, channel=RatingChannel.ONLINE, actor=w.citizen)
    assert rating.rated_by == w.citizen
    counter = returned(w, when=at(2026, 3, 3, 8, 0))  # no account: only the QR code or the tablet
    with pytest.raises(NotPermitted):
        rating_submit(dossier=counter, answers=ANSWERS, channel=RatingChannel.ONLINE, actor=w.citizen)


@pytest.mark.parametrize(
    ("answers", "channel", "field"),
    [
        ({}, "qr", "overall"),
        ({"overall": "rat_hai_long"}, "qr", "overall"),
        ({"overall": "satisfied", "staff_attitude": "rude"}, "qr", "staff_attitude"),
        ({"overall": "satisfied", "favourite_colour": "blue"}, "qr", "favourite_colour"),
        ({"overall": "satisfied", "comment": "x" * 2001}, "qr", "comment"),
        ({"overall": "satisfied"}, "sms", "channel"),
    ],
)
def test_bad_answers_are_refused_with_a_message_per_field(w, clock, answers, channel, field):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0))
    with pytest.raises(ValidationFailed) as refused:
        rating_submit(dossier=dossier, answers=answers, channel=channel)
    assert field in refused.value.details
    assert not Rating.objects.exists()


def test_replayed_ratings_may_not_lie_in_the_future_or_before_the_return(w, clock):
    dossier = returned(w, when=at(2026, 3, 2, 8, 0))
    with pytest.raises(ValidationFailed):
        rating_submit(dossier=dossier, answers=ANSWERS, channel="kiosk", at=at(2026, 3, 21, 8, 0))
    with pytest.raises(ValidationFailed):
        rating_submit(
            dossier=dossier, answers=ANSWERS, channel="kiosk", at=dossier.returned_at - timedelta(minutes=1)
        )
    rating = rating_submit(dossier=dossier, answers=ANSWERS, channel="kiosk", at=dossier.returned_at)
    assert rating.created_at == dossier.returned_at
