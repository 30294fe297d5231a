"""All working-time arithmetic of motcua lives here (DESIGN §7, legal-spec §5).

Rules:
- Working days are Monday–Friday and make-up Saturdays, minus public holidays and official days off.
  Holidays come from the `holidays` library (Vietnam, lunar days and the yearly swaps included); the
  province's administrators add or remove days with `CalendarOverride` rows.
- Working time runs only inside a unit's office periods (morning and afternoon). One working day counts as
  8 working hours; where a unit's office day is longer or shorter, an hour is an eighth of its office day,
  so that "N working days" always lands at the same clock time N working days later.
- A dossier received after the 15:00 cut-off starts counting at the opening of the next working day;
  a same-day procedure received after 15:00 is due at the end of the next working day.
- Calendar-day periods start the day after the event and, when their last day is a day off, end at the
  end of the next working day (Civil Code 2015 Art. 147–148).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from .enums import DeadlineKind

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS_PER_DAY = 8
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(7, 0), time(11, 0)), (time(13, 0), time(17, 0)))
DEFAULT_CUTOFF = time(15, 0)
# Bound on any walk across the calendar: no legal period in the catalogue comes near ten years.
_MAX_DAYS = 3660


@lru_cache(maxsize=64)
def _library_year(year: int) -> tuple[frozenset[date], frozenset[date], dict[date, str]]:
    vn = holidays.country_holidays("VN", years=year, language="vi")
    days_off = frozenset(d for d in vn if d.year == year)
    workdays = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)
    names = {d: vn.get(d) for d in days_off}
    return days_off, workdays, names


def library_days(year: int) -> list[tuple[date, str, bool]]:
    """The library's view of a year: (date, name, is_working_day) for holidays and make-up working days."""
    days_off, workdays, names = _library_year(year)
    rows = [(d, names[d], False) for d in days_off]
    rows += [(d, "Ngày làm việc bù", True) for d in workdays]
    return sorted(rows)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime: working-time arithmetic needs a timezone")
    return value.astimezone(LOCAL_TZ)


