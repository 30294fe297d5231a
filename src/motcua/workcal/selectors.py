from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache

from .calendar import WorkingCalendar, calendar_from
from .enums import OverrideKind
from .models import CalendarOverride


def _cutoff() -> time:
    hours, minutes = settings.MOTCUA_CUTOFF_TIME.split(":")
    return time(int(hours), int(minutes))


OVERRIDES_CACHE_KEY = "workcal:overrides"
# Without a shared cache (no REDIS_URL) another process sees an edit after at most this long.
OVERRIDES_CACHE_SECONDS = 300


def calendar_overrides() -> dict:
    """The province's holiday and working-day overrides, read once per cache period instead of at every
    deadline (an intake computes three); every save or delete of an override clears the cache (apps.py)."""
    overrides = cache.get(OVERRIDES_CACHE_KEY)
    if overrides is None:
        overrides = {
            row_date: kind == OverrideKind.WORKING_DAY
            for row_date, kind in CalendarOverride.objects.values_list("date", "kind")
        }
        cache.set(OVERRIDES_CACHE_KEY, overrides, OVERRIDES_CACHE_SECONDS)
    return dict(overrides)


def calendar_overrides_changed(**kwargs) -> None:
    cache.delete(OVERRIDES_CACHE_KEY)


def calendar_for_unit(unit=None) -> WorkingCalendar:
    """The province's calendar with `unit`'s office hours (its own, its parent's, or the default)."""
    periods = unit.office_periods() if unit is not None else None
    return calendar_from(periods=periods, overrides=calendar_overrides(), cutoff=_cutoff())


def deadline_compute(*, unit=None, start: datetime, amount: Decimal | float, kind: str) -> datetime:
    return calendar_for_unit(unit).deadline(start, amount, kind)
