"""Pre-aggregated figures (issue "Figures" §5, DESIGN §12): what each dossier adds to the statistics of
docs/reports.md, kept in `FigureDelta` per local day, month and year, and once for all time, per combination
of its dimensions (competent unit, receiving unit, procedure version, channel, receiving officer).

A dossier's *contribution* is a pure function of its rows (`contribution`). Every change to a dossier or to
a row it depends on (documents, pauses, history, result, rating, payment) reaches `figures_refresh` in the
changing transaction (signals, batched per service by `motcua.core.batching`); it takes back what the dossier
added last time (`FigureState`) and adds the new contribution. The sums therefore stay exactly equal to a
recount from the dossiers, which `figures_rebuild` performs and the tests compare.

Reading: flows over a period are sums of the fewest buckets that tile it (years, months, days); the stocks
`open` and `overdue` at the start of day d are the sums of their deltas over every bucket up to d, read as
the all-time row less the buckets after d when d is recent (`stocks`). A report reads a few thousand rows
whatever the number of dossiers or years."""

from __future__ import annotations

import logging
import time as clock
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, connections, router, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Sum, When
from django.utils import timezone

from motcua.catalog.services import committed_hours
from motcua.core import prepared
from motcua.dossiers.enums import Action, Channel, Status, Timeliness
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, DossierPause, DossierResult
from motcua.payments.enums import PaymentMethod, PaymentStatus
from motcua.payments.models import Payment
from motcua.ratings.enums import Overall
from motcua.ratings.models import Rating
from motcua.workcal.calendar import LOCAL_TZ

from .models import FLOW_MEASURES, KEY_FIELDS, MEASURES, STOCK_MEASURES, FigureDelta, FigureState, Grain

log = logging.getLogger(__name__)

# Channels whose documents arrive on paper (as in reports.selectors.PAPER_CHANNELS).
PAPER_CHANNELS = (Channel.COUNTER, Channel.POSTAL)
EPOCH = date(1900, 1, 1)
MEASURE_INDEX = {name: index for index, name in enumerate(MEASURES)}
TIMELINESS_MEASURE = {
    Timeliness.EARLY: "resolved_early",
    Timeliness.ON_TIME: "resolved_on_time",
    Timeliness.LATE: "resolved_late",
}
RATED_MEASURE = {
    Overall.VERY_SATISFIED: "rated_very_satisfied",
    Overall.SATISFIED: "rated_satisfied",
    Overall.NOT_SATISFIED: "rated_not_satisfied",
}

Key = tuple[int, int, int, str, int]
Entries = Counter  # (day, measure) → value


# --- what one dossier adds -----------------------------------------------------------------------------------
@dataclass
class Snapshot:
    """The columns of a dossier and its related rows that its contribution depends on."""

    id: int
    competent_unit_id: int | None
    receiving_unit_id: int | None
    procedure_version_id: int | None
    channel: str
    status: str
    received_at: datetime | None
    due_at: datetime | None
    result_ready_at: datetime | None
    returned_at: datetime | None
    closed_at: datetime | None
    timeliness: str
    worked_minutes: int | None
    fee_amount: int
    is_fee_exempt: bool
    committed_amount: object
    committed_unit: str
    officer_id: int | None
    has_received_documents: bool
    has_undigitised: bool
    has_reused: bool
    has_e_result: bool
    rating: str | None
    paid_online: bool
    pauses: list[tuple[datetime, datetime | None]]


SNAPSHOT_COLUMNS = (
    "id",
    "competent_unit_id",
    "receiving_unit_id",
    "procedure_version_id",
    "channel",
    "status",
    "received_at",
    "due_at",
    "result_ready_at",
    "returned_at",
    "closed_at",
    "timeliness",
    "worked_minutes",
    "fee_amount",
    "is_fee_exempt",
    "procedure_version__committed_time_amount",
    "procedure_version__committed_time_unit",
    "officer_id",
    "has_received_documents",
    "has_undigitised",
    "has_reused",
    "has_e_result",
    "rating_overall",
    "paid_online",
    "has_pauses",  # not a Snapshot field: says whether its pauses need reading
)


