"""Officers' sessions end with the browser (counter PCs are shared) and after an idle hour in production;
citizens keep SESSION_COOKIE_AGE."""

from datetime import datetime, timedelta

import pytest
import time_machine

from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)


def test_an_officer_session_ends_with_the_browser_and_a_citizen_session_does_not(client):
    w = dossier_world()
    client.force_login(w.receiver)
    response = client.get("/can-bo/")
    assert response.status_code == 200
    assert client.session.get_expire_at_browser_close() is True
    assert response.cookies["sessionid"]["max-age"] == ""  # a browser-session cookie

    client.logout()
    client.force_login(w.citizen)
    assert client.get("/").status_code == 200
    assert client.session.get_expire_at_browser_close() is False


def test_an_idle_officer_is_signed_out(client, settings):
    settings.MOTCUA_STAFF_SESSION_IDLE_MINUTES = 60
    with time_machine.travel(MORNING, tick=False) as clock:
        w = dossier_world()
        client.force_login(w.receiver)
        assert client.get("/can-bo/").status_code == 200
        clock.move_to(MORNING + timedelta(minutes=59))
        assert client.get("/can-bo/").status_code == 200
        clock.move_to(MORNING + timedelta(minutes=59 + 59))
        assert client.get("/can-bo/").status_code == 200  # two hours in, but never an idle hour
        clock.move_to(MORNING + timedelta(minutes=59 + 59 + 61))
        idle = client.get("/can-bo/")
    assert idle.status_code == 302 and idle["Location"].startswith("/dang-nhap/")
    assert "_auth_user_id" not in client.session
