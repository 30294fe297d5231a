"""Figures for the operations dashboard and the public figures pages (issue "Figures" §3).

The definitions are those of `summary` (docs/reports.md): a dossier belongs to a unit when its competent or
its receiving unit lies in the unit's subtree, and is counted once. The series read the pre-aggregated day
and month sums (reports/figures.py); only the overdue-now figure reads the open dossiers themselves, through
the (unit, status, due date) indexes. Python fills the empty days and sums the aggregated groups of the
subtrees, never walks the dossiers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from motcua.dossiers.enums import OPEN_STATUSES, Channel, Timeliness
from motcua.dossiers.models import Dossier
from motcua.org.models import Unit
from motcua.org.selectors import unit_subtree_ids, unit_tree_children
from motcua.workcal.calendar import LOCAL_TZ

from .figures import PeriodSums, month_end, period_sums, unit_scope
from .index766 import SUMS_KEY, index766
from .models import FigureDelta, Grain
from .selectors import Summary, period_bounds, period_measures, scoped_unit, summary

ONLINE_CHANNELS = (Channel.ONLINE, Channel.ASSISTED_ONLINE)
ON_TIME = (Timeliness.EARLY, Timeliness.ON_TIME)
# Longer periods show the on-time rate per month rather than per week.
WEEKLY_UP_TO_DAYS = 92
# Up to two months the received chart has a bar per day with its counts; longer periods group the days into
# the on-time chart's weeks or months. A year of days was 365 stacked bars 1.4 canvas units wide, which
# nobody could read or print, and 0.4 s of pygal on every load of the page (docs/performance.md).
DAILY_UP_TO_DAYS = 62


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def _scope(unit: Unit | None) -> Q:
    if unit is None:
        return Q()
    subtree = unit_subtree_ids([unit.pk])
    return Q(competent_unit_id__in=subtree) | Q(receiving_unit_id__in=subtree)


# --- dashboard series ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RatePoint:
    start: date  # first day of the week or month
    resolved: int
    on_time: int  # early + on time

    @property
    def rate(self) -> float | None:
        return _ratio(self.on_time, self.resolved)


@dataclass(frozen=True)
class UnitCount:
    code: str
    name: str
    value: int | float | None
    # The points the value could reach: for the 766 index, the maxima of the indicators actually scored, so
    # that a partial score is never read as out of 100.
    maximum: int | None = None


def _series_rows(*, unit: Unit | None, date_from: date, date_to: date) -> list[dict]:
    """The sums both series need, per bucket and channel, in one read: per day, or, when the charts count
    per month, the month rows of the whole months and the days of the months cut by the period (a year of
    days was 180 thousand rows at 10 M dossiers; its months are 8 thousand)."""
    buckets = Q(grain=Grain.DAY, bucket__gte=date_from, bucket__lte=date_to)
    if period_granularity(date_from, date_to) == "month":
        buckets = Q(pk__in=[])
        day = date_from
        while day <= date_to:
            last = month_end(day)
            if day.day == 1 and last <= date_to:
                buckets |= Q(grain=Grain.MONTH, bucket=day)
            else:
                buckets |= Q(grain=Grain.DAY, bucket__gte=day, bucket__lte=min(last, date_to))
            day = last + timedelta(days=1)
    return list(
        FigureDelta.objects.filter(buckets, Q(received__gt=0) | Q(resolved__gt=0), _sums_scope(unit))
        .order_by()
        .values("bucket", "channel")
        .annotate(
            received=Sum("received"),
            resolved=Sum("resolved"),
            early=Sum("resolved_early"),
            on_time=Sum("resolved_on_time"),
        )
    )


def received_per_day(*, unit: Unit | None, date_from: date, date_to: date) -> dict[str, list]:
    """Dossiers received on each local day of the period, per channel: {"days": [...], channel: [counts]}.
    Days without dossiers are zeros, so the series line up with `days`. Read from the daily sums."""
    period_bounds(date_from, date_to)
    days = [date_from + timedelta(days=offset) for offset in range((date_to - date_from).days + 1)]
    rows = FigureDelta.objects.filter(
        _sums_scope(unit), grain=Grain.DAY, bucket__gte=date_from, bucket__lte=date_to, received__gt=0
    )
    return _received_series(
        rows.order_by().values("bucket", "channel").annotate(received=Sum("received")), days
    )


def _received_series(rows: Iterable[dict], starts: list[date], granularity: str = "day") -> dict[str, list]:
    """{"days": starts, channel: counts}: each row's received count added to its day's, week's or month's."""
    index = {start: position for position, start in enumerate(starts)}
    series: dict[str, list] = {"days": starts, **{channel: [0] * len(starts) for channel in Channel.values}}
    for row in rows:
        position = index.get(period_start(granularity, row["bucket"]))
        if row["received"] and position is not None and row["channel"] in series:
            series[row["channel"]][position] += row["received"]
    return series


def period_granularity(date_from: date, date_to: date) -> str:
    """ "week" or "month": the buckets of the on-time chart, and of the received chart past two months."""
    return "week" if (date_to - date_from).days < WEEKLY_UP_TO_DAYS else "month"


def received_granularity(date_from: date, date_to: date) -> str:
    if (date_to - date_from).days < DAILY_UP_TO_DAYS:
        return "day"
    return period_granularity(date_from, date_to)


def period_start(granularity: str, day: date) -> date:
    """The first day of the week (Monday) or month holding `day`."""
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def received_by_period(
    *, unit: Unit | None, date_from: date, date_to: date, rows: list[dict] | None = None
) -> tuple[str, dict[str, list]]:
    """The received series of the dashboard: per day up to two months, else per week or month
    ("day" | "week" | "month", {"days": first day of each bucket, channel: counts}). A bucket at either end
    counts only the days inside the period. `rows`: the read of `_series_rows` already made."""
    period_bounds(date_from, date_to)
    if rows is None:
        rows = _series_rows(unit=unit, date_from=date_from, date_to=date_to)
    granularity = received_granularity(date_from, date_to)
    starts: list[date] = []
    day = date_from
    while day <= date_to:
        start = period_start(granularity, day)
        if not starts or starts[-1] != start:
            starts.append(start)
        day += timedelta(days=1)
    return granularity, _received_series(rows, starts, granularity)


def _sums_scope(unit: Unit | None) -> Q:
    return unit_scope(unit_subtree_ids([unit.pk]) if unit is not None else None)


def on_time_rate_over_time(
    *, unit: Unit | None, date_from: date, date_to: date, rows: list[dict] | None = None
) -> tuple[str, list[RatePoint]]:
    """The on-time rate of the dossiers resolved in each week (periods up to ~3 months) or month:
    ("week" | "month", points). Weeks and months without results are left out (no rate, never 0 %).
    Read from the sums of the period (`rows`: the read of `_series_rows` already made)."""
    period_bounds(date_from, date_to)
    granularity = period_granularity(date_from, date_to)
    if rows is None:
        rows = _series_rows(unit=unit, date_from=date_from, date_to=date_to)
    buckets: dict[date, list[int]] = {}
    for row in rows:
        if row["resolved"]:
            counts = buckets.setdefault(period_start(granularity, row["bucket"]), [0, 0])
            counts[0] += row["resolved"]
            counts[1] += row["early"] + row["on_time"]
    points = [RatePoint(start=start, resolved=r, on_time=o) for start, (r, o) in sorted(buckets.items())]
    return granularity, points


def overdue_now_by_unit(*, unit: Unit | None, now: datetime | None = None) -> list[UnitCount]:
    """Dossiers overdue at this instant per competent unit, most first — the "in progress, overdue" of
    `summary` taken at `now` (a dossier paused in time is within time)."""
    now = now or timezone.now()
    # The report's condition as a filter, not a counted one: PostgreSQL then tests the pauses once per open
    # overdue dossier instead of twice (the count and its HAVING).
    overdue = period_measures(now, now)["in_progress_overdue"].filter
    groups = (
        # Open now means one of the open states: the (unit, status, due date) indexes then serve the query.
        Dossier.objects.filter(_scope(unit), status__in=OPEN_STATUSES)
        .filter(overdue, due_at__lt=now)
        .order_by()
        .values("competent_unit_id")
        .annotate(overdue=Count("pk"))
    )
    counts = {g["competent_unit_id"]: g["overdue"] for g in groups}
    units = Unit.objects.in_bulk([pk for pk in counts if pk is not None])
    rows = [
        UnitCount(code=units[pk].agency_code, name=units[pk].name, value=count)
        for pk, count in counts.items()
        if pk in units
    ]
    return sorted(rows, key=lambda row: (-row.value, row.code))


def index766_by_unit(
    *, unit: Unit | None, date_from: date, date_to: date, sums: PeriodSums | None = None
) -> list[UnitCount]:
    """The unit's Decision 766 points and each direct sub-unit's, with the maxima actually scored."""
    result = index766(unit=unit, date_from=date_from, date_to=date_to, with_children=True, sums=sums)
    rows = []
    if result.unit is not None:
        rows.append(
            UnitCount(
                code=result.unit.agency_code,
                name=result.unit.name,
                value=result.points,
                maximum=result.max_computed,
            )
        )
    for child, groups in result.children:
        points = round(sum(group.points for group in groups), 2)
        maximum = sum(group.max_computed for group in groups)
        rows.append(UnitCount(code=child.agency_code, name=child.name, value=points, maximum=maximum))
    return rows


@dataclass(frozen=True)
class Dashboard:
    """Everything the operations dashboard shows for a unit and a period."""

    summary: Summary
    received_granularity: str  # "day" | "week" | "month"
    received: dict[str, list]
    on_time_granularity: str  # "week" | "month"
    on_time: list[RatePoint]
    overdue: list[UnitCount]
    index766: list[UnitCount]

    @property
    def satisfaction(self) -> float | None:
        """(Very satisfied + satisfied) ÷ rated over the dossiers returned in the period; None without any
        rating (never invented): the page then shows "chưa có đánh giá"."""
        return self.summary.totals.satisfaction_rate


def dashboard(
    *, date_from: date, date_to: date, unit: Unit | None = None, user=None, now: datetime | None = None
) -> Dashboard:
    """The dashboard's figures in few reads: the period's sums are read once for the report and the 766
    index (per the index's finer key, folded for the report), the day or month sums once for both series.
    With `user`, `unit` must be one the officer sees (default: their highest unit), as for `summary`."""
    period_bounds(date_from, date_to)
    unit = scoped_unit(user=user, unit=unit)
    period = {"unit": unit, "date_from": date_from, "date_to": date_to}
    subtree = unit_subtree_ids([unit.pk]) if unit is not None else None
    sums = period_sums(date_from=date_from, date_to=date_to, scope=unit_scope(subtree), group=SUMS_KEY)
    days = _series_rows(**period)
    received_granularity, received = received_by_period(**period, rows=days)
    on_time_granularity, on_time = on_time_rate_over_time(**period, rows=days)
    return Dashboard(
        summary=summary(**period, sums=sums),
        received_granularity=received_granularity,
        received=received,
        on_time_granularity=on_time_granularity,
        on_time=on_time,
        overdue=overdue_now_by_unit(unit=unit, now=now),
        index766=index766_by_unit(**period, sums=sums),
    )


def _local_date(value) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value, LOCAL_TZ).date() if timezone.is_aware(value) else value.date()
    return value


# --- figures per unit and month (public pages, open data) ----------------------------------------------------
OPEN_DATA_COLUMNS = (
    "unit_code",
    "unit_name",
    "month",
    "received",
    "received_online",
    "received_postal",
    "resolved",
    "resolved_on_time",
    "resolved_late",
    "on_time_rate",
)
_COUNTS = ("received", "received_online", "received_postal", "resolved", "resolved_on_time", "resolved_late")


@dataclass(frozen=True)
class MonthFigures:
    unit_code: str
    unit_name: str
    month: str  # YYYY-MM
    received: int = 0
    received_online: int = 0  # online + assisted online
    received_postal: int = 0
    resolved: int = 0
    resolved_on_time: int = 0  # early + on time
    resolved_late: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.resolved_on_time, self.resolved)

    @property
    def online_rate(self) -> float | None:
        return _ratio(self.received_online, self.received)

    def as_row(self) -> dict:
        return {name: getattr(self, name) for name in OPEN_DATA_COLUMNS}


def last_months(*, count: int = 12, today: date | None = None) -> list[date]:
    """The first days of the last `count` months, the current (partial) month last."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def public_units(*, root: Unit | None = None) -> QuerySet[Unit]:
    """Active units whose figures are published: all of them, or `root` and its sub-units."""
    qs = Unit.objects.filter(is_active=True).order_by("agency_code")
    if root is not None:
        qs = qs.filter(pk__in=unit_subtree_ids([root.pk]))
    return qs


def monthly_figures(*, units: Iterable[Unit], months: list[date]) -> list[MonthFigures]:
    """One row per unit and month (units in the given order, months ascending), each unit with its sub-units,
    by the definitions of `summary`. Two aggregated queries whatever the number of units: the counts are
    grouped by (competent unit, receiving unit, month) and each unit sums the groups that touch its subtree,
    so a dossier whose competent and receiving units are both in it is still counted once."""
    units = list(units)
    if not units or not months:
        return []
    groups = (
        FigureDelta.objects.filter(grain=Grain.MONTH, bucket__gte=months[0], bucket__lte=months[-1])
        .order_by()
        .values("competent_unit_id", "receiving_unit_id", "bucket", "channel")
        .annotate(
            received=Sum("received"),
            resolved=Sum("resolved"),
            early=Sum("resolved_early"),
            on_time=Sum("resolved_on_time"),
            resolved_late=Sum("resolved_late"),
        )
    )
    received, resolved = [], []
    for g in groups:
        month = f"{g['bucket']:%Y-%m}"
        ids = {"competent_unit_id": g["competent_unit_id"], "receiving_unit_id": g["receiving_unit_id"]}
        received.append(
            {
                **ids,
                "month": month,
                "received": g["received"],
                "received_online": g["received"] if g["channel"] in ONLINE_CHANNELS else 0,
                "received_postal": g["received"] if g["channel"] == Channel.POSTAL else 0,
            }
        )
        resolved.append(
            {
                **ids,
                "month": month,
                "resolved": g["resolved"],
                "resolved_on_time": g["early"] + g["on_time"],
                "resolved_late": g["resolved_late"],
            }
        )
    children = unit_tree_children()
    rows = []
    for unit in units:
        subtree = _subtree(unit.pk, children)
        totals: dict[str, dict[str, int]] = {}
        for groups in (received, resolved):
            for group in groups:
                if group["competent_unit_id"] in subtree or group["receiving_unit_id"] in subtree:
                    month = totals.setdefault(group["month"], dict.fromkeys(_COUNTS, 0))
                    for name in _COUNTS:
                        month[name] += group.get(name, 0)
        for first_day in months:
            key = f"{first_day:%Y-%m}"
            rows.append(
                MonthFigures(
                    unit_code=unit.agency_code, unit_name=unit.name, month=key, **totals.get(key, {})
                )
            )
    return rows


def totals_by_unit(rows: Iterable[MonthFigures]) -> dict[str, MonthFigures]:
    """The months of each unit added up (counts add up across months; rates are recomputed)."""
    out: dict[str, MonthFigures] = {}
    for row in rows:
        previous = out.get(row.unit_code)
        counts = {name: getattr(row, name) + (getattr(previous, name) if previous else 0) for name in _COUNTS}
        out[row.unit_code] = MonthFigures(
            unit_code=row.unit_code, unit_name=row.unit_name, month="", **counts
        )
    return out


def _subtree(unit_id: int, children: dict) -> set[int]:
    seen, stack = set(), [unit_id]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(children.get(current, ()))
    return seen
