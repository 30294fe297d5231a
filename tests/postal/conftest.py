from datetime import datetime

import pytest
import time_machine

from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world
from tests.postal.doubles import DOUBLE, RecordingPostOffice

# Monday 2 March 2026, 09:00: a working day before the 15:00 cut-off.
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def post_office(settings):
    settings.MOTCUA_POSTAL_ADAPTER = DOUBLE
    RecordingPostOffice.reset()
    yield RecordingPostOffice
    RecordingPostOffice.reset()


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(db, clock):
    return dossier_world()
