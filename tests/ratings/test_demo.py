"""Demo ratings: a share of the returned dossiers, through the real service, idempotent."""

import pytest
import time_machine

from motcua.demo.ratings import demo_ratings_load
from motcua.ratings.models import Rating
from tests.factories import dossier_world

from .helpers import at, received, returned

pytestmark = pytest.mark.django_db


def test_demo_ratings_rate_a_share_of_returned_dossiers_once():
    with time_machine.travel(at(2026, 4, 20, 10, 0), tick=False):
        w = dossier_world()
        done = [returned(w, when=at(2026, 3, day, 8, 0), late=day % 3 == 0) for day in range(2, 26)]
        done.append(returned(w, when=at(2026, 3, 26, 8, 0), owner=w.citizen))
        open_dossier = received(w, when=at(2026, 3, 27, 8, 0))

        assert demo_ratings_load(share=0) == {"ratings": 0, "skipped": 0}
        first = demo_ratings_load(share=0.6)
        assert 0 < first["ratings"] < len(done) and first["skipped"] == 0
        assert demo_ratings_load(share=0.6)["ratings"] == 0  # a second run adds nothing
        everything = demo_ratings_load(share=1)
        assert first["ratings"] + everything["ratings"] == len(done)

    ratings = list(Rating.objects.select_related("dossier"))
    assert open_dossier.pk not in {r.dossier_id for r in ratings}
    for rating in ratings:
        assert rating.dossier.returned_at <= rating.created_at < at(2026, 4, 20, 10, 0)
        expected = {"early": "earlier", "on_time": "on_time", "late": "later"}[rating.dossier.timeliness]
        assert rating.time_versus_limit == expected
        assert rating.officer == w.receiver and rating.unit == w.centre
        if rating.channel == "online":
            assert rating.rated_by == w.citizen
    assert {r.channel for r in ratings} <= {"kiosk", "qr", "online"}
