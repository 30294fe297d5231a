import pytest
import time_machine

from motcua.accounts.services import api_token_issue
from motcua.appointments.models import Appointment
from tests.factories import dossier_world

from .helpers import NOW, TUESDAY_0800, guidance, queue_group

pytestmark = pytest.mark.django_db
BOOK = {"holder_name": "Trần Thị Mai", "phone": "0912345678", "email": "mai@example.vn"}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock):
    return dossier_world()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


def test_book_cancel_reschedule_and_check_in_through_the_api(client, w, clock):
    service = guidance(w)
    listed = client.get("/api/v1/appointments/services?unit=H12.99").json()
    assert [s["id"] for s in listed] == [service.pk] and listed[0]["kind"] == "guidance"
    slots = client.get(
        f"/api/v1/appointments/services/{service.pk}/slots?from=2026-03-03&to=2026-03-03"
    ).json()
    assert (
        len(slots) == 16 and slots[2]["start"] == "2026-03-03T08:00:00+07:00" and slots[2]["remaining"] == 2
    )

    response = client.post(
        "/api/v1/appointments",
        {**BOOK, "service_id": service.pk, "start": slots[2]["start"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert response.json()["status"] == "booked"

    wrong = client.post(
        f"/api/v1/appointments/{code}/cancel", {"phone": "0000"}, content_type="application/json"
    )
    assert wrong.status_code == 404
    moved = client.post(
        f"/api/v1/appointments/{code}/reschedule",
        {"phone": "5678", "start": "2026-03-03T08:30:00+07:00"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["start"] == "2026-03-03T08:30:00+07:00"

    queue_group(w.centre)
    clock.move_to(TUESDAY_0800)
    assert (
        client.post(f"/api/v1/appointments/{code}/check-in", **bearer(w.commune_receiver)).status_code == 404
    )
    checked = client.post(f"/api/v1/appointments/{code}/check-in", **bearer(w.receiver))
    assert checked.status_code == 200 and checked.json()["status"] == "checked_in"
    assert checked.json()["queue_ticket"]
    again = client.post(
        f"/api/v1/appointments/{code}/cancel", {"phone": "5678"}, content_type="application/json"
    )
    assert again.status_code == 409


def test_booking_errors_and_account_bookings(client, w):
    service = guidance(w, capacity=1)
    bad = client.post(
        "/api/v1/appointments",
        {**BOOK, "phone": "123", "service_id": service.pk, "start": "2026-03-03T08:10:00+07:00"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "phone" in bad.json()["error"]["details"]
    mine = client.post(
        "/api/v1/appointments",
        {**BOOK, "service_id": service.pk, "start": "2026-03-03T08:00:00+07:00"},
        content_type="application/json",
        **bearer(w.citizen),
    )
    assert mine.status_code == 201
    full = client.post(
        "/api/v1/appointments",
        {**BOOK, "phone": "0911000001", "service_id": service.pk, "start": "2026-03-03T08:00:00+07:00"},
        content_type="application/json",
    )
    assert full.status_code == 409
    code = mine.json()["code"]
    assert [a["code"] for a in client.get("/api/v1/appointments/mine", **bearer(w.citizen)).json()] == [code]
    assert client.get("/api/v1/appointments/mine", **bearer(w.other_citizen)).json() == []
    # The owner needs no digits; another citizen sees a 404.
    assert client.get(f"/api/v1/appointments/{code}", **bearer(w.citizen)).status_code == 200
    assert client.get(f"/api/v1/appointments/{code}", **bearer(w.other_citizen)).status_code == 404
    cancelled = client.post(
        f"/api/v1/appointments/{code}/cancel", {}, content_type="application/json", **bearer(w.citizen)
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_public_booking_is_rate_limited(client, w, settings):
    settings.MOTCUA_APPOINTMENT_BOOK_RATE_PER_HOUR = 2
    service = guidance(w, capacity=5, max_active_per_person=5)
    statuses = [
        client.post(
            "/api/v1/appointments",
            {**BOOK, "service_id": service.pk, "start": "2026-03-03T08:00:00+07:00"},
            content_type="application/json",
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [201, 201, 429] and Appointment.objects.count() == 2


def test_slot_range_is_bounded(client, w):
    service = guidance(w)
    assert (
        client.get(
            f"/api/v1/appointments/services/{service.pk}/slots?from=2026-03-01&to=2026-06-01"
        ).status_code
        == 422
    )
    assert client.get("/api/v1/appointments/services/999/slots").status_code == 404
