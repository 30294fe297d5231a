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


def test_a_units_inherited_hours_are_read_once_and_follow_an_edit_of_any_ancestor(django_assert_num_queries):
    # A commune centre on its province's hours: resolving them walked up the tree one SELECT per level at every
    # deadline. Cached per unit; a save of the unit or of any unit above it reaches the next calendar at once.
    from datetime import time

    from motcua.org.models import Unit
    from tests.factories import UnitFactory

    province = UnitFactory(morning_start=time(7, 30), morning_end=time(11, 30))
    commune = UnitFactory(
        parent=province, morning_start=None, morning_end=None, afternoon_start=None, afternoon_end=None
    )
    centre = UnitFactory(
        parent=commune, morning_start=None, morning_end=None, afternoon_start=None, afternoon_end=None
    )
    fresh = Unit.objects.get(pk=centre.pk)  # as a request reads it: no parent loaded
    assert calendar_for_unit(fresh).periods[0] == (time(7, 30), time(11, 30))
    with django_assert_num_queries(0):
        assert calendar_for_unit(fresh).periods[0] == (time(7, 30), time(11, 30))
        assert calendar_for_unit(Unit(pk=centre.pk)).periods[0] == (time(7, 30), time(11, 30))
    province.morning_start = time(8, 0)
    province.save()
    assert calendar_for_unit(Unit.objects.get(pk=centre.pk)).periods[0] == (time(8, 0), time(11, 30))
    # The unit's own hours, set on it: its entry goes.
    centre.morning_start, centre.morning_end = time(6, 30), time(10, 30)
    centre.save()
    assert calendar_for_unit(Unit.objects.get(pk=centre.pk)).periods[0] == (time(6, 30), time(10, 30))


def test_an_unsaved_unit_gets_its_own_hours_not_another_ones():
    from datetime import time

    from motcua.org.models import Unit

    early = Unit(morning_start=time(6, 0), morning_end=time(10, 0))
    late = Unit(morning_start=time(9, 0), morning_end=time(12, 0))
    assert calendar_for_unit(early).periods[0] == (time(6, 0), time(10, 0))
    assert calendar_for_unit(late).periods[0] == (time(9, 0), time(12, 0))
