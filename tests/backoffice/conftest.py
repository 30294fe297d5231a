from datetime import datetime

import pytest
import time_machine

from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world

# Monday 2 March 2026, 08:00: a working day well before the 15:00 cut-off.
MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(db, clock):
    return dossier_world()


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user
