"""The queue API: a kiosk client takes a number, the board shows it, an officer works it through the counter
endpoints and links the dossier; figures."""

from datetime import timedelta

import pytest
import time_machine

from motcua.accounts.services import api_token_issue
from motcua.dossiers.services import dossier_intake
from motcua.queues.models import Ticket
from tests.factories import dossier_world, intake_data
from tests.queues.helpers import NOW, queue_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    traveller = time_machine.travel(NOW, tick=False)
    traveller.start()
    yield queue_setup(dossier_world())
    traveller.stop()


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


def post(client, url, data=None, **headers):
    return client.post(url, data or {}, content_type="application/json", **headers)


def test_ticket_to_dossier_through_the_api(w, client):
    groups = client.get("/api/v1/queue/H12.99/groups").json()
    assert [g["code"] for g in groups] == ["A", "B"]
    first = post(client, "/api/v1/queue/tickets", {"unit": "H12.99", "group": "a"})
    assert first.status_code == 201
    second = post(
        client, "/api/v1/queue/tickets", {"unit": "H12.99", "group": "A", "priority_reason": "disabled"}
    )
    body = second.json()
    assert (body["number"], body["is_priority"], body["people_ahead"]) == ("A002", True, 0)
    assert client.get(f"/api/v1/queue/tickets/{first.json()['token']}").json()["people_ahead"] == 1

    headers = auth(w.receiver)
    assert [c["number"] for c in client.get("/api/v1/queue/counters", **headers).json()] == [1, 2, 3]
    called = post(client, f"/api/v1/queue/counters/{w.counter1.pk}/call-next", **headers).json()
    assert called["current"]["number"] == "A002" and called["current"]["status"] == "called"
    board = client.get("/api/v1/queue/H12.99/board").json()
    assert board["last_call"]["number"] == "A002" and board["last_call"]["counter"] == 1
    assert board["counters"][0]["current"] == "A002"
    assert board["waiting"] == [
        {"group": "A", "name": "Tư pháp – Hộ tịch", "waiting": 1},
        {"group": "B", "name": "Xây dựng – Đất đai", "waiting": 0},
    ]
    url = f"/api/v1/queue/counters/{w.counter1.pk}/actions"
    assert post(client, f"{url}/recall", **headers).json()["current"]["call_count"] == 2
    assert post(client, f"{url}/serve", **headers).json()["current"]["status"] == "serving"
    dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    linked = post(client, f"{url}/link-dossier", {"dossier": dossier.code}, **headers).json()
    assert linked["current"]["dossiers"] == [dossier.code]
    moved = post(client, f"{url}/transfer", {"counter": 3}, **headers).json()
    assert moved["current"] is None
    assert Ticket.objects.get(number="A002").target_counter == w.counter3
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        c3 = post(client, f"/api/v1/queue/counters/{w.counter3.pk}/call-next", **headers).json()
    assert c3["current"]["number"] == "A002"


def test_api_errors(w, client):
    assert post(client, "/api/v1/queue/tickets", {"unit": "H12.99", "group": "Z"}).status_code == 422
    assert post(client, "/api/v1/queue/tickets", {"unit": "H12.04", "group": "A"}).status_code == 404
    bad_priority = post(
        client, "/api/v1/queue/tickets", {"unit": "H12.99", "group": "A", "priority_reason": "x"}
    )
    assert bad_priority.status_code == 422
    headers = auth(w.receiver)
    empty = post(client, f"/api/v1/queue/counters/{w.counter1.pk}/call-next", **headers)
    assert (
        empty.status_code == 404
        and empty.json()["error"]["message"] == "Không còn số nào đang chờ ở quầy này."
    )
    unknown = post(client, f"/api/v1/queue/counters/{w.counter1.pk}/actions/dance", **headers)
    assert unknown.status_code == 422
    other = post(client, f"/api/v1/queue/counters/{w.counter1.pk}/call-next", **auth(w.commune_receiver))
    assert other.status_code == 404
    assert Ticket.objects.count() == 0


def test_figures_api(w, client):
    from motcua.queues.services import ticket_call_next, ticket_issue, ticket_no_show

    ticket_issue(unit=w.centre, group=w.group_a)
    with time_machine.travel(NOW + timedelta(minutes=4), tick=False):
        ticket_call_next(counter=w.counter1, officer=w.receiver)
        ticket_no_show(counter=w.counter1, officer=w.receiver)
    data = client.get(
        "/api/v1/queue/figures?unit=H12.99&from=2026-03-02&to=2026-03-02", **auth(w.supervisor)
    ).json()
    assert data["total"]["issued"] == 1 and data["total"]["no_show"] == 1
    assert data["total"]["average_wait_minutes"] == 4.0 and data["total"]["average_service_minutes"] is None
    assert data["by_counter"][0]["key"] == "Quầy 1 — Tư pháp"
    assert data["by_hour"][0]["key"] == "09:00–10:00"
