"""The overrides are cached between deadlines; any edit (service, admin, model) must reach the next one."""

from datetime import date

import pytest

from motcua.workcal.enums import OverrideKind
from motcua.workcal.models import CalendarOverride
from motcua.workcal.selectors import calendar_for_unit
from motcua.workcal.services import calendar_override_remove, calendar_override_set

pytestmark = pytest.mark.django_db

SATURDAY = date(2026, 8, 29)
MONDAY = date(2026, 6, 15)


def test_an_override_reaches_the_next_calendar_at_once_and_reads_once(django_assert_num_queries):
    assert not calendar_for_unit(None).is_working_day(SATURDAY)
    calendar_override_set(day=SATURDAY, kind=OverrideKind.WORKING_DAY, name="Làm bù")
    assert calendar_for_unit(None).is_working_day(SATURDAY)
    with django_assert_num_queries(0):
        calendar_for_unit(None)
    calendar_override_remove(day=SATURDAY)
    assert not calendar_for_unit(None).is_working_day(SATURDAY)
    # An edit straight through the model (the Django admin) too.
    assert calendar_for_unit(None).is_working_day(MONDAY)
    CalendarOverride.objects.create(date=MONDAY, kind=OverrideKind.DAY_OFF, name="Nghỉ")
    assert not calendar_for_unit(None).is_working_day(MONDAY)