def _annotated(qs):
    officer = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), action__in=[Action.RECEIVE, Action.REFUSE])
        .order_by("seq")
        .values("actor_id")[:1]
    )
    received = DossierDocument.objects.filter(dossier=OuterRef("pk"), is_received=True)
    return qs.annotate(
        officer_id=Subquery(officer),
        has_received_documents=Exists(received),
        has_undigitised=Exists(received.filter(is_digitised=False)),
        has_reused=Exists(DossierDocument.objects.filter(dossier=OuterRef("pk"), reused_from__isnull=False)),
        has_e_result=Exists(DossierResult.objects.filter(dossier=OuterRef("pk"))),
        rating_overall=Subquery(Rating.objects.filter(dossier=OuterRef("pk")).values("overall")[:1]),
        paid_online=Exists(
            Payment.objects.filter(
                dossier=OuterRef("pk"), method=PaymentMethod.ONLINE, status=PaymentStatus.PAID
            )
        ),
        has_pauses=Exists(DossierPause.objects.filter(dossier=OuterRef("pk"))),
    )


# The snapshot row of one dossier — what every intake and transition refreshes — from SQL compiled once per
# database connection: compiling the query (seven correlated subqueries) was most of the refresh's time.
_one_snapshot = prepared.CompiledQuery(
    Dossier,
    lambda dossier_id: _annotated(Dossier.objects.filter(pk=dossier_id)).values_list(*SNAPSHOT_COLUMNS),
    -7_000_001,  # no dossier has this id
)


def snapshots(ids: Iterable[int] | None = None, *, after_id: int = 0, limit: int | None = None):
    """Snapshots of the given dossiers, or (ids None) of the next `limit` dossiers after `after_id`."""
    ids = list(ids) if ids is not None else None
    if ids is not None and len(ids) == 1 and limit is None:
        rows = _one_snapshot.rows(ids[0])
    else:
        qs = Dossier.objects.order_by("pk")
        qs = qs.filter(pk__in=ids) if ids is not None else qs.filter(pk__gt=after_id)
        if limit is not None:
            qs = qs[:limit]
        rows = list(_annotated(qs).values_list(*SNAPSHOT_COLUMNS))
    pauses: dict[int, list] = defaultdict(list)
    # Most dossiers never pause: their pauses are not read (a statement fewer on each intake).
    paused = [row[0] for row in rows if row[-1]]
    if paused:
        pause_rows = DossierPause.objects.filter(dossier_id__in=paused)
        for dossier_id, started, ended in pause_rows.values_list("dossier_id", "started_at", "ended_at"):
            pauses[dossier_id].append((started, ended))
    return [Snapshot(*row[:-1], pauses=pauses.get(row[0], [])) for row in rows]


