from datetime import datetime, time
from decimal import Decimal

from django.conf import settings

from .calendar import WorkingCalendar, calendar_from
from .enums import OverrideKind
from .models import CalendarOverride


def _cutoff() -> time:
    hours, minutes = settings.MOTCUA_CUTOFF_TIME.split(":")
    return time(int(hours), int(minutes))


def calendar_overrides() -> dict:
    return {
        row_date: kind == OverrideKind.WORKING_DAY
        for row_date, kind in CalendarOverride.objects.values_list("date", "kind")
    }


def calendar_for_unit(unit=None) -> WorkingCalendar:
    """The province's calendar with `unit`'s office hours (its own, its parent's, or the default)."""
    periods = unit.office_periods() if unit is not None else None
    return calendar_from(periods=periods, overrides=calendar_overrides(), cutoff=_cutoff())


def deadline_compute(*, unit=None, start: datetime, amount: Decimal | float, kind: str) -> datetime:
    return calendar_for_unit(unit).deadline(start, amount, kind)
