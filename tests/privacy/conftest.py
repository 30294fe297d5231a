from datetime import datetime

import pytest
import time_machine

from motcua.accounts.services import api_token_issue
from motcua.dossiers.services import dossier_intake
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world, intake_data

MONDAY_MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(db, clock):
    return dossier_world()


@pytest.fixture
def dossier(w):
    """Received at the counter for the citizen `w.citizen` (the account is the dossier's owner)."""
    created = dossier_intake(data=intake_data(w), actor=w.receiver)
    created.owner = w.citizen
    created.save(update_fields=["owner"])
    return created


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}