def local_day(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


def _after(instant: datetime) -> date:
    """The first day whose start (local midnight) lies strictly after `instant`."""
    return local_day(instant) + timedelta(days=1)


def _subtract(lo: date, hi: date | None, holes: list[tuple[date, date | None]]):
    """[lo, hi) less the union of the half-open day ranges `holes` (None: without end)."""
    pieces = [(lo, hi)]
    for h_lo, h_hi in holes:
        rest = []
        for p_lo, p_hi in pieces:
            # the part before the hole
            if h_lo > p_lo:
                end = h_lo if p_hi is None else min(p_hi, h_lo)
                if end > p_lo:
                    rest.append((p_lo, end))
            # the part after the hole
            if h_hi is not None:
                start = max(p_lo, h_hi)
                if p_hi is None or start < p_hi:
                    rest.append((start, p_hi))
        pieces = rest
    return pieces


def _stock(entries: Entries, measure: str, pieces) -> None:
    for lo, hi in pieces:
        if hi is not None and hi <= lo:
            continue
        entries[(lo, measure)] += 1
        if hi is not None:
            entries[(hi, measure)] -= 1


def contribution(s: Snapshot) -> tuple[Key, Entries]:
    """What the dossier adds, by the definitions of reports.selectors.period_measures (docs/reports.md)."""
    key = (
        s.competent_unit_id or 0,
        s.receiving_unit_id or 0,
        s.procedure_version_id or 0,
        s.channel or "",
        s.officer_id or 0,
    )
    out: Entries = Counter()

    def flow(at: datetime, measure: str, value: int = 1) -> None:
        out[(local_day(at), measure)] += value

    received = s.received_at
    if received is not None:
        flow(received, "received")
        if s.fee_amount > 0 and not s.is_fee_exempt:
            flow(received, "received_fee")
            if s.paid_online:
                flow(received, "received_fee_paid_online")
        if s.has_reused:
            flow(received, "received_reused")
        if s.channel in PAPER_CHANNELS and s.has_received_documents:
            flow(received, "digitisable")
            if not s.has_undigitised:
                flow(received, "digitised")
    ready = s.result_ready_at
    if ready is not None:
        flow(ready, "resolved")
        if s.timeliness in TIMELINESS_MEASURE:
            flow(ready, TIMELINESS_MEASURE[s.timeliness])
        if s.has_e_result:
            flow(ready, "resolved_e_result")
        if s.worked_minutes is not None:
            flow(ready, "resolved_timed")
            flow(ready, "worked_minutes", s.worked_minutes)
            flow(ready, "committed_minutes", committed_minutes(s.committed_amount, s.committed_unit))
    if s.returned_at is not None:
        flow(s.returned_at, "returned")
        if s.rating != Overall.NOT_SATISFIED and s.timeliness != Timeliness.LATE:
            flow(s.returned_at, "returned_satisfied")
        if s.rating:
            flow(s.returned_at, "rated")
            if s.rating in RATED_MEASURE:
                flow(s.returned_at, RATED_MEASURE[s.rating])
    if s.closed_at is not None:
        if s.status == Status.STOPPED and received is not None:
            flow(s.closed_at, "stopped")
        if s.status == Status.REFUSED:
            flow(s.closed_at, "refused")
    if received is not None:
        # Open at the start of day d when received before it and neither resolved nor stopped before it.
        ends = [s.result_ready_at]
        if s.status == Status.STOPPED:
            ends.append(s.closed_at)
        ends = [e for e in ends if e is not None]
        until = _after(min(ends)) if ends else None
        # An instant t lies in (a, b] when a < t <= b; the starts of days in it are [after(a), after(b)).
        _stock(out, "open", [(_after(received), until)])
        if s.due_at is not None:
            # Overdue once the due date has passed, except while a pause that began in time goes on.
            holes = [
                (_after(started), _after(ended) if ended is not None else None)
                for started, ended in s.pauses
                if started <= s.due_at
            ]
            lo = _after(max(received, s.due_at))
            _stock(out, "overdue", _subtract(lo, until, holes))
    return key, Counter({k: v for k, v in out.items() if v})


def committed_minutes(amount, unit: str | None) -> int:
    if amount is None or not unit:
        return 0
    return round(float(committed_hours(amount=amount, unit=unit)) * 60)


# --- keeping the sums ----------------------------------------------------------------------------------------
def _buckets(day: date) -> tuple[tuple[str, date], ...]:
    return (
        (Grain.DAY, day),
        (Grain.MONTH, day.replace(day=1)),
        (Grain.YEAR, day.replace(month=1, day=1)),
        (Grain.ALL, EPOCH),
    )


def _encode(entries: Entries) -> list[list[int]]:
    return sorted([day.toordinal(), MEASURE_INDEX[m], v] for (day, m), v in entries.items())


def _decode(encoded) -> Entries:
    return Counter({(date.fromordinal(o), MEASURES[i]): v for o, i, v in encoded})


def _apply(deltas: dict[tuple[Key, date, str], int]) -> int:
    """Add per-day deltas to the day, month, year and all-time rows; returns the number of rows written."""
    rows: dict[tuple, Counter] = defaultdict(Counter)
    for (key, day, measure), value in deltas.items():
        if value:
            for grain, bucket in _buckets(day):
                rows[(grain, bucket, *key)][measure] += value
    return _upsert(rows)


# Rows per upsert statement: within SQLite's 32,766 parameters (about 30 per row).
_UPSERT_ROWS = 500


def _upsert(rows: dict[tuple, Counter]) -> int:
    """Add {(grain, bucket, *key): measures} to the kept rows."""
    rows = {k: c for k, c in rows.items() if any(c.values())}
    if not rows:
        return 0
    qn = connection.ops.quote_name
    table = qn(FigureDelta._meta.db_table)
    key_columns = ["grain", "bucket", *KEY_FIELDS]
    columns = [*key_columns, *MEASURES]
    updates = ", ".join(f"{qn(m)} = {table}.{qn(m)} + excluded.{qn(m)}" for m in MEASURES)
    row_sql = f"({', '.join(['%s'] * len(columns))})"
    # One order for every transaction, so that two of them never wait on each other's rows crosswise: a
    # statement of several rows takes them in the order written.
    params = [[*k, *(rows[k][m] for m in MEASURES)] for k in sorted(rows)]
    with connection.cursor() as cursor:
        # Several rows per statement: one dossier's change touches about six (day, month, year, all time).
        for start in range(0, len(params), _UPSERT_ROWS):
            chunk = params[start : start + _UPSERT_ROWS]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) "
                f"VALUES {', '.join([row_sql] * len(chunk))} "
                f"ON CONFLICT ({', '.join(qn(c) for c in key_columns)}) DO UPDATE SET {updates}",
                [value for row in chunk for value in row],
            )
    return len(params)


