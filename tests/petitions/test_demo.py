import pytest
import time_machine

from motcua.petitions.demo import demo_load
from motcua.petitions.models import Petition
from tests.factories import dossier_world
from tests.petitions.helpers import at

pytestmark = pytest.mark.django_db


def test_demo_loads_a_dozen_petitions_in_various_states_once():
    with time_machine.travel(at(2026, 3, 20, 10, 0), tick=False):
        dossier_world()
        assert demo_load() == {"petitions": 12}
        assert demo_load() == {"petitions": 0}
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert statuses == {"received", "assigned", "in_progress", "extended", "answered", "closed", "rejected"}
    assert Petition.objects.filter(is_published=True).count() == 4
    assert not Petition.objects.filter(privacy="private", is_published=True).exists()
