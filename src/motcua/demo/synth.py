"""Synthetic dossiers at scale: `motcua synth --dossiers N --years Y` simulates a province's years of intake
so that reports, worklists and look-ups can be measured on millions of rows (bench/, docs/performance.md).

Why rows and not the services: `dossier_intake` / `dossier_transition` run one transaction per action with
locking upserts, history rows and calendar walks — about a dozen queries per action, five to eight actions per
dossier. demo/dossiers.py drives 200 dossiers that way in seconds; ten million would take days. Here each
dossier's life is computed in memory with the same rules (code per receiving unit and day, appointment from
the committed time on the receiving unit's calendar, one step per process step with its budget, timeliness
against the original appointment) and written in batches: PostgreSQL `COPY`, `bulk_create` elsewhere.

Simplifications, deliberate: no supplements, pauses or extensions (so `due_at == original_due_at`); step times
are walked on the receiving unit's office hours; digitised documents carry no file; no step is assigned."""

from __future__ import annotations

import json
import random
import sys
import time as monotonic
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from motcua.catalog.enums import StepUnitMode, TimeUnit
from motcua.catalog.services import process_for_unit
from motcua.core.text import fold
from motcua.dossiers.enums import Action, ApplicantKind, Channel, Outcome, ReturnMode, Status
from motcua.dossiers.history import event_hash
from motcua.dossiers.models import (
    Applicant,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierEvent,
    DossierStep,
)
from motcua.dossiers.services import timeliness_of
from motcua.org.enums import Role
from motcua.org.models import Unit
from motcua.workcal.calendar import LOCAL_TZ, WorkingCalendar, calendar_from
from motcua.workcal.selectors import calendar_overrides

from .dossiers import GIVEN, MIDDLE, PLACES, SURNAMES, _Actors, _channel, _Routing, _routings

# Dossiers received in the last RECENT_DAYS may be left stuck at a step (the overdue ones of the worklists);
# older ones always finish, as they would in a real register.
RECENT_DAYS = 60
STUCK_SHARE = 0.10
STOP_SHARE = 0.02
REFUSE_SHARE = 0.02
DENY_SHARE = 0.05
LATE_STEP_SHARE = 0.08
ONLINE_SHARE = 0.15


class SynthError(Exception):
    pass