def _locked_states(ids: list[int]) -> dict[int, FigureState]:
    """The dossiers' rows locked — two transactions refreshing one dossier would each take back the same old
    state; every writer of a state holds its dossier's lock — and their states, in one statement. The states
    of dossiers no longer there (deleted) are read after, locked themselves."""
    dossiers, states = Dossier._meta.db_table, FigureState._meta.db_table
    sql = (
        f"SELECT d.id AS dossier_id, s.key, s.entries FROM {dossiers} d "
        f"LEFT JOIN {states} s ON s.dossier_id = d.id WHERE d.id IN ({', '.join(['%s'] * len(ids))}) ORDER BY d.id"
    )
    if connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF d"
    found, old = set(), {}
    for state in FigureState.objects.raw(sql, ids):
        found.add(state.dossier_id)
        if state.entries is not None:
            old[state.dossier_id] = state
    gone = [i for i in ids if i not in found]
    if gone:
        old.update(
            (s.dossier_id, s) for s in FigureState.objects.select_for_update().filter(dossier_id__in=gone)
        )
    return old


def figures_refresh(dossier_ids: Iterable[int], created: Iterable[int] = ()) -> None:
    """Bring the sums up to date with the current rows of these dossiers (a deleted one takes back all).
    `created`: those inserted in the current transaction (motcua.core.batching.dossier_created): no other
    transaction sees them and no state was kept of them, so they are neither locked nor read (a statement fewer
    per counter intake)."""
    ids = sorted(set(dossier_ids))
    if not ids:
        return
    created = set(created)
    # No savepoint of its own inside a service's transaction: an error here undoes the whole change anyway.
    with transaction.atomic(savepoint=False):
        known = [i for i in ids if i not in created]
        old = _locked_states(known) if known else {}
        new = {s.id: contribution(s) for s in snapshots(ids)}
        deltas: dict[tuple[Key, date, str], int] = defaultdict(int)
        keep, drop = [], []
        for dossier_id in ids:
            before = old.get(dossier_id)
            if before is not None:
                before_key = tuple(before.key)
                for (day, measure), value in _decode(before.entries).items():
                    deltas[(before_key, day, measure)] -= value
            key, entries = new.get(dossier_id, (None, Counter()))
            for (day, measure), value in entries.items():
                deltas[(key, day, measure)] += value
            if entries:
                encoded = _encode(entries)
                if before is None or tuple(before.key) != key or before.entries != encoded:
                    keep.append(FigureState(dossier_id=dossier_id, key=list(key), entries=encoded))
            elif before is not None:
                drop.append(dossier_id)
        _apply(deltas)
        # A dossier created in this transaction has no state to conflict with: a plain INSERT, compiled once.
        prepared.insert([state for state in keep if state.dossier_id in created])
        kept = [state for state in keep if state.dossier_id not in created]
        if kept:
            FigureState.objects.bulk_create(
                kept, update_conflicts=True, unique_fields=["dossier_id"], update_fields=["key", "entries"]
            )
        if drop:
            FigureState.objects.filter(dossier_id__in=drop).delete()


def _chunks(size: int, after: int = 0) -> Iterator[list[Snapshot]]:
    while True:
        chunk = snapshots(after_id=after, limit=size)
        if not chunk:
            return
        yield chunk
        after = chunk[-1].id


def _accumulate(chunk: list[Snapshot], rows: dict[tuple, Counter]) -> list[FigureState]:
    """Add the chunk's contributions to `rows` ({(grain, bucket, *key): measures}); their states."""
    states = []
    for snapshot in chunk:
        key, entries = contribution(snapshot)
        if not entries:
            continue
        states.append(FigureState(dossier_id=snapshot.id, key=list(key), entries=_encode(entries)))
        for (day, measure), value in entries.items():
            for grain, bucket in _buckets(day):
                rows[(grain, bucket, *key)][measure] += value
    return states


def recount(chunk_size: int = 5000) -> dict[tuple, Counter]:
    """Every row the sums should have, recounted from the dossiers: {(grain, bucket, *key): measures}."""
    rows: dict[tuple, Counter] = defaultdict(Counter)
    for chunk in _chunks(chunk_size):
        _accumulate(chunk, rows)
    return {k: Counter({m: v for m, v in c.items() if v}) for k, c in rows.items() if any(c.values())}


