import pytest

from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("start", "amount", "kind", "due"),
    [
        ("2026-02-13T10:00:00+07:00", "3", "working_days", "2026-02-25T10:00:00+07:00"),
        ("2026-02-13T03:00:00Z", "1", "working_days", "2026-02-23T10:00:00+07:00"),
        ("2026-03-02T15:30:00+07:00", "0", "same_day", "2026-03-03T17:00:00+07:00"),
        ("2026-03-02T10:00:00+07:00", "2", "working_hours", "2026-03-02T14:00:00+07:00"),
        ("2026-08-25T10:00:00+07:00", "6", "calendar_days", "2026-09-03T17:00:00+07:00"),
        ("2026-08-21T10:00:00+07:00", "1", "working_days", "2026-08-22T10:00:00+07:00"),
    ],
)
def test_deadline(client, start, amount, kind, due):
    UnitFactory(agency_code="H12.04")
    response = client.get(
        "/api/v1/calendar/deadline", {"unit": "H12.04", "start": start, "amount": amount, "kind": kind}
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"due": due}


def test_deadline_errors_use_the_one_error_shape(client):
    UnitFactory(agency_code="H12.04")
    unknown = client.get("/api/v1/calendar/deadline", {"unit": "H99.99", "amount": 1, "kind": "working_days"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    assert "H99.99" in unknown.json()["error"]["message"]
    bad_kind = client.get("/api/v1/calendar/deadline", {"unit": "H12.04", "amount": 1, "kind": "weeks"})
    assert bad_kind.status_code == 422
    assert bad_kind.json()["error"]["code"] == "validation_failed"
    naive = client.get(
        "/api/v1/calendar/deadline",
        {"unit": "H12.04", "amount": 1, "kind": "working_days", "start": "2026-03-02T10:00:00"},
    )
    assert naive.status_code == 422
    assert "múi giờ" in naive.json()["error"]["message"]
    fractional = client.get(
        "/api/v1/calendar/deadline",
        {"unit": "H12.04", "amount": "1.5", "kind": "calendar_days", "start": "2026-03-02T10:00:00+07:00"},
    )
    assert fractional.status_code == 422