# --- a fast working-time axis --------------------------------------------------------------------------------
class WorkAxis:
    """Instants of office hours as positions on a line of working seconds: position = index of the working
    day × seconds per working day + seconds worked into that day. Adding working hours is then addition, and
    the working calendar is consulted once per day when the axis is built (not once per instant)."""

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.calendar = calendar
        self.days: list[date] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                self.days.append(day)
            day += timedelta(days=1)
        self.index = {d: i for i, d in enumerate(self.days)}
        self.periods = [
            (
                s,
                (datetime.combine(date.min, e) - datetime.combine(date.min, s)).total_seconds(),
            )
            for s, e in calendar.periods
        ]
        self.day_seconds = sum(length for _, length in self.periods)
        self.hour = self.day_seconds / 8  # seconds per working hour, as WorkingCalendar counts them
        self._starts: dict[int, list[datetime]] = {}

    def instant(self, position: float) -> datetime:
        i = int(position // self.day_seconds)
        rest = position - i * self.day_seconds
        if rest == 0 and i > 0:
            # The end of a working day, not the opening of the next one (like add_working_hours).
            i, rest = i - 1, self.day_seconds
        if i >= len(self.days):
            raise SynthError("working-time axis too short")
        day = self.days[i]
        for start, length in self.periods:
            # A walk ending exactly at the end of a period stays there (like add_working_hours).
            if rest <= length:
                return datetime.combine(day, start, tzinfo=LOCAL_TZ) + timedelta(seconds=round(rest))
            rest -= length
        start, length = self.periods[-1]
        return datetime.combine(day, start, tzinfo=LOCAL_TZ) + timedelta(seconds=length)

    def opening(self, index: int) -> datetime:
        return datetime.combine(self.days[index], self.periods[0][0], tzinfo=LOCAL_TZ)

    def position(self, instant: datetime) -> float:
        """Position of an instant inside office hours of a working day (as produced by `instant`)."""
        local = instant.astimezone(LOCAL_TZ)
        i = self.index[local.date()]
        seconds = i * self.day_seconds
        clock = local.time()
        for start, length in self.periods:
            offset = (datetime.combine(date.min, clock) - datetime.combine(date.min, start)).total_seconds()
            if offset <= length:
                return seconds + max(offset, 0.0)
            seconds += length
        return seconds

    def add_hours(self, position: float, hours: float) -> float:
        return position + hours * self.hour

    def day_of(self, position: float) -> int:
        return int(position // self.day_seconds)


# --- routing plans -------------------------------------------------------------------------------------------
@dataclass
class _StepPlan:
    process_step_id: int
    order: int
    name: str
    unit_id: int
    role: str
    budget: Decimal
    actor_id: int | None


@dataclass
class _Plan:
    routing: _Routing
    receiving_id: int
    competent_id: int
    agency_code: str
    receiver_id: int
    steps: list[_StepPlan]
    decide_index: int  # the last signing step: approve / deny happens there
    return_index: int | None  # the return step started at the decision, if the process has one
    documents: list[tuple[int, str, str, int]] = field(default_factory=list)
    fee: int = 0


def _plans(provincial_centre: Unit | None) -> tuple[list[_Plan], list[float]]:
    actors = _Actors()
    routings = [
        r for r in _routings() if r.version.is_counter_intake_allowed or r.version.is_postal_intake_allowed
    ]
    extra = []
    for routing in routings:
        # Dossiers are accepted anywhere in the province (phi địa giới), as in demo/dossiers.py.
        if provincial_centre and routing.receiving.pk != provincial_centre.pk:
            if not routing.version.receiving_units.exists():
                extra.append(_Routing(routing.version, provincial_centre, routing.competent))
    plans, weights = [], []
    for routing, weight in [(r, 1.0) for r in routings] + [(r, 0.25) for r in extra]:
        receiver = actors.find(Role.RECEIVING_OFFICER, routing.receiving)
        competent = routing.competent or routing.receiving
        process = process_for_unit(version=routing.version, unit_id=competent.pk)
        if receiver is None or process is None:
            continue
        steps = []
        for step in process.steps.select_related("unit").order_by("order"):
            if step.unit_mode == StepUnitMode.RECEIVING:
                unit = routing.receiving
            elif step.unit_mode == StepUnitMode.FIXED:
                unit = step.unit
            else:
                unit = competent
            actor = actors.find(step.role, unit)
            steps.append(
                _StepPlan(
                    step.pk, step.order, step.name, unit.pk, step.role, step.budget_hours, actor and actor.pk
                )
            )
        signing = [i for i, s in enumerate(steps) if s.role == Role.SIGNING_LEADER]
        if not steps or not signing:
            continue
        decide = signing[-1]
        ret = decide + 1 if decide + 1 < len(steps) else None
        if ret is not None and not (
            steps[ret].role == Role.RECEIVING_OFFICER and steps[ret].unit_id == routing.receiving.pk
        ):
            ret = None
        documents = [
            (c.pk, c.name, c.paper_kind, c.quantity)
            for c in routing.version.components.filter(is_required=True).order_by("id")
        ]
        field_name = routing.version.field.name if routing.version.field_id else ""
        busy = 5.0 if field_name in ("Hộ tịch", "Chứng thực") else 1.0
        plans.append(
            _Plan(
                routing=routing,
                receiving_id=routing.receiving.pk,
                competent_id=competent.pk,
                agency_code=routing.receiving.agency_code,
                receiver_id=receiver.pk,
                steps=steps,
                decide_index=decide,
                return_index=ret,
                documents=documents,
            )
        )
        weights.append(weight * busy)
    return plans, weights


# --- writers -------------------------------------------------------------------------------------------------
def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


class _Writer:
    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def write(self, model, rows: list[tuple]) -> None:
        if not rows:
            return
        columns = _columns(model)
        if self.postgres:
            table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            with connection.cursor() as cursor:
                raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
                json_at = [
                    i
                    for i, f in enumerate(model._meta.concrete_fields)
                    if f.get_internal_type() == "JSONField"
                ]
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        if json_at:
                            row = list(row)
                            for i in json_at:
                                row[i] = json.dumps(row[i])
                        copy.write_row(row)
        else:
            attnames = [f.attname for f in model._meta.concrete_fields]
            objects = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
            model.objects.bulk_create(objects, batch_size=500)

    def finish(self, models) -> None:
        """Move the id sequences past the ids written explicitly."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def _figures_add(after_id: int, total: int, progress: bool) -> float:
    """The COPY above sends no signals: the pre-aggregated figures take the new dossiers in one pass."""
    from motcua.reports.figures import figures_add_new  # noqa: PLC0415 - reports depends on dossiers

    if progress:
        sys.stderr.write("Tổng hợp số liệu báo cáo…\n")
    started = monotonic.monotonic()
    figures_add_new(
        after_id=after_id, progress=(lambda done: _progress(done, total, started)) if progress else None
    )
    if progress:
        sys.stderr.write("\n")
    return round(monotonic.monotonic() - started, 1)


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


# --- the generator -------------------------------------------------------------------------------------------
def _progress(done: int, total: int, started: float) -> None:
    elapsed = max(monotonic.monotonic() - started, 1e-6)
    sys.stderr.write(
        f"\rsynth: {done:>10,}/{total:,} dossiers ({100 * done / max(total, 1):5.1f} %) "
        f"{done / elapsed:8,.0f}/s  {elapsed:6.0f} s"
    )
    sys.stderr.flush()


def synth(
    *,
    dossiers: int,
    years: float = 1.0,
    seed: int = 2026,
    batch: int = 20000,
    now: datetime | None = None,
    progress: bool = True,
) -> dict[str, float]:
    """Write `dossiers` new dossiers received over the last `years` years, with their steps, history and
    documents. Needs the demo organisation and catalogue (`demo_load`). Returns the counts and the rate."""
    if dossiers <= 0:
        return {"dossiers": 0}
    rng = random.Random(seed)
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    first_day = today - timedelta(days=round(365.25 * years))
    from motcua.org.enums import UnitKind

    provincial_centre = Unit.objects.filter(kind=UnitKind.PROVINCIAL_CENTRE, is_active=True).first()
    plans, weights = _plans(provincial_centre)
    if not plans:
        raise SynthError("Chưa có dữ liệu trình diễn: chạy `motcua demo_load` trước.")

    # One calendar and one working-time axis per distinct office hours (calendar consulted once per day).
    overrides = calendar_overrides()
    units = {u.pk: u for u in Unit.objects.all()}
    for unit in units.values():
        if unit.parent_id:
            unit.parent = units[unit.parent_id]
    axes: dict[tuple, WorkAxis] = {}
    axis_of: dict[int, WorkAxis] = {}
    for plan in plans:
        periods = units[plan.receiving_id].office_periods()
        if periods not in axes:
            calendar = calendar_from(periods=periods, overrides=overrides)
            axes[periods] = WorkAxis(calendar, first_day - timedelta(days=10), today + timedelta(days=800))
        axis_of[plan.receiving_id] = axes[periods]

    # Index range of the working days of the period on each axis.
    bounds = {
        id(axis): (bisect_right(axis.days, first_day - timedelta(days=1)), bisect_right(axis.days, today) - 1)
        for axis in axes.values()
    }
    cumulative = []
    total_weight = 0.0
    for w in weights:
        total_weight += w
        cumulative.append(total_weight)

    # Codes continue the daily counters already issued (real intakes or an earlier synth).
    counters: dict[tuple[int, date], int] = {
        (u, d): last
        for u, d, last in DossierCodeSequence.objects.filter(day__gte=first_day).values_list(
            "unit_id", "day", "last"
        )
    }
    touched: set[tuple[int, date]] = set()

    applicants = _applicant_pool(rng, min(max(dossiers // 4, 50), 100_000))

    writer = _Writer()
    dossier_id = _next_id(Dossier)
    first_id = dossier_id
    step_id = _next_id(DossierStep)
    event_id = _next_id(DossierEvent)
    document_id = _next_id(DossierDocument)
    started = monotonic.monotonic()
    deadline_cache: dict[tuple, datetime] = {}
    now_local = timezone.localtime(now)
    counts = {"dossiers": 0, "steps": 0, "events": 0, "documents": 0}

    done = 0
    while done < dossiers:
        size = min(batch, dossiers - done)
        d_rows: list[tuple] = []
        s_rows: list[tuple] = []
        e_rows: list[tuple] = []
        doc_rows: list[tuple] = []
        for _ in range(size):
            plan = plans[bisect_right(cumulative, rng.random() * total_weight)]
            axis = axis_of[plan.receiving_id]
            version = plan.routing.version
            # A working day of the period, an instant inside its office hours, never in the future.
            lo, hi = bounds[id(axis)]
            pos = (lo + rng.random() * (hi - lo + 1)) * axis.day_seconds
            received = axis.instant(pos)
            if received >= now_local:
                pos = lo * axis.day_seconds + rng.random() * (hi - lo) * axis.day_seconds
                received = axis.instant(pos)
            applicant = applicants[int(rng.random() * len(applicants))]
            channel = _channel(rng, version)
            if channel == Channel.COUNTER and rng.random() < ONLINE_SHARE:
                channel = Channel.ONLINE if rng.random() < 0.7 else Channel.ASSISTED_ONLINE
            postal_return = version.is_postal_return_allowed and rng.random() < 0.15
            row = _DossierRow(dossier_id, plan, received, applicant, channel, postal_return, rng)

            if rng.random() < REFUSE_SHARE:
                row.refuse(e_rows, event_id)
                event_id += 1
            else:
                day = received.date()
                key = (plan.receiving_id, day)
                number = counters.get(key, 0) + 1
                counters[key] = number
                touched.add(key)
                code = f"{plan.agency_code}-{day:%y%m%d}-{number:04d}"
                due = _due(axis, version, received, pos, deadline_cache)
                step_id, event_id = row.walk(
                    code=code,
                    pos=pos,
                    due=due,
                    axis=axis,
                    now=now_local,
                    today=today,
                    s_rows=s_rows,
                    e_rows=e_rows,
                    step_id=step_id,
                    event_id=event_id,
                )
                for order, (req_id, name, paper_kind, quantity) in enumerate(plan.documents, 1):
                    digitised = channel in (Channel.ONLINE, Channel.ASSISTED_ONLINE) or rng.random() < 0.7
                    doc_rows.append(
                        (
                            document_id,
                            dossier_id,
                            req_id,
                            order,
                            name,
                            paper_kind,
                            quantity,
                            True,
                            False,
                            None,
                            "",
                            "application/pdf" if digitised else "",
                            int(rng.random() * 900_000) + 50_000 if digitised else 0,
                            "",
                            digitised,
                            received if digitised else None,
                            None,
                        )
                    )
                    document_id += 1
            d_rows.append(row.as_tuple(now))
            dossier_id += 1
        with transaction.atomic():
            writer.write(Dossier, d_rows)
            writer.write(DossierStep, s_rows)
            writer.write(DossierEvent, e_rows)
            writer.write(DossierDocument, doc_rows)
        counts["dossiers"] += len(d_rows)
        counts["steps"] += len(s_rows)
        counts["events"] += len(e_rows)
        counts["documents"] += len(doc_rows)
        done += size
        if progress:
            _progress(done, dossiers, started)
    if progress:
        sys.stderr.write("\n")
    _sequences_update({key: counters[key] for key in touched})
    writer.finish([Applicant, Dossier, DossierStep, DossierEvent, DossierDocument])
    counts["figures_seconds"] = _figures_add(first_id - 1, dossiers, progress)
    elapsed = monotonic.monotonic() - started
    counts["seconds"] = round(elapsed, 1)
    counts["dossiers_per_second"] = round(counts["dossiers"] / max(elapsed, 1e-6))
    rows = counts["dossiers"] + counts["steps"] + counts["events"] + counts["documents"]
    counts["rows_per_second"] = round(rows / max(elapsed, 1e-6))
    return counts


def _due(axis: WorkAxis, version, received: datetime, pos: float, cache: dict) -> datetime:
    """The appointment, as `dossier_due` computes it: working days and hours on the axis, the other kinds
    through the calendar itself (cached per day)."""
    amount, kind = version.committed_time_amount, version.committed_time_unit
    calendar = axis.calendar
    if kind == TimeUnit.WORKING_DAYS:
        if calendar.is_after_cutoff(received):
            start = (axis.day_of(pos) + 1) * axis.day_seconds
        else:
            start = pos
        return axis.instant(axis.add_hours(start, float(amount) * 8))
    if kind == TimeUnit.WORKING_HOURS:
        return axis.instant(axis.add_hours(pos, float(amount)))
    key = (id(axis), amount, kind, received.date(), calendar.is_after_cutoff(received))
    if key not in cache:
        cache[key] = calendar.deadline(received, amount, kind)
    return cache[key]


def _applicant_pool(rng: random.Random, size: int) -> list[tuple]:
    base = _next_id(Applicant)
    objects = []
    for i in range(size):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        objects.append(
            Applicant(
                kind=ApplicantKind.PERSON,
                name=name,
                id_number=f"0979{base + i:08d}",
                phone=f"09{rng.randint(10000000, 99999999)}",
                address=f"Số {rng.randint(1, 300)}, khóm {rng.randint(1, 9)}, {rng.choice(PLACES)}, tỉnh Cà Mau",
            )
        )
    created = Applicant.objects.bulk_create(objects, batch_size=5000)
    pool = []
    for a in created:
        pk = a.pk if a.pk is not None else Applicant.objects.get(id_number=a.id_number).pk
        pool.append((pk, a.name, a.id_number, a.phone, a.address, fold(a.name)))
    return pool


def _sequences_update(counters: dict[tuple[int, date], int]) -> None:
    """Each (unit, day) counter becomes at least the highest number issued, so the next real intake of that
    day continues after it without a collision."""
    if not counters:
        return
    table = DossierCodeSequence._meta.db_table
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    items = [(unit, day, last) for (unit, day), last in counters.items()]
    with connection.cursor() as cursor:
        for start in range(0, len(items), 5000):
            cursor.executemany(
                f"INSERT INTO {table} (unit_id, day, last) VALUES (%s, %s, %s) ON CONFLICT (unit_id, day) "
                f"DO UPDATE SET last = {greatest}({table}.last, excluded.last)",
                items[start : start + 5000],
            )


class _DossierRow:
    """One dossier's columns, filled by its simulated life."""

    def __init__(self, pk, plan: _Plan, received, applicant, channel, postal_return, rng) -> None:
        self.pk, self.plan, self.received, self.applicant = pk, plan, received, applicant
        self.channel, self.postal_return, self.rng = channel, postal_return, rng
        self.code = None
        self.status = Status.REFUSED
        self.clock_start = self.due = self.ready = self.returned = self.closed = None
        self.outcome = self.timeliness = ""
        self.current_step = None
        self.worked_minutes = None
        # The history's hash chain, computed as the rows are built (dossiers/history.py).
        self.history_count, self.history_head = 0, ""

    def chain(self, row: tuple) -> tuple:
        """The event row with its hash, chained to the previous one of this dossier."""
        (
            _pk,
            dossier_id,
            seq,
            action,
            from_status,
            to_status,
            at,
            actor,
            unit,
            from_step,
            to_step,
            note,
            data,
        ) = row
        self.history_head = event_hash(
            prev=self.history_head,
            dossier_id=dossier_id,
            seq=seq,
            action=action,
            from_status=from_status,
            to_status=to_status,
            at=at,
            actor_id=actor,
            actor_unit_id=unit,
            from_step_id=from_step,
            to_step_id=to_step,
            note=note,
            data=data,
        )
        self.history_count = seq
        return (*row, self.history_head)

    def refuse(self, e_rows, event_id) -> None:
        self.closed = self.received
        e_rows.append(
            self.chain(
                (
                    event_id,
                    self.pk,
                    1,
                    Action.REFUSE,
                    Status.DRAFT,
                    Status.REFUSED,
                    self.received,
                    self.plan.receiver_id,
                    self.plan.receiving_id,
                    None,
                    None,
                    "Thủ tục không thuộc thẩm quyền giải quyết",
                    {"reason": "Thủ tục không thuộc thẩm quyền giải quyết"},
                )
            )
        )

    def walk(self, *, code, pos, due, axis, now, today, s_rows, e_rows, step_id, event_id):
        rng, plan = self.rng, self.plan
        self.code, self.due, self.status = code, due, Status.RECEIVED
        cutoff = plan.routing.version.committed_time_unit != TimeUnit.CALENDAR_DAYS
        if cutoff and axis.calendar.is_after_cutoff(self.received):
            self.clock_start = axis.opening(axis.day_of(pos) + 1)
            clock_pos = (axis.day_of(pos) + 1) * axis.day_seconds
        else:
            self.clock_start = self.received
            clock_pos = pos
        seq = 0

        def event(action, from_status, to_status, at, actor, unit, from_step=None, to_step=None, data=None):
            nonlocal seq, event_id
            seq += 1
            e_rows.append(
                self.chain(
                    (
                        event_id,
                        self.pk,
                        seq,
                        action,
                        from_status,
                        to_status,
                        at,
                        actor,
                        unit,
                        from_step,
                        to_step,
                        "",
                        data or {},
                    )
                )
            )
            event_id += 1

        open_step: list | None = None  # the step row being built (a list, turned into a tuple when written)

        def start_step(plan_step: _StepPlan, at_pos: float) -> int:
            nonlocal step_id, open_step
            started = axis.instant(at_pos)
            step_due = axis.instant(axis.add_hours(at_pos, float(plan_step.budget)))
            open_step = [
                step_id,
                self.pk,
                plan_step.process_step_id,
                plan_step.order,
                plan_step.name,
                plan_step.unit_id,
                plan_step.role,
                None,
                plan_step.budget,
                started,
                step_due,
                None,
                None,
                "",
                "",
                None,
                None,
            ]
            self.current_step = step_id
            step_id += 1
            return open_step[0]

        def finish_step(at: datetime, actor) -> int | None:
            nonlocal open_step
            if open_step is None:
                return None
            open_step[11], open_step[12] = at, actor
            open_step[13] = timeliness_of(at, open_step[10]).value
            s_rows.append(tuple(open_step))
            pk = open_step[0]
            open_step, self.current_step = None, None
            return pk

        def close_open() -> None:
            if open_step is not None:
                s_rows.append(tuple(open_step))

        recent = (today - self.received.date()).days <= RECENT_DAYS
        stuck_at = rng.randint(1, len(plan.steps)) if recent and rng.random() < STUCK_SHARE else None
        steps = plan.steps
        index = 0
        first_pk = None
        if steps[0].role == Role.RECEIVING_OFFICER and steps[0].unit_id == plan.receiving_id:
            first_pk = start_step(steps[0], pos)
        else:
            index = -1
        event(
            Action.RECEIVE,
            Status.DRAFT,
            Status.RECEIVED,
            self.received,
            plan.receiver_id,
            plan.receiving_id,
            to_step=first_pk,
            data={"code": code, "due_at": due.isoformat()},
        )
        if rng.random() < STOP_SHARE:
            at_pos = axis.add_hours(pos, 2)
            at = axis.instant(at_pos)
            if at < now:
                from_pk = finish_step(at, plan.receiver_id)
                self.status, self.closed = Status.STOPPED, at
                event(
                    Action.STOP,
                    Status.RECEIVED,
                    Status.STOPPED,
                    at,
                    plan.receiver_id,
                    plan.receiving_id,
                    from_pk,
                )
                return step_id, event_id
        # Transfer to the first processing step.
        pos = axis.add_hours(pos, 0.2 + rng.random() * 1.3)
        at = axis.instant(pos)
        if at >= now:
            close_open()
            return step_id, event_id
        index += 1
        from_pk = finish_step(at, plan.receiver_id)
        to_pk = start_step(steps[index], pos)
        self.status = Status.PROCESSING
        event(
            Action.TRANSFER,
            Status.RECEIVED,
            Status.PROCESSING,
            at,
            plan.receiver_id,
            plan.receiving_id,
            from_pk,
            to_pk,
        )
        while index <= plan.decide_index:
            step = steps[index]
            if stuck_at is not None and index >= stuck_at:
                close_open()
                return step_id, event_id
            late = rng.random() < LATE_STEP_SHARE
            factor = 1.3 + rng.random() * 1.7 if late else 0.2 + rng.random() * 0.75
            pos = axis.add_hours(pos, float(step.budget) * factor)
            at = axis.instant(pos)
            if at >= now:
                close_open()
                return step_id, event_id
            from_pk = finish_step(at, step.actor_id)
            if index == plan.decide_index:
                outcome = Outcome.DENIED if rng.random() < DENY_SHARE else Outcome.APPROVED
                self.outcome, self.ready = outcome.value, at
                # Working minutes on the axis (positions are working seconds); synth has no pauses.
                self.worked_minutes = max(round((pos - clock_pos) / 60), 0)
                self.timeliness = timeliness_of(at, due).value
                self.status = Status.RESULT_READY
                to_pk = start_step(steps[plan.return_index], pos) if plan.return_index is not None else None
                event(
                    Action.APPROVE if outcome == Outcome.APPROVED else Action.DENY,
                    Status.PROCESSING,
                    Status.RESULT_READY,
                    at,
                    step.actor_id,
                    step.unit_id,
                    from_pk,
                    to_pk,
                    {"outcome": outcome.value, "timeliness": self.timeliness},
                )
                break
            index += 1
            to_pk = start_step(steps[index], pos)
            event(
                Action.FORWARD,
                Status.PROCESSING,
                Status.PROCESSING,
                at,
                step.actor_id,
                step.unit_id,
                from_pk,
                to_pk,
            )
        pos = axis.add_hours(pos, 0.5 + rng.random() * 15.5)
        at = axis.instant(pos)
        if at >= now:
            close_open()
            return step_id, event_id
        from_pk = finish_step(at, plan.receiver_id)
        self.status, self.returned, self.closed = Status.RETURNED, at, at
        event(
            Action.RETURN_RESULT,
            Status.RESULT_READY,
            Status.RETURNED,
            at,
            plan.receiver_id,
            plan.receiving_id,
            from_pk,
        )
        return step_id, event_id

    def as_tuple(self, now: datetime) -> tuple:
        plan, a = self.plan, self.applicant
        version = plan.routing.version
        received = self.received if self.code else None
        return (
            self.pk,
            self.code,
            version.pk,
            self.status,
            self.channel,
            plan.receiving_id,
            plan.competent_id,
            a[0],
            ApplicantKind.PERSON,
            a[1],
            a[2],
            None,
            a[3],
            "",
            a[4],
            a[5],
            "",
            "",
            "",
            None,
            1,
            int(self.rng.random() * 12) + 1,
            0,
            False,
            ReturnMode.POSTAL if self.postal_return else ReturnMode.COUNTER,
            "Bưu điện tỉnh Cà Mau chuyển phát đến địa chỉ người nộp" if self.postal_return else "",
            "",
            {},
            None,
            "",
            None,
            "",
            self.received,
            None,
            received,
            self.clock_start,
            self.due,
            self.due,
            None,
            self.ready,
            self.returned,
            self.closed,
            self.outcome,
            self.worked_minutes,
            self.timeliness,
            self.current_step,
            now,
            None,
            now,
            self.history_count,
            self.history_head,
        )


def synth_columns_check() -> None:
    """The tuples above follow the models' column order; fail loudly if a migration changes it."""
    expected = {
        Dossier: 51,
        DossierStep: 17,
        DossierEvent: 14,
        DossierDocument: 17,
    }
    for model, width in expected.items():
        if len(_columns(model)) != width:
            raise SynthError(f"{model.__name__} has {len(_columns(model))} columns, synth writes {width}")


__all__ = ["SynthError", "WorkAxis", "synth", "synth_columns_check"]