def stored() -> dict[tuple, Counter]:
    """The sums as kept, without rows that net to zero."""
    out = {}
    for row in FigureDelta.objects.values_list("grain", "bucket", *KEY_FIELDS, *MEASURES).iterator(2000):
        counts = Counter({m: v for m, v in zip(MEASURES, row[2 + len(KEY_FIELDS) :], strict=True) if v})
        if counts:
            out[tuple(row[: 2 + len(KEY_FIELDS)])] = counts
    return out


def figures_differences(limit: int = 20) -> list[str]:
    """Rows where the kept sums differ from a recount (empty when they agree)."""
    expected, actual = recount(), stored()
    problems = []
    for key in sorted(set(expected) | set(actual), key=str):
        if expected.get(key, Counter()) != actual.get(key, Counter()):
            problems.append(
                f"{key}: kept {dict(actual.get(key, {}))} ≠ recounted {dict(expected.get(key, {}))}"
            )
            if len(problems) >= limit:
                break
    return problems


def figures_add_new(*, after_id: int, chunk_size: int = 5000, progress=None) -> dict[str, float]:
    """Add the dossiers with an id above `after_id`, which the sums do not hold yet (rows written in bulk
    without signals, as `motcua synth` does)."""
    started = clock.monotonic()
    dossiers = 0
    rows: dict[tuple, Counter] = defaultdict(Counter)
    with transaction.atomic():
        for chunk in _chunks(chunk_size, after=after_id):
            FigureState.objects.bulk_create(_accumulate(chunk, rows), batch_size=5000)
            dossiers += len(chunk)
            if progress is not None:
                progress(dossiers)
        written = _upsert(rows)
    return {"dossiers": dossiers, "rows": written, "seconds": round(clock.monotonic() - started, 1)}


def figures_rebuild(*, chunk_size: int = 5000, progress=None) -> dict[str, float]:
    """Recount every dossier and replace the sums and states (to repair after a change behind the services'
    back). Memory holds the aggregated rows, not the dossiers."""
    with transaction.atomic():
        FigureDelta.objects.all().delete()
        FigureState.objects.all().delete()
        return figures_add_new(after_id=0, chunk_size=chunk_size, progress=progress)


# --- reading the sums ----------------------------------------------------------------------------------------
def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def segments(first: date, last: date) -> Q:
    """The buckets that tile the days [first, last] exactly: whole years, whole months, then days."""
    ranges: dict[str, list[list[date]]] = {Grain.DAY: [], Grain.MONTH: [], Grain.YEAR: []}

    def add(grain: str, lo: date, hi: date) -> None:
        spans = ranges[grain]
        if spans and spans[-1][2] == lo:
            spans[-1][1], spans[-1][2] = hi, _next_bucket(grain, hi)
        else:
            spans.append([lo, hi, _next_bucket(grain, hi)])

    day = first
    while day <= last:
        if day.month == 1 and day.day == 1 and date(day.year, 12, 31) <= last:
            add(Grain.YEAR, day, day)
            day = date(day.year + 1, 1, 1)
        elif day.day == 1 and month_end(day) <= last:
            add(Grain.MONTH, day, day)
            day = month_end(day) + timedelta(days=1)
        else:
            add(Grain.DAY, day, day)
            day += timedelta(days=1)
    condition = Q(pk__in=[])
    for grain, spans in ranges.items():
        for lo, hi, _ in spans:
            condition |= Q(grain=grain, bucket__gte=lo, bucket__lte=hi)
    return condition


def _next_bucket(grain: str, bucket: date) -> date:
    if grain == Grain.YEAR:
        return date(bucket.year + 1, 1, 1)
    if grain == Grain.MONTH:
        return month_end(bucket) + timedelta(days=1)
    return bucket + timedelta(days=1)


def sums(
    condition: Q, scope: Q, group: Iterable[str], measures: Iterable[str], *, less_than_all: bool = False
) -> dict[tuple, Counter]:
    """Summed measures per combination of the `group` key fields, over the buckets of `condition`:
    {key values: Counter(measure → sum)}. `less_than_all`: the all-time rows less the other buckets.
    The rows come straight from the cursor: for the two thousand groups of a province Django's per-row
    work cost as much as PostgreSQL's sum (docs/performance.md)."""
    group, measures = list(group), list(measures)

    def summed(measure: str):
        if less_than_all:
            return Sum(Case(When(grain=Grain.ALL, then=F(measure)), default=-F(measure)))
        return Sum(measure)

    query = (
        FigureDelta.objects.filter(condition & scope)
        .order_by()
        .values(*group)
        .annotate(**{f"s_{m}": summed(m) for m in measures})
        .values_list(*group, *(f"s_{m}" for m in measures))
    )
    sql, params = query.query.sql_with_params()
    width = len(group)
    # The database the ORM would read from: the replica inside `figures_reads` (motcua/core/replica.py).
    with connections[router.db_for_read(FigureDelta)].cursor() as cursor:
        cursor.execute(sql, params)
        # One row per key (grouped by it), sums never NULL over at least one row; PostgreSQL sums bigint
        # columns (the minutes) as numeric, hence int().
        return {
            tuple(row[:width]): Counter(dict(zip(measures, map(int, row[width:]), strict=True)))
            for row in cursor
        }


