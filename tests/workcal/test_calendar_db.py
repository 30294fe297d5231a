from datetime import date, datetime, time

import pytest
import time_machine

from motcua.workcal.calendar import LOCAL_TZ
from motcua.workcal.enums import OverrideKind
from motcua.workcal.selectors import calendar_for_unit, deadline_compute
from motcua.workcal.services import calendar_override_remove, calendar_override_set
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def test_administrator_days_off_and_make_up_days_change_deadlines():
    unit = UnitFactory()
    start = at(2026, 3, 2, 10, 0)
    assert deadline_compute(unit=unit, start=start, amount=1, kind="working_days") == at(2026, 3, 3, 10, 0)
    calendar_override_set(day=date(2026, 3, 3), kind=OverrideKind.DAY_OFF, name="Nghỉ bão")
    assert deadline_compute(unit=unit, start=start, amount=1, kind="working_days") == at(2026, 3, 4, 10, 0)
    calendar_override_set(day=date(2026, 3, 7), kind=OverrideKind.WORKING_DAY, name="Làm bù")
    assert calendar_for_unit(unit).is_working_day(date(2026, 3, 7))
    assert calendar_override_remove(day=date(2026, 3, 3))
    assert deadline_compute(unit=unit, start=start, amount=1, kind="working_days") == at(2026, 3, 3, 10, 0)


def test_unit_without_hours_inherits_its_parents():
    parent = UnitFactory(
        morning_start=time(7, 30),
        morning_end=time(11, 30),
        afternoon_start=time(13, 30),
        afternoon_end=time(17, 0),
    )
    child = UnitFactory(
        parent=parent, morning_start=None, morning_end=None, afternoon_start=None, afternoon_end=None
    )
    cal = calendar_for_unit(child)
    assert cal.counting_start(at(2026, 3, 2, 7, 0)) == at(2026, 3, 2, 7, 30)


@time_machine.travel(at(2026, 2, 13, 15, 30), tick=False)
def test_deadline_api_defaults_to_now_with_frozen_time(client):
    UnitFactory(agency_code="H12.30")
    response = client.get("/api/v1/calendar/deadline", {"unit": "H12.30", "amount": 1, "kind": "same_day"})
    assert response.status_code == 200
    assert response.json() == {"due": "2026-02-23T17:00:00+07:00"}