@dataclass(frozen=True)
class WorkingCalendar:
    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    cutoff: time = DEFAULT_CUTOFF
    # date -> True (working) / False (day off); takes precedence over weekends and the library.
    overrides: Mapping[date, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("a working calendar needs at least one office period")
        for start, end in self.periods:
            if not start < end:
                raise ValueError("office period must end after it starts")

    # --- days -------------------------------------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        days_off, workdays, _ = _library_year(day.year)
        if day in workdays:
            return True
        if day in days_off:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: date, *, include_today: bool = False) -> date:
        current = day if include_today else day + timedelta(days=1)
        for _ in range(_MAX_DAYS):
            if self.is_working_day(current):
                return current
            current += timedelta(days=1)
        raise ValueError("no working day within ten years")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in [start, end]."""
        count = 0
        current = start
        while current <= end:
            count += self.is_working_day(current)
            current += timedelta(days=1)
        return count

    # --- instants ---------------------------------------------------------------------------------------
    @property
    def day_seconds(self) -> float:
        return sum(
            (datetime.combine(date.min, e) - datetime.combine(date.min, s)).total_seconds()
            for s, e in self.periods
        )

    @property
    def _seconds_per_working_hour(self) -> float:
        return self.day_seconds / HOURS_PER_DAY

    def _periods_on(self, day: date) -> list[tuple[datetime, datetime]]:
        return [
            (datetime.combine(day, s, tzinfo=LOCAL_TZ), datetime.combine(day, e, tzinfo=LOCAL_TZ))
            for s, e in self.periods
        ]

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.periods[0][0], tzinfo=LOCAL_TZ)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.periods[-1][1], tzinfo=LOCAL_TZ)

    def is_after_cutoff(self, instant: datetime) -> bool:
        local = _aware(instant)
        return local.time().replace(microsecond=0) > self.cutoff

    def counting_start(self, instant: datetime, *, apply_cutoff: bool = True) -> datetime:
        """Where a period starts counting: the instant itself inside office hours; otherwise the next
        opening of an office period. After the cut-off, the opening of the next working day."""
        local = _aware(instant)
        day = local.date()
        if self.is_working_day(day) and not (apply_cutoff and self.is_after_cutoff(local)):
            for start, end in self._periods_on(day):
                if local < end:
                    return max(local, start)
        return self.opening(self.next_working_day(day))

    def add_working_hours(self, instant: datetime, hours: float | Decimal) -> datetime:
        """Walk `hours` working hours forward through office periods. A walk that ends exactly at the end of
        a period stays there (17:00 today, not 07:00 tomorrow)."""
        remaining = float(hours) * self._seconds_per_working_hour
        if remaining < 0:
            raise ValueError("cannot walk a negative duration")
        local = _aware(instant)
        day = local.date()
        for _ in range(_MAX_DAYS):
            if self.is_working_day(day):
                for start, end in self._periods_on(day):
                    if local >= end:
                        continue
                    begin = max(local, start)
                    available = (end - begin).total_seconds()
                    if remaining <= available:
                        return begin + timedelta(seconds=round(remaining))
                    remaining -= available
            day = self.next_working_day(day)
            local = self.opening(day)
        raise ValueError("period runs beyond ten years")

    def add_working_days(
        self, instant: datetime, days: float | Decimal, *, apply_cutoff: bool = True
    ) -> datetime:
        start = self.counting_start(instant, apply_cutoff=apply_cutoff)
        return self.add_working_hours(start, float(days) * HOURS_PER_DAY)

    def same_day_due(self, instant: datetime) -> datetime:
        """Same-day procedure ("trong ngày"): the end of today; after 15:00 or on a day off, the end of the
        next working day (legal-spec §5.3)."""
        local = _aware(instant)
        day = local.date()
        if self.is_working_day(day) and not self.is_after_cutoff(local) and local < self.closing(day):
            return self.closing(day)
        return self.closing(self.next_working_day(day))

    def add_calendar_days(self, instant: datetime, days: int) -> datetime:
        """Civil Code Art. 147: counting starts the next day; Art. 148: a last day that is a day off moves to
        the next working day. The period ends when that day's office closes."""
        local = _aware(instant)
        last = local.date() + timedelta(days=int(days))
        if not self.is_working_day(last):
            last = self.next_working_day(last)
        return self.closing(last)

    def deadline(self, start: datetime, amount: float | Decimal, kind: str) -> datetime:
        if kind == DeadlineKind.WORKING_DAYS:
            return self.add_working_days(start, amount)
        if kind == DeadlineKind.WORKING_HOURS:
            return self.add_working_hours(self.counting_start(start, apply_cutoff=False), amount)
        if kind == DeadlineKind.CALENDAR_DAYS:
            if Decimal(amount) != Decimal(int(amount)):
                raise ValueError("a calendar-day period is a whole number of days")
            return self.add_calendar_days(start, int(amount))
        if kind == DeadlineKind.SAME_DAY:
            return self.same_day_due(start)
        raise ValueError(f"unknown deadline kind: {kind}")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours elapsed in [start, end] (negative when end < start). Pauses and step timing use it."""
        a, b = _aware(start), _aware(end)
        if b < a:
            return -self.working_hours_between(b, a)
        seconds = 0.0
        day = a.date()
        for _ in range(_MAX_DAYS + 1):
            if day > b.date():
                break
            if self.is_working_day(day):
                for p_start, p_end in self._periods_on(day):
                    lo, hi = max(a, p_start), min(b, p_end)
                    if hi > lo:
                        seconds += (hi - lo).total_seconds()
            day += timedelta(days=1)
        return seconds / self._seconds_per_working_hour


def calendar_from(
    *,
    periods: Iterable[tuple[time, time]] | None = None,
    overrides: Mapping[date, bool] | None = None,
    cutoff: time | None = None,
) -> WorkingCalendar:
    return WorkingCalendar(
        periods=tuple(periods) if periods else DEFAULT_PERIODS,
        cutoff=cutoff or DEFAULT_CUTOFF,
        overrides=dict(overrides or {}),
    )
