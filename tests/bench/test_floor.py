"""The bench-only floor endpoint (bench/floor_urls.py) that `load_http.py --floor` measures against ping: it
answers a dossier's status by its code, and the application's own routes still resolve behind it."""

import sys
from pathlib import Path

import pytest
from django.test import override_settings

from motcua.dossiers.services import dossier_intake
from tests.factories import dossier_world, intake_data

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

pytestmark = pytest.mark.django_db


@override_settings(ROOT_URLCONF="floor_urls")
def test_floor_reads_the_status_by_code_and_the_application_still_answers(client):
    w = dossier_world()
    dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    assert client.get(f"/floor/query/{dossier.code}").json() == {"status": "received"}
    assert client.get("/floor/query/H12-000000-0000").json() == {"status": None}
    assert client.get("/api/v1/ping").json() == {"ok": True}
