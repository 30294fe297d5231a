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
    return _calendar_data(None)[0]


def _periods_key(unit_id: int) -> str:
    return f"workcal:periods:{unit_id}"


def _calendar_data(unit) -> tuple[dict, tuple | None]:
    """The overrides and `unit`'s office hours in one cache read. A unit without hours of its own takes its
    parent's: resolving them walked up the tree one SELECT per level at every deadline (two per counter intake
    for a commune centre on the default hours). A save or delete of a unit clears its subtree's entries
    (apps.py)."""
    if unit is not None and unit.pk is None:  # not saved (a preview): nothing to key its hours by
        return _calendar_data(None)[0], unit.office_periods()
    keys = [OVERRIDES_CACHE_KEY] if unit is None else [OVERRIDES_CACHE_KEY, _periods_key(unit.pk)]
    found = cache.get_many(keys)
    overrides = found.get(OVERRIDES_CACHE_KEY)
    if overrides is None:
        overrides = {
            row_date: kind == OverrideKind.WORKING_DAY
            for row_date, kind in CalendarOverride.objects.values_list("date", "kind")
        }
        cache.set(OVERRIDES_CACHE_KEY, overrides, OVERRIDES_CACHE_SECONDS)
    if unit is None:
        return dict(overrides), None
    periods = found.get(_periods_key(unit.pk))
    if periods is None:
        periods = unit.office_periods()
        cache.set(_periods_key(unit.pk), periods, OVERRIDES_CACHE_SECONDS)
    return dict(overrides), periods


def calendar_overrides_changed(**kwargs) -> None:
    cache.delete(OVERRIDES_CACHE_KEY)


def unit_hours_changed(unit_id: int, *, created: bool = False) -> None:
    """A new unit has nobody below it yet: its own entry only (the demo load creates hundreds)."""
    from motcua.org.selectors import unit_subtree_ids

    ids = [unit_id] if created else unit_subtree_ids([unit_id])
    cache.delete_many([_periods_key(i) for i in ids])


def calendar_for_unit(unit=None) -> WorkingCalendar:
    """The province's calendar with `unit`'s office hours (its own, its parent's, or the default)."""
    overrides, periods = _calendar_data(unit)
    return calendar_from(periods=periods, overrides=overrides, cutoff=_cutoff())


def deadline_compute(*, unit=None, start: datetime, amount: Decimal | float, kind: str) -> datetime:
    return calendar_for_unit(unit).deadline(start, amount, kind)