def _buckets_after(day: date) -> Q:
    """Every bucket of the days after `day`: the rest of its month, of its year, then the later years."""
    first = day + timedelta(days=1)
    condition = Q(pk__in=[])
    if first.day != 1:
        condition |= Q(grain=Grain.DAY, bucket__gte=first, bucket__lte=month_end(first))
        first = month_end(first) + timedelta(days=1)
    if first.month != 1:
        condition |= Q(grain=Grain.MONTH, bucket__gte=first, bucket__lte=date(first.year, 12, 1))
        first = date(first.year + 1, 1, 1)
    return condition | Q(grain=Grain.YEAR, bucket__gte=first)


def stocks(
    day: date, *, scope: Q, group: Iterable[str], measures: Iterable[str], backward: bool | None = None
) -> dict[tuple, Counter]:
    """The stock measures at the start of `day` per group key: the deltas of every bucket up to `day`
    (forward), or the all-time total less the buckets after it (backward). Backward reads one row per key
    and the buckets to come, forward one per key and year of history: by default backward from the start
    of last year on (the dashboard and this year's reports), forward before."""
    if backward is None:
        backward = day >= date(timezone.localdate().year - 1, 1, 1)
    if backward:
        condition = Q(grain=Grain.ALL) | _buckets_after(day)
        return sums(condition, scope, group, measures, less_than_all=True)
    return sums(segments(EPOCH, day), scope, group, measures)


@dataclass(frozen=True)
class PeriodSums:
    """Sums per group key for a period: `flows` over its days, `opening` stocks at its start, `closing`
    stocks at the start of the day after it. It remembers what it was read for, so that a caller handed one
    read (the dashboard shares it between the report and the 766 index) can check it is the right one."""

    flows: dict[tuple, Counter]
    opening: dict[tuple, Counter]
    closing: dict[tuple, Counter]
    date_from: date
    date_to: date
    scope: Q
    group: tuple[str, ...]

    def regroup(self, *, date_from: date, date_to: date, scope: Q, group: tuple[str, ...]) -> PeriodSums:
        """The same sums per a coarser key (`group` a subset of this read's key): what `period_sums` would
        read for these arguments, without reading. ValueError if this read is not for that period and
        scope or lacks a field of `group`."""
        if (date_from, date_to, scope) != (self.date_from, self.date_to, self.scope):
            raise ValueError("sums read for another period or scope")
        if not set(group) <= set(self.group):
            raise ValueError(f"sums read per {self.group}, not per {group}")
        if group == self.group:
            return self
        positions = [self.group.index(name) for name in group]

        def fold(part: dict[tuple, Counter]) -> dict[tuple, Counter]:
            out: dict[tuple, Counter] = defaultdict(Counter)
            for key, counts in part.items():
                out[tuple(key[p] for p in positions)].update(counts)
            return out

        return PeriodSums(
            flows=fold(self.flows),
            opening=fold(self.opening),
            closing=fold(self.closing),
            date_from=date_from,
            date_to=date_to,
            scope=scope,
            group=group,
        )


def period_sums(*, date_from: date, date_to: date, scope: Q, group: tuple[str, ...]) -> PeriodSums:
    return PeriodSums(
        flows=sums(segments(date_from, date_to), scope, group, FLOW_MEASURES),
        opening=stocks(date_from, scope=scope, group=group, measures=("open",)),
        closing=stocks(date_to + timedelta(days=1), scope=scope, group=group, measures=STOCK_MEASURES),
        date_from=date_from,
        date_to=date_to,
        scope=scope,
        group=tuple(group),
    )


def unit_scope(subtree: list[int] | None) -> Q:
    if subtree is None:
        return Q()
    return Q(competent_unit_id__in=subtree) | Q(receiving_unit_id__in=subtree)
