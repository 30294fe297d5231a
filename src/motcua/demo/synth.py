"""Synthetic dossiers at scale: `motcua synth --dossiers N --years Y` simulates a province's years of intake
so that reports, worklists and look-ups can be measured on millions of rows (bench/, docs/performance.md).

Why arrays and not the services: `dossier_intake` / `dossier_transition` run one transaction per action with
locking upserts, history rows and calendar walks — about a dozen queries per action, five to eight actions per
dossier. demo/dossiers.py drives 200 dossiers that way in seconds; ten million would take days, and even a
Python loop per dossier takes hours. Here a batch of dossiers is computed at once with NumPy by the same rules
(code per receiving unit and day, appointment from the committed time on the receiving unit's calendar, one
step per process step with its budget, timeliness against the original appointment, the history's hash chain,
each dossier's part of the pre-aggregated figures) and written through PostgreSQL `COPY` in its binary format
(pgpq encodes the Arrow columns), `bulk_create` elsewhere. tests/demo/test_synth.py checks the rows against the
services' rules, the hash chains with `verify_history` and the figures against `reports.figures.contribution`.

Simplifications, deliberate: no supplements, pauses or extensions (so `due_at == original_due_at`); step times
are walked on the receiving unit's office hours; digitised documents carry no file; no step is assigned; no fee,
rating or payment."""

from __future__ import annotations

import hashlib
import io
import json
import queue
import random
import sys
import threading
import time as monotonic
from bisect import bisect_right
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pgpq
import pgpq.encoders
import pgpq.schema
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from pyarrow import csv

from motcua.catalog.enums import StepUnitMode, TimeUnit
from motcua.catalog.services import process_for_unit
from motcua.core.text import fold
from motcua.dossiers.enums import Action, ApplicantKind, Channel, Outcome, ReturnMode, Status, Timeliness
from motcua.dossiers.history import FORMAT_VERSION
from motcua.dossiers.history import _canonical as json_canonical
from motcua.dossiers.models import (
    Applicant,
    Dossier,
    DossierCodeSequence,
    DossierDocument,
    DossierEvent,
    DossierStep,
)
from motcua.org.enums import Role
from motcua.org.models import Unit
from motcua.reports.figures import committed_minutes
from motcua.reports.models import KEY_FIELDS, MEASURES, FigureDelta, FigureState, Grain
from motcua.workcal.calendar import LOCAL_TZ, WorkingCalendar, calendar_from
from motcua.workcal.selectors import calendar_overrides

from .dossiers import GIVEN, MIDDLE, PLACES, SURNAMES, _Actors, _Routing, _routings

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


# --- the axes as arrays ----------------------------------------------------------------------------------------
UNIX_ORDINAL = date(1970, 1, 1).toordinal()
TIMELINESS_NAMES = np.array([Timeliness.EARLY.value, Timeliness.ON_TIME.value, Timeliness.LATE.value, ""])
CHANNELS = (Channel.COUNTER, Channel.POSTAL, Channel.ONLINE, Channel.ASSISTED_ONLINE)
NO_ID = -1  # a missing id inside integer arrays; written as NULL


class _Axes:
    """Every working-time axis side by side as arrays, so that a batch of dossiers on different office hours
    is placed at once. Same arithmetic as `WorkAxis.instant`, on epoch seconds."""

    def __init__(self, axes: list[WorkAxis], offset: int) -> None:
        count, width = len(axes), max(len(a.days) for a in axes)
        periods = max(len(a.periods) for a in axes)
        self.offset = offset
        self.ds = np.array([a.day_seconds for a in axes], dtype=float)
        self.hour = np.array([a.hour for a in axes], dtype=float)
        self.ndays = np.array([len(a.days) for a in axes])
        self.day_epoch = np.zeros((count, width), dtype=np.int64)
        self.p_start = np.zeros((count, periods))
        self.p_len = np.zeros((count, periods))
        self.p_valid = np.zeros((count, periods), dtype=bool)
        self.last_end = np.zeros(count)
        self.cutoff = np.zeros(count)
        for k, axis in enumerate(axes):
            ordinals = np.array([d.toordinal() for d in axis.days], dtype=np.int64)
            self.day_epoch[k, : len(axis.days)] = (ordinals - UNIX_ORDINAL) * 86400 - offset
            for j, (start, length) in enumerate(axis.periods):
                self.p_start[k, j] = start.hour * 3600 + start.minute * 60 + start.second
                self.p_len[k, j] = length
                self.p_valid[k, j] = True
            self.last_end[k] = self.p_start[k, len(axis.periods) - 1] + self.p_len[k, len(axis.periods) - 1]
            cut = axis.calendar.cutoff
            self.cutoff[k] = cut.hour * 3600 + cut.minute * 60 + cut.second

    def instant(self, a: np.ndarray, position: np.ndarray) -> np.ndarray:
        """Epoch seconds of working positions (as WorkAxis.instant)."""
        ds = self.ds[a]
        i = np.floor_divide(position, ds).astype(np.int64)
        rest = position - i * ds
        # The end of a working day, not the opening of the next one (like add_working_hours).
        back = (rest == 0) & (i > 0)
        i = np.where(back, i - 1, i)
        rest = np.where(back, ds, rest)
        if (i >= self.ndays[a]).any():
            raise SynthError("working-time axis too short")
        out = self.last_end[a].copy()
        done = np.zeros(len(position), dtype=bool)
        for j in range(self.p_len.shape[1]):
            length = self.p_len[a, j]
            hit = ~done & self.p_valid[a, j] & (rest <= length)
            out = np.where(hit, self.p_start[a, j] + np.round(rest), out)
            done |= hit
            rest = rest - length
        return self.day_epoch[a, i] + out.astype(np.int64)

    def opening(self, a: np.ndarray, index: np.ndarray) -> np.ndarray:
        return self.day_epoch[a, index] + self.p_start[a, 0].astype(np.int64)

    def local_day(self, epoch: np.ndarray) -> np.ndarray:
        """Days since 1970-01-01 of the local date of epoch seconds."""
        return np.floor_divide(epoch + self.offset, 86400)


def _timeliness(axes: _Axes, finished: np.ndarray, due: np.ndarray) -> np.ndarray:
    """Codes into TIMELINESS_NAMES, as dossiers.services.timeliness_of."""
    early = axes.local_day(finished) < axes.local_day(due)
    return np.where(early, 0, np.where(finished <= due, 1, 2))


# --- column arrays → tables ------------------------------------------------------------------------------------
def _ts(epoch: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """UTC instants without a zone: Arrow writes those ~18× faster than zoned ones, and the COPY session runs
    in UTC (`_Writer._copy`)."""
    micros = epoch.astype(np.int64) * 1_000_000
    return pa.array(micros, type=pa.timestamp("us"), mask=None if valid is None else ~valid)


def _iso(epoch: np.ndarray) -> pa.Array:
    """'YYYY-MM-DDTHH:MM:SS' of whole-second epochs (a cast: strftime is ten times slower)."""
    return pc.replace_substring(pc.cast(pa.array(epoch, type=pa.timestamp("s")), pa.string()), " ", "T")


def _ids(values: np.ndarray) -> pa.Array:
    return pa.array(values, type=pa.int64(), mask=values == NO_ID)


def _text(values) -> pa.Array:
    return pa.array(values, type=pa.string())


def _yymmdd(days: np.ndarray) -> pa.Array:
    """'yymmdd' of days since 1970-01-01."""
    stamp = days.astype("datetime64[D]")
    year = stamp.astype("datetime64[Y]").astype(np.int64) + 1970
    month = stamp.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (stamp - stamp.astype("datetime64[M]")).astype(np.int64) + 1
    number = (year % 100) * 10000 + month * 100 + day
    return pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 6, "0")


def _table(model, columns: dict, length: int) -> pa.Table:
    """A table in the model's column order; a plain Python value is repeated down the column."""
    arrays, names = [], []
    for column in _columns(model):
        value = columns[column]
        if not isinstance(value, pa.Array | pa.ChunkedArray):
            value = pa.nulls(length) if value is None else pa.repeat(pa.scalar(value), length)
        arrays.append(value)
        names.append(column)
    return pa.table(arrays, names=names)


def _columns(model) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


# PostgreSQL's binary COPY takes each value in the column's own representation: the server skips the CSV
# parser and the text input functions (timestamps above all), which were over half of the COPY backend's time
# (perf, 1 M dossiers). Only these column types are encoded; a table with any other falls back to CSV.
_BINARY_TYPES = {
    "int8": pa.int64(),
    "int4": pa.int32(),
    "int2": pa.int16(),
    "bool": pa.bool_(),
    "text": pa.string(),
    "varchar": pa.string(),
    "jsonb": pa.string(),
    "timestamptz": pa.timestamp("us"),  # the same eight bytes as `timestamp`: microseconds since 2000, UTC
    "date": pa.date32(),
    "float8": pa.float64(),
}
_column_types: dict[tuple[int, str], dict[str, tuple[str, int]]] = {}


def _binary(raw_connection, db_table: str, table: pa.Table) -> bytes | None:
    """The table in PostgreSQL's binary COPY format (pgpq), or None when a column's type is not handled."""
    key = (id(raw_connection), db_table)
    if key not in _column_types:
        with raw_connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.attname, t.typname, a.atttypmod FROM pg_attribute a "
                "JOIN pg_type t ON t.oid = a.atttypid "
                "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
                [db_table],
            )
            _column_types[key] = {name: (kind, modifier) for name, kind, modifier in cursor.fetchall()}
    types = _column_types[key]
    arrays, fields, encoders = [], [], {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        kind, modifier = types[name]
        if kind == "numeric" and modifier >= 4:
            precision, scale = ((modifier - 4) >> 16) & 0xFFFF, (modifier - 4) & 0xFFFF
            target = pa.decimal128(precision, scale)
        elif kind in _BINARY_TYPES:
            target = _BINARY_TYPES[kind]
        else:
            return None
        if column.type != target:
            column = pc.cast(column, target)
        field_ = pa.field(name, target)
        arrays.append(column)
        fields.append(field_)
        if kind == "jsonb":
            encoders[name] = pgpq.encoders.StringEncoderBuilder.new_with_output(field_, pgpq.schema.Jsonb())
        else:
            encoders[name] = pgpq.ArrowToPostgresBinaryEncoder.infer_encoder(field_)
    schema = pa.schema(fields)
    encoder = pgpq.ArrowToPostgresBinaryEncoder.new_with_encoders(schema, encoders)
    parts = [encoder.write_header()]
    for batch in pa.Table.from_arrays(arrays, schema=schema).to_batches(max_chunksize=65536):
        parts.append(encoder.write_batch(batch))
    parts.append(encoder.finish())
    return b"".join(parts)


class _Writer:
    """PostgreSQL: binary COPY (CSV for a table with a column type not encoded), sent by a background thread
    on the same connection (and transaction), so that the next batch is computed while the server stores this
    one. Elsewhere: bulk_create."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def write(self, model, table: pa.Table) -> None:
        if table.num_rows == 0:
            return
        if not self.postgres:
            self._bulk(model, table)
            return
        if self._thread is None:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL TIME ZONE 'UTC'")  # the instants are written without a zone
            self._queue = queue.Queue(maxsize=8)
            self._thread = threading.Thread(target=self._run, args=(connection.connection,), daemon=True)
            self._thread.start()
        self._raise()
        self._queue.put((model._meta.db_table, table))

    def flush(self) -> None:
        """Wait until everything queued is stored; the caller may use the connection again afterwards."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        self._raise()

    def close(self) -> None:
        """After a failure: stop the thread before the transaction rolls back (its error, if any, is dropped:
        the one being raised is the cause)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise SynthError(f"COPY failed: {error}") from error

    def _run(self, raw_connection) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue  # drain: the main thread raises at its next write or flush
            try:
                self._copy(raw_connection, *item)
            except BaseException as error:  # noqa: BLE001 - handed to the main thread
                self._error = error

    @staticmethod
    def _copy(raw_connection, db_table: str, table: pa.Table) -> None:
        qn = connection.ops.quote_name
        names = ", ".join(qn(c) for c in table.column_names)
        encoded = _binary(raw_connection, db_table, table)
        if encoded is not None:
            form = "binary"
        else:
            form = "csv"
            buffer = io.BytesIO()
            csv.write_csv(table, buffer, csv.WriteOptions(include_header=False, batch_size=65536))
            encoded = buffer.getbuffer()
        with raw_connection.cursor() as cursor:
            with cursor.copy(f"COPY {qn(db_table)} ({names}) FROM STDIN WITH (FORMAT {form})") as copy:
                view = memoryview(encoded)
                for start in range(0, len(view), 1 << 20):
                    copy.write(view[start : start + (1 << 20)])
                del view

    @staticmethod
    def _bulk(model, table: pa.Table) -> None:
        fields = {f.column: f for f in model._meta.concrete_fields}
        objects = []
        for row in table.to_pylist():
            values = {}
            for column, value in row.items():
                field_ = fields[column]
                kind = field_.get_internal_type()
                if kind == "JSONField" and value is not None:
                    value = json.loads(value)
                elif kind == "DecimalField" and value is not None:
                    value = Decimal(value)
                elif isinstance(value, datetime) and value.tzinfo is None:
                    value = value.replace(tzinfo=UTC)
                values[field_.attname] = value
            objects.append(model(**values))
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


@contextmanager
def _bulk_load(models, enabled: bool):
    """On PostgreSQL, for a large synth: the secondary indexes and the unique constraints (not the primary keys,
    nor a constraint a foreign key relies on) are dropped and built again once at the end (one sort per index
    instead of ten million insertions), and foreign-key triggers are off while COPY runs
    (`session_replication_role`, superuser only; the generator writes only ids it has just read). A unique
    constraint rebuilt at the end still checks every row. Dropped because its insertions land all over the
    index (a dossier code sorts by unit before date): with 10 M rows the index no longer fits in the server's
    buffers and each insertion wrote a page back. Partial indexes stay: their conditions (open steps, assisted
    dossiers, reused documents) leave out nearly every synthetic row, so keeping one up to date costs a test
    per row, where building it again would read the whole table once more. Inside the caller's transaction: a
    failure restores every index and constraint with the rollback."""
    report = {"indexes_rebuilt": 0, "index_seconds": 0.0}
    if not (enabled and connection.vendor == "postgresql"):
        yield report
        return
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema() AND x.indpred IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)",
            [tables],
        )
        indexes = [(name, definition) for _, name, definition in cursor.fetchall()]
        cursor.execute(
            "SELECT t.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class t ON t.oid = k.conrelid "
            "WHERE k.contype = 'u' AND t.relname = ANY(%s) AND t.relnamespace = current_schema()::regnamespace "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid)",
            [tables],
        )
        constraints = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield report
    started = monotonic.monotonic()
    with connection.cursor() as cursor:
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = origin")
        # The largest sorts (48 M history rows at 10 M dossiers) stay in memory instead of merging on disk.
        cursor.execute("SET LOCAL maintenance_work_mem = '2GB'")
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            report["indexes_rebuilt"] += 1
        for _name, definition in indexes:
            cursor.execute(definition)
            report["indexes_rebuilt"] += 1
    report["index_seconds"] = round(monotonic.monotonic() - started, 1)


# --- the generator ---------------------------------------------------------------------------------------------
def _progress(done: int, total: int, started: float) -> None:
    elapsed = max(monotonic.monotonic() - started, 1e-6)
    sys.stderr.write(
        f"\rsynth: {done:>10,}/{total:,} dossiers ({100 * done / max(total, 1):5.1f} %) "
        f"{done / elapsed:8,.0f}/s  {elapsed:6.0f} s"
    )
    sys.stderr.flush()


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def _local_offset(first: date, last: date) -> int:
    """The zone's offset in seconds; the arrays assume it is the same over the whole period (Vietnam: +07:00
    since 1975, no summer time)."""
    offsets = {
        datetime.combine(first + timedelta(days=d), datetime.min.time(), tzinfo=LOCAL_TZ).utcoffset()
        for d in range(0, (last - first).days + 1, 30)
    }
    if len(offsets) != 1:
        raise SynthError("the local time zone changes its offset inside the period")
    return int(offsets.pop().total_seconds())


@dataclass
class _Ids:
    dossier: int
    step: int
    event: int
    document: int


class _Context:
    """What the batches share: plans as arrays, the axes, code counters, applicants, the figures being summed."""

    def __init__(
        self, *, plans, weights, axes, axis_index, bounds, counters, applicants, now, today, first_day
    ):
        self.plans = plans
        cumulative = np.cumsum(np.array(weights, dtype=float))
        self.cumulative, self.total_weight = cumulative, float(cumulative[-1])
        self.axes = axes
        self.now = now.timestamp()
        self.now_micros = (now - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
        self.today = (today - date(1970, 1, 1)).days
        self.counters = counters
        self.touched: set[tuple[int, date]] = set()
        self.deadlines: dict[tuple, int] = {}
        self.axis_calendars = axis_index
        p = plans
        self.p_axis = np.array([axis_index[plan.receiving_id][0] for plan in p])
        self.p_lo = np.array([bounds[axis_index[plan.receiving_id][0]][0] for plan in p])
        self.p_hi = np.array([bounds[axis_index[plan.receiving_id][0]][1] for plan in p])
        self.p_receiving = np.array([plan.receiving_id for plan in p])
        self.p_competent = np.array([plan.competent_id for plan in p])
        self.p_version = np.array([plan.routing.version.pk for plan in p])
        self.p_receiver = np.array([plan.receiver_id for plan in p])
        self.p_agency = pa.array([plan.agency_code for plan in p], type=pa.string())
        units = [plan.routing.version.committed_time_unit for plan in p]
        self.p_kind = np.array(
            [0 if u == TimeUnit.WORKING_DAYS else 1 if u == TimeUnit.WORKING_HOURS else 2 for u in units]
        )
        self.p_clock_cutoff = np.array([u != TimeUnit.CALENDAR_DAYS for u in units])
        self.p_amount = np.array([float(plan.routing.version.committed_time_amount) for plan in p])
        self.p_postal_in = np.array([plan.routing.version.is_postal_intake_allowed for plan in p])
        self.p_counter_in = np.array([plan.routing.version.is_counter_intake_allowed for plan in p])
        self.p_postal_return = np.array([plan.routing.version.is_postal_return_allowed for plan in p])
        self.p_committed = np.array(
            [
                committed_minutes(
                    plan.routing.version.committed_time_amount, plan.routing.version.committed_time_unit
                )
                for plan in p
            ],
            dtype=np.int64,
        )
        pool = list(zip(*applicants, strict=True))
        self.a_id = np.array(pool[0], dtype=np.int64)
        self.a_name, self.a_id_number, self.a_phone, self.a_address, self.a_search = (
            _text(pool[i]) for i in range(1, 6)
        )
        # The figures, summed densely: [key, day, measure]; a key is (plan, channel) — the officer is the
        # plan's receiver — and a day counts from `day0`.
        self.day0 = (first_day - date(1970, 1, 1)).days - 2
        self.days = self.today + 1200 - self.day0
        self.sums = np.zeros(len(p) * len(CHANNELS) * self.days * len(MEASURES), dtype=np.int64)
        self.labels = {name: i for i, name in enumerate(MEASURES)}


def _deadline(ctx: _Context, plan_index: int, received: int, day: int, after_cut: bool) -> int:
    """Appointments that are not counted in working hours or days: the calendar itself, cached per day."""
    version = ctx.plans[plan_index].routing.version
    a, calendar = ctx.axis_calendars[ctx.plans[plan_index].receiving_id]
    key = (a, version.committed_time_amount, version.committed_time_unit, day, after_cut)
    if key not in ctx.deadlines:
        at = datetime.fromtimestamp(int(received), tz=UTC).astimezone(LOCAL_TZ)
        ctx.deadlines[key] = int(
            calendar.deadline(at, version.committed_time_amount, version.committed_time_unit).timestamp()
        )
    return ctx.deadlines[key]


def _codes(ctx: _Context, plan, received, day, ok) -> pa.Array:
    """Codes per receiving unit and day, numbered in the order of reception after those already issued."""
    n = len(plan)
    idx = np.flatnonzero(ok)
    unit = ctx.p_receiving[plan]
    order = idx[np.lexsort((received[idx], day[idx], unit[idx]))]
    u_s, d_s = unit[order], day[order]
    new_group = np.ones(len(order), dtype=bool)
    new_group[1:] = (u_s[1:] != u_s[:-1]) | (d_s[1:] != d_s[:-1])
    starts = np.flatnonzero(new_group)
    group = np.cumsum(new_group) - 1
    rank = np.arange(len(order)) - starts[group]
    base = np.empty(len(starts), dtype=np.int64)
    sizes = np.diff(np.append(starts, len(order)))
    for g, s in enumerate(starts):
        key = (int(u_s[s]), date.fromordinal(int(d_s[s]) + UNIX_ORDINAL))
        base[g] = ctx.counters.get(key, 0)
        ctx.counters[key] = int(base[g] + sizes[g])
        ctx.touched.add(key)
    number = np.zeros(n, dtype=np.int64)
    number[order] = base[group] + rank + 1
    agency = ctx.p_agency.take(pa.array(plan))
    text = pc.binary_join_element_wise(
        agency,
        "-",
        _yymmdd(day),
        "-",
        pc.utf8_lpad(pc.cast(pa.array(number), pa.string()), 4, "0"),
        "",
    )
    return pc.if_else(pa.array(ok), text, pa.nulls(n, pa.string()))


STATUS_NAMES = (
    Status.REFUSED,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.RESULT_READY,
    Status.RETURNED,
    Status.STOPPED,
)
REFUSED, RECEIVED, PROCESSING, RESULT_READY, RETURNED, STOPPED = range(6)
REFUSAL = "Thủ tục không thuộc thẩm quyền giải quyết"


@dataclass
class _Rows:
    """One batch's rows, column by column (numpy or Arrow arrays), before they become tables."""

    steps: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)


def _events(
    rows: _Rows,
    *,
    mask,
    dossier,
    action,
    from_status,
    to_status,
    at,
    actor,
    unit,
    from_step,
    to_step,
    data_kind,
    note_kind,
):
    """Event slots of a group as matrices (dossiers × slots); `mask` says which happened."""
    seq = np.broadcast_to(np.arange(1, mask.shape[1] + 1), mask.shape)
    pick = {
        "dossier": dossier,
        "seq": seq,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "at": at,
        "actor": actor,
        "unit": unit,
        "from_step": from_step,
        "to_step": to_step,
        "data_kind": data_kind,
        "note_kind": note_kind,
    }
    # Row-major selection: a dossier's events stay together and in order.
    rows.events.append({k: np.broadcast_to(v, mask.shape)[mask] for k, v in pick.items()})


ACTIONS = (
    Action.RECEIVE,
    Action.REFUSE,
    Action.STOP,
    Action.TRANSFER,
    Action.FORWARD,
    Action.APPROVE,
    Action.DENY,
    Action.RETURN_RESULT,
)
A_RECEIVE, A_REFUSE, A_STOP, A_TRANSFER, A_FORWARD, A_APPROVE, A_DENY, A_RETURN = range(8)
STATUS_VALUES = (Status.DRAFT, *STATUS_NAMES)  # event statuses: 0 draft, then STATUS_NAMES shifted by one
# data kinds: 0 {}, 1 the receipt (code, appointment), 2 the refusal, 3.. the decisions (outcome × timeliness)
DECISIONS = [(o, t) for o in (Outcome.APPROVED, Outcome.DENIED) for t in TIMELINESS_NAMES[:3]]


def _walk_group(ctx: _Context, rng, rows: _Rows, d: dict, g: np.ndarray, p: int, ids: _Ids) -> None:
    """The lives of the dossiers `g` of plan `p`, the same rules as the lifecycle services."""
    axes, plan = ctx.axes, ctx.plans[p]
    steps = plan.steps
    m = len(g)
    a = np.full(m, ctx.p_axis[p])
    hour = axes.hour[ctx.p_axis[p]]
    reception = steps[0].role == Role.RECEIVING_OFFICER and steps[0].unit_id == plan.receiving_id
    first, decide, ret = (1 if reception else 0), plan.decide_index, plan.return_index
    nproc = decide - first + 1
    pos, received, due, now = d["pos"][g], d["received"][g], d["due"][g], ctx.now

    recent = (ctx.today - d["day"][g]) <= RECENT_DAYS
    stuck_at = np.where(recent & (rng.random(m) < STUCK_SHARE), rng.integers(1, len(steps) + 1, m), 1 << 20)
    at_stop = axes.instant(a, pos + 2 * hour)
    stopped = (rng.random(m) < STOP_SHARE) & (at_stop < now)
    p_transfer = pos + (0.2 + rng.random(m) * 1.3) * hour
    at_transfer = axes.instant(a, p_transfer)
    moved = ~stopped & (at_transfer < now)
    budgets = np.array([float(s.budget) for s in steps])
    late = rng.random((m, nproc)) < LATE_STEP_SHARE
    draw = rng.random((m, nproc))
    factor = np.where(late, 1.3 + draw * 1.7, 0.2 + draw * 0.75)
    ends = np.empty((m, nproc))
    at_end = np.empty((m, nproc), dtype=np.int64)
    current = p_transfer
    for j in range(nproc):
        current = current + (budgets[first + j] * factor[:, j]) * hour
        ends[:, j] = current
        at_end[:, j] = axes.instant(a, current)
    finished_ok = ((first + np.arange(nproc))[None, :] < stuck_at[:, None]) & (at_end < now)
    done = np.where(moved, np.cumprod(finished_ok, axis=1).sum(axis=1), 0)
    decided = done == nproc
    denied = rng.random(m) < DENY_SHARE
    ready = at_end[:, -1]
    timeliness = _timeliness(axes, ready, due)
    at_return = axes.instant(a, ends[:, -1] + (0.5 + rng.random(m) * 15.5) * hour)
    back = decided & (at_return < now)

    status = np.select(
        [stopped, ~moved, ~decided, back], [STOPPED, RECEIVED, PROCESSING, RETURNED], RESULT_READY
    )
    d["status"][g] = status
    d["closed"][g] = np.where(stopped, at_stop, np.where(back, at_return, NO_ID))
    d["ready"][g] = np.where(decided, ready, NO_ID)
    d["returned"][g] = np.where(back, at_return, NO_ID)
    d["outcome"][g] = np.where(decided, np.where(denied, 2, 1), 0)
    d["timeliness"][g] = np.where(decided, timeliness, 3)
    d["worked"][g] = np.where(
        decided, np.maximum(np.round((ends[:, -1] - d["clock_pos"][g]) / 60), 0).astype(np.int64), NO_ID
    )

    # Step slots: (plan step, start position, started, finished, finished at, finished by).
    slots = []
    if reception:
        slots.append(
            (
                0,
                pos,
                np.ones(m, bool),
                stopped | moved,
                np.where(stopped, at_stop, at_transfer),
                plan.receiver_id,
            )
        )
    for j in range(nproc):
        start = p_transfer if j == 0 else ends[:, j - 1]
        slots.append(
            (first + j, start, moved & (done >= j), done > j, at_end[:, j], steps[first + j].actor_id)
        )
    if ret is not None:
        slots.append((ret, ends[:, -1], decided, back, at_return, plan.receiver_id))
    started = np.stack([s[2] for s in slots], axis=1)
    finished = np.stack([s[3] for s in slots], axis=1) & started
    step_ids = np.full(started.shape, NO_ID, dtype=np.int64)
    count = int(started.sum())
    step_ids[started] = ids.step + np.arange(count)
    ids.step += count
    index = np.array([s[0] for s in slots])
    start_pos = np.stack([s[1] for s in slots], axis=1)
    a2 = np.broadcast_to(a[:, None], started.shape)
    started_at = axes.instant(a2[started], start_pos[started])
    step_due = axes.instant(a2[started], (start_pos + budgets[index][None, :] * hour)[started])
    finished_at = np.stack([s[4] for s in slots], axis=1)[started]
    is_finished = finished[started]
    by = np.array([NO_ID if s[5] is None else s[5] for s in slots])
    rows.steps.append(
        {
            "id": step_ids[started],
            "dossier": np.broadcast_to(d["pk"][g][:, None], started.shape)[started],
            "index": np.broadcast_to(index[None, :], started.shape)[started],
            "plan": p,
            "started": started_at,
            "due": step_due,
            "finished": np.where(is_finished, finished_at, NO_ID),
            "by": np.where(is_finished, np.broadcast_to(by[None, :], started.shape)[started], NO_ID),
            "timeliness": np.where(is_finished, _timeliness(axes, finished_at, step_due), 3),
        }
    )
    open_ = started & ~finished
    d["current"][g] = np.where(open_.any(axis=1), step_ids[np.arange(m), open_.argmax(axis=1)], NO_ID)

    # Event slots: receive, stop or transfer, forwards, the decision, the return.
    none = np.full(m, NO_ID)
    reception_id = step_ids[:, 0] if reception else none
    off = 1 if reception else 0
    proc_id = [step_ids[:, off + j] for j in range(nproc)]
    return_id = step_ids[:, -1] if ret is not None else none
    receiver, receiving = plan.receiver_id, plan.receiving_id
    cols = {k: [] for k in ("mask", "action", "from", "to", "at", "actor", "unit", "fstep", "tstep", "data")}

    def slot(mask, action, from_, to, at, actor, unit, fstep, tstep, data=0):
        for key, value in zip(
            cols, (mask, action, from_, to, at, actor, unit, fstep, tstep, data), strict=True
        ):
            cols[key].append(np.broadcast_to(value, (m,)))

    slot(np.ones(m, bool), A_RECEIVE, 0, 1 + RECEIVED, received, receiver, receiving, none, reception_id, 1)
    slot(
        stopped | moved,
        np.where(stopped, A_STOP, A_TRANSFER),
        1 + RECEIVED,
        np.where(stopped, 1 + STOPPED, 1 + PROCESSING),
        np.where(stopped, at_stop, at_transfer),
        receiver,
        receiving,
        reception_id,
        np.where(stopped, NO_ID, proc_id[0]),
    )
    for j in range(nproc - 1):
        step = steps[first + j]
        slot(
            done > j,
            A_FORWARD,
            1 + PROCESSING,
            1 + PROCESSING,
            at_end[:, j],
            NO_ID if step.actor_id is None else step.actor_id,
            step.unit_id,
            proc_id[j],
            proc_id[j + 1],
        )
    step = steps[decide]
    slot(
        decided,
        np.where(denied, A_DENY, A_APPROVE),
        1 + PROCESSING,
        1 + RESULT_READY,
        ready,
        NO_ID if step.actor_id is None else step.actor_id,
        step.unit_id,
        proc_id[-1],
        return_id,
        3 + np.where(denied, 3, 0) + np.minimum(timeliness, 2),
    )
    slot(back, A_RETURN, 1 + RESULT_READY, 1 + RETURNED, at_return, receiver, receiving, return_id, none)
    mask = np.stack(cols.pop("mask"), axis=1)
    matrices = {k: np.stack(v, axis=1) for k, v in cols.items()}
    _events(
        rows,
        mask=mask,
        dossier=np.broadcast_to(g[:, None], mask.shape),
        action=matrices["action"],
        from_status=matrices["from"],
        to_status=matrices["to"],
        at=matrices["at"],
        actor=matrices["actor"],
        unit=matrices["unit"],
        from_step=matrices["fstep"],
        to_step=matrices["tstep"],
        data_kind=matrices["data"],
        note_kind=0,
    )
    d["history_count"][g] = mask.sum(axis=1)

    # The required documents, all received; most digitised at the counter, all online.
    documents = plan.documents
    if documents:
        k = len(documents)
        online = np.isin(d["channel"][g], (2, 3))
        digitised = online[:, None] | (rng.random((m, k)) < 0.7)
        size = (rng.random((m, k)) * 900_000).astype(np.int64) + 50_000
        count = m * k
        rows.documents.append(
            {
                "id": ids.document + np.arange(count),
                "dossier": np.repeat(d["pk"][g], k),
                "which": np.tile(np.arange(k), m),
                "plan": p,
                "digitised": digitised.ravel(),
                "size": np.where(digitised, size, 0).ravel(),
                "uploaded": np.where(digitised, received[:, None], NO_ID).ravel(),
            }
        )
        ids.document += count
        d["undigitised"][g] = (~digitised).any(axis=1)
        d["documents"][g] = True


def _nullable_text(values: np.ndarray) -> pa.Array:
    return pc.fill_null(pc.cast(_ids(values), pa.string()), "null")


def _receipts(ctx: _Context, codes: pa.Array, due: np.ndarray) -> pa.Array:
    """The receipt's history data {"code", "due_at"} (canonical JSON; due_at as `isoformat()` gives it)."""
    offset = ctx.axes.offset
    sign = "+" if offset >= 0 else "-"
    zone = f"{sign}{abs(offset) // 3600:02d}:{abs(offset) % 3600 // 60:02d}"
    local = _iso(due + offset)
    return pc.binary_join_element_wise('{"code":"', codes, '","due_at":"', local, zone + '"}', "")


def _event_table(ctx: _Context, rows: _Rows, d: dict, codes: pa.Array, ids: _Ids) -> pa.Table:
    """The batch's history rows with their hash chain (dossiers/history.py: canonical JSON, SHA-256)."""
    parts = {k: np.concatenate([e[k] for e in rows.events]) for k in rows.events[0]}
    total = len(parts["seq"])
    local = parts["dossier"]
    pk = d["pk"][local]
    event_id = ids.event + np.arange(total)
    ids.event += total
    action = pa.array([str(a) for a in ACTIONS]).take(pa.array(parts["action"]))
    statuses = pa.array([str(s) for s in STATUS_VALUES])
    from_status = statuses.take(pa.array(parts["from_status"]))
    to_status = statuses.take(pa.array(parts["to_status"]))
    vocabulary = ["{}", "", json_canonical({"reason": REFUSAL})] + [
        json_canonical({"outcome": str(o), "timeliness": str(t)}) for o, t in DECISIONS
    ]
    kind = parts["data_kind"]
    data = pc.if_else(
        pa.array(kind == 1),
        _receipts(ctx, codes, d["due"]).take(pa.array(local)),
        pa.array(vocabulary).take(pa.array(kind)),
    )
    note = pc.if_else(pa.array(parts["note_kind"] == 1), REFUSAL, "")
    at = parts["at"]
    at_text = pc.binary_join_element_wise(_iso(at), ".000000Z", "")
    seq = parts["seq"]
    before = pc.binary_join_element_wise(
        '{"action":"',
        action,
        '","actor":',
        _nullable_text(parts["actor"]),
        ',"actor_unit":',
        _nullable_text(parts["unit"]),
        ',"at":"',
        at_text,
        '","data":',
        data,
        ',"dossier":',
        pc.cast(pa.array(pk), pa.string()),
        ',"from_status":"',
        from_status,
        '","from_step":',
        _nullable_text(parts["from_step"]),
        ',"note":',
        pc.if_else(pa.array(parts["note_kind"] == 1), json_canonical(REFUSAL), '""'),
        ',"prev":"',
        "",
    )
    after = pc.binary_join_element_wise(
        '","seq":',
        pc.cast(pa.array(seq), pa.string()),
        ',"to_status":"',
        to_status,
        '","to_step":',
        _nullable_text(parts["to_step"]),
        f',"v":{FORMAT_VERSION}}}',
        "",
    )
    hashes = _chain(before.to_pylist(), after.to_pylist(), (seq == 1).tolist())
    last = np.ones(total, dtype=bool)
    last[:-1] = seq[1:] == 1
    d["head"][local[last]] = np.array(hashes, dtype=object)[last]
    return _table(
        DossierEvent,
        {
            "id": pa.array(event_id),
            "dossier_id": pa.array(pk),
            "seq": pa.array(seq),
            "action": action,
            "from_status": from_status,
            "to_status": to_status,
            "at": _ts(at),
            "actor_id": _ids(parts["actor"]),
            "actor_unit_id": _ids(parts["unit"]),
            "from_step_id": _ids(parts["from_step"]),
            "to_step_id": _ids(parts["to_step"]),
            "note": note,
            "data": data,
            "hash": pa.array(hashes, type=pa.string()),
        },
        total,
    )


def _chain(before: list[str], after: list[str], starts: list[bool]) -> list[str]:
    """SHA-256 of each row's canonical JSON with the previous row's hash of the same dossier spliced in (a
    dossier's rows are consecutive and in order)."""
    out = []
    prev = ""
    sha = hashlib.sha256
    for head, tail, start in zip(before, after, starts, strict=True):
        if start:
            prev = ""
        prev = sha((head + prev + tail).encode()).hexdigest()
        out.append(prev)
    return out


def _step_table(ctx: _Context, rows: _Rows) -> pa.Table:
    parts = {
        k: np.concatenate([np.broadcast_to(s[k], s["id"].shape) for s in rows.steps]) for k in rows.steps[0]
    }
    which = pa.array(ctx.s_offset[parts["plan"]] + parts["index"])
    n = len(parts["id"])
    return _table(
        DossierStep,
        {
            "id": pa.array(parts["id"]),
            "dossier_id": pa.array(parts["dossier"]),
            "process_step_id": ctx.s_process_step.take(which),
            "order": ctx.s_order.take(which),
            "name": ctx.s_name.take(which),
            "unit_id": ctx.s_unit.take(which),
            "role": ctx.s_role.take(which),
            "assignee_id": None,
            "budget_hours": ctx.s_budget.take(which),
            "started_at": _ts(parts["started"]),
            "due_at": _ts(parts["due"]),
            "finished_at": _ts(parts["finished"], parts["finished"] != NO_ID),
            "finished_by_id": _ids(parts["by"]),
            "timeliness": pa.array(TIMELINESS_NAMES).take(pa.array(parts["timeliness"])),
            "explanation": "",
            "explained_at": None,
            "explained_by_id": None,
        },
        n,
    )


def _document_table(ctx: _Context, rows: _Rows) -> pa.Table | None:
    if not rows.documents:
        return None
    parts = {
        k: np.concatenate([np.broadcast_to(s[k], s["id"].shape) for s in rows.documents])
        for k in rows.documents[0]
    }
    which = pa.array(ctx.c_offset[parts["plan"]] + parts["which"])
    n = len(parts["id"])
    digitised = parts["digitised"]
    return _table(
        DossierDocument,
        {
            "id": pa.array(parts["id"]),
            "dossier_id": pa.array(parts["dossier"]),
            "requirement_id": ctx.c_requirement.take(which),
            "order": pa.array(parts["which"] + 1),
            "name": ctx.c_name.take(which),
            "paper_kind": ctx.c_kind.take(which),
            "quantity": ctx.c_quantity.take(which),
            "is_received": True,
            "is_supplement": False,
            "reused_from_id": None,
            "file": "",
            "content_type": pc.if_else(pa.array(digitised), "application/pdf", ""),
            "size": pa.array(parts["size"]),
            "sha256": "",
            "is_digitised": pa.array(digitised),
            "uploaded_at": _ts(parts["uploaded"], parts["uploaded"] != NO_ID),
            "uploaded_by_id": None,
        },
        n,
    )


def _dossier_table(
    ctx: _Context, d: dict, plan, codes, applicant, postal_return, clock_start, rng
) -> pa.Table:
    n = len(plan)
    ok = d["status"] != REFUSED
    take = pa.array(applicant)
    return_address = "Bưu điện tỉnh Cà Mau chuyển phát đến địa chỉ người nộp"
    now = pa.array(np.full(n, ctx.now_micros), type=pa.timestamp("us"))
    return _table(
        Dossier,
        {
            "id": pa.array(d["pk"]),
            "code": codes,
            "procedure_version_id": pa.array(ctx.p_version[plan]),
            "status": pa.array([str(s) for s in STATUS_NAMES]).take(pa.array(d["status"])),
            "channel": pa.array([str(c) for c in CHANNELS]).take(pa.array(d["channel"])),
            "receiving_unit_id": pa.array(ctx.p_receiving[plan]),
            "competent_unit_id": pa.array(ctx.p_competent[plan]),
            "applicant_id": pa.array(ctx.a_id[applicant]),
            "applicant_kind": str(ApplicantKind.PERSON),
            "applicant_name": ctx.a_name.take(take),
            "applicant_id_number": ctx.a_id_number.take(take),
            "applicant_date_of_birth": None,
            "applicant_phone": ctx.a_phone.take(take),
            "applicant_email": "",
            "applicant_address": ctx.a_address.take(take),
            "applicant_search_name": ctx.a_search.take(take),
            "delegate_name": "",
            "delegate_id_number": "",
            "delegate_phone": "",
            "owner_id": None,
            "sets": 1,
            "pages": pa.array(rng.integers(1, 13, n)),
            "fee_amount": 0,
            "is_fee_exempt": False,
            "return_mode": pc.if_else(
                pa.array(postal_return), str(ReturnMode.POSTAL), str(ReturnMode.COUNTER)
            ),
            "return_address": pc.if_else(pa.array(postal_return), return_address, ""),
            "note": "",
            "form_data": "{}",
            "assisted_by_id": None,
            "postal_item_code": "",
            "postal_posted_on": None,
            "return_postal_item_code": "",
            "submitted_at": _ts(d["received"]),
            "reply_due_at": None,
            "received_at": _ts(d["received"], ok),
            "clock_start_at": _ts(clock_start, ok),
            "due_at": _ts(d["due"], ok),
            "original_due_at": _ts(d["due"], ok),
            "extended_due_at": None,
            "result_ready_at": _ts(d["ready"], d["ready"] != NO_ID),
            "returned_at": _ts(d["returned"], d["returned"] != NO_ID),
            "closed_at": _ts(d["closed"], d["closed"] != NO_ID),
            "outcome": pa.array(["", str(Outcome.APPROVED), str(Outcome.DENIED)]).take(
                pa.array(d["outcome"])
            ),
            "worked_minutes": _ids(d["worked"]),
            "timeliness": pa.array(TIMELINESS_NAMES).take(pa.array(d["timeliness"])),
            "current_step_id": _ids(d["current"]),
            "created_at": now,
            "created_by_id": None,
            "updated_at": now,
            "history_count": pa.array(d["history_count"]),
            "history_head": pa.array(d["head"], type=pa.string()),
        },
        n,
    )


def _figure_entries(ctx: _Context, d: dict, plan: np.ndarray):
    """Each dossier's contribution to the figures, by the definitions of reports.figures.contribution
    (the tests compare them with it): (dossier index, day, measure, value) arrays."""
    axes, m = ctx.axes, ctx.labels
    n = len(plan)
    ok = d["status"] != REFUSED
    pieces: list[tuple] = []

    def add(mask, day, measure, value=None):
        where = np.flatnonzero(mask)
        values = np.ones(len(where), dtype=np.int64) if value is None else value[where]
        pieces.append((where, day[where], np.full(len(where), m[measure]), values))

    day = d["day"]
    add(ok, day, "received")
    paper = np.isin(d["channel"], (0, 1)) & d["documents"]
    add(ok & paper, day, "digitisable")
    add(ok & paper & ~d["undigitised"], day, "digitised")
    decided = d["ready"] != NO_ID
    ready_day = axes.local_day(d["ready"])
    add(decided, ready_day, "resolved")
    for code, measure in ((0, "resolved_early"), (1, "resolved_on_time"), (2, "resolved_late")):
        add(decided & (d["timeliness"] == code), ready_day, measure)
    add(decided, ready_day, "resolved_timed")
    add(decided & (d["worked"] > 0), ready_day, "worked_minutes", d["worked"])
    committed = ctx.p_committed[plan]
    add(decided & (committed != 0), ready_day, "committed_minutes", committed)
    back = d["returned"] != NO_ID
    returned_day = axes.local_day(d["returned"])
    add(back, returned_day, "returned")
    add(back & (d["timeliness"] != 2), returned_day, "returned_satisfied")
    closed_day = axes.local_day(d["closed"])
    add(d["status"] == STOPPED, closed_day, "stopped")
    add(~ok, closed_day, "refused")
    # Stocks: +1 on the first day of the stretch, -1 on the day after it (an empty stretch adds nothing).
    until = np.where(decided, ready_day + 1, np.where(d["status"] == STOPPED, closed_day + 1, NO_ID))
    endless = until == NO_ID
    minus = -np.ones(n, dtype=np.int64)
    for measure, lo in (
        ("open", day + 1),
        ("overdue", axes.local_day(np.maximum(d["received"], d["due"])) + 1),
    ):
        keep = ok & (endless | (until > lo))
        add(keep, lo, measure)
        add(keep & ~endless, until, measure, minus)
    index, days, measures, values = (np.concatenate(x) for x in zip(*pieces, strict=True))
    order = np.lexsort((measures, days, index))
    return index[order], days[order], measures[order], values[order]


def _figures_batch(ctx: _Context, d: dict, plan: np.ndarray) -> pa.Table:
    """Adds the batch to the dense sums and returns its `FigureState` rows."""
    index, days, measures, values = _figure_entries(ctx, d, plan)
    key = plan[index] * len(CHANNELS) + d["channel"][index]
    slot = days - ctx.day0
    if slot.min() < 0 or slot.max() >= ctx.days:
        raise SynthError("a figure falls outside the days the sums were sized for")
    # Summed per distinct cell first: the dense array is large, numpy's add.at is a slow loop and a bincount
    # the size of the whole array costs more than sorting the batch's cells.
    flat = (key * ctx.days + slot) * len(MEASURES) + measures
    cells, where = np.unique(flat, return_inverse=True)
    ctx.sums[cells] += np.bincount(where, weights=values).astype(np.int64)
    n = len(plan)
    entry = pc.binary_join_element_wise(
        "[",
        pc.cast(pa.array(days + UNIX_ORDINAL), pa.string()),
        ",",
        pc.cast(pa.array(measures), pa.string()),
        ",",
        pc.cast(pa.array(values), pa.string()),
        "]",
        "",
    )
    offsets = np.zeros(n + 1, dtype=np.int32)
    offsets[1:] = np.cumsum(np.bincount(index, minlength=n))
    joined = pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), entry), ",")
    channel = pa.array([str(c) for c in CHANNELS]).take(pa.array(d["channel"]))
    key_text = pc.binary_join_element_wise(
        "[",
        pc.cast(pa.array(ctx.p_competent[plan]), pa.string()),
        ",",
        pc.cast(pa.array(ctx.p_receiving[plan]), pa.string()),
        ",",
        pc.cast(pa.array(ctx.p_version[plan]), pa.string()),
        ',"',
        channel,
        '",',
        pc.cast(pa.array(ctx.p_receiver[plan]), pa.string()),
        "]",
        "",
    )
    return _table(
        FigureState,
        {
            "dossier_id": pa.array(d["pk"]),
            "key": key_text,
            "entries": pc.binary_join_element_wise("[", joined, "]", ""),
        },
        n,
    )


def _figures_write(ctx: _Context, writer: _Writer) -> int:
    """The summed days, months, years and all-time rows added to the kept sums (rows already there are
    added to)."""
    from motcua.reports.figures import EPOCH, _upsert  # noqa: PLC0415 - reports depends on dossiers

    sums = ctx.sums.reshape(len(ctx.plans) * len(CHANNELS), ctx.days, len(MEASURES))
    day_numbers = ctx.day0 + np.arange(ctx.days)
    calendar = day_numbers.astype("datetime64[D]")
    tables = []
    for grain, unit in ((Grain.DAY, "D"), (Grain.MONTH, "M"), (Grain.YEAR, "Y"), (Grain.ALL, None)):
        if unit is None:  # the all-time rows: every day in one bucket dated EPOCH
            buckets = np.full(len(calendar), np.datetime64(EPOCH, "D"))
        else:
            buckets = calendar.astype(f"datetime64[{unit}]").astype("datetime64[D]")
        starts = np.flatnonzero(np.concatenate([[True], buckets[1:] != buckets[:-1]]))
        summed = np.add.reduceat(sums, starts, axis=1)
        keys, where = np.nonzero(summed.any(axis=2))
        plan, channel = np.divmod(keys, len(CHANNELS))
        columns = {
            "grain": pa.repeat(pa.scalar(str(grain)), len(keys)),
            "bucket": pa.array(buckets[starts][where]),
            "competent_unit_id": pa.array(ctx.p_competent[plan]),
            "receiving_unit_id": pa.array(ctx.p_receiving[plan]),
            "procedure_version_id": pa.array(ctx.p_version[plan]),
            "channel": pa.array([str(c) for c in CHANNELS]).take(pa.array(channel)),
            "officer_id": pa.array(ctx.p_receiver[plan]),
        }
        for i, measure in enumerate(MEASURES):
            columns[measure] = pa.array(summed[keys, where, i])
        tables.append(pa.table(columns))
    table = pa.concat_tables(tables)
    if not writer.postgres:
        names = table.column_names
        rows = {}
        for row in table.to_pylist():
            rows[tuple(row[c] for c in names[:7])] = Counter({m: row[m] for m in MEASURES if row[m]})
        return _upsert(rows)
    qn = connection.ops.quote_name
    target = qn(FigureDelta._meta.db_table)
    names = ", ".join(qn(c) for c in table.column_names)
    updates = ", ".join(f"{qn(m)} = {target}.{qn(m)} + excluded.{qn(m)}" for m in MEASURES)
    if not FigureDelta.objects.exists():
        # A fresh database: nothing to add to, straight in.
        writer._copy(connection.connection, FigureDelta._meta.db_table, table)
        return table.num_rows
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE synth_figures ON COMMIT DROP AS SELECT {names} FROM {target} WITH NO DATA"
        )
        writer._copy(connection.connection, "synth_figures", table)
        cursor.execute(
            f"INSERT INTO {target} ({names}) SELECT {names} FROM synth_figures "
            f"ON CONFLICT (grain, bucket, {', '.join(qn(k) for k in KEY_FIELDS)}) DO UPDATE SET {updates}"
        )
        cursor.execute("DROP TABLE synth_figures")
    return table.num_rows


def _batch(
    ctx: _Context, rng, n: int, ids: _Ids, writer: _Writer, *, done: int = 0, total: int = 0
) -> dict[str, int]:
    """`done` of `total`: the batch takes the matching slice of each procedure's period, so the rows reach the
    tables roughly in order of reception, as a live system writes them (the open dossiers, all recent, then
    lie together at the end of each table, as they do in production; spread over the whole table they made
    the planner's estimates of the open-step indexes wrong)."""
    axes = ctx.axes
    plan = np.minimum(
        np.searchsorted(ctx.cumulative, rng.random(n) * ctx.total_weight, side="right"), len(ctx.plans) - 1
    )
    a = ctx.p_axis[plan]
    ds, hour = axes.ds[a], axes.hour[a]
    lo, hi = ctx.p_lo[plan], ctx.p_hi[plan]
    # A working day of the period, an instant inside its office hours, never in the future.
    share = (done + rng.random(n) * n) / total if total else rng.random(n)
    pos = (lo + share * (hi - lo + 1)) * ds
    received = axes.instant(a, pos)
    future = received >= ctx.now
    if future.any():
        pos = np.where(future, lo * ds + rng.random(n) * (hi - lo) * ds, pos)
        received = axes.instant(a, pos)
    applicant = (rng.random(n) * len(ctx.a_id)).astype(np.int64)
    # Online-only procedures reach the centre by post; a share of counter dossiers come online instead.
    postal = ctx.p_postal_in[plan] & (~ctx.p_counter_in[plan] | (rng.random(n) < 0.08))
    channel = np.where(postal, 1, 0)
    online = (channel == 0) & (rng.random(n) < ONLINE_SHARE)
    channel = np.where(online, np.where(rng.random(n) < 0.7, 2, 3), channel)
    postal_return = ctx.p_postal_return[plan] & (rng.random(n) < 0.15)
    refused = rng.random(n) < REFUSE_SHARE
    ok = ~refused
    day = axes.local_day(received)
    codes = _codes(ctx, plan, received, day, ok)
    # The appointment as `dossier_due` gives it: working days and hours on the axis, the rest by the calendar.
    after_cut = (received + axes.offset - day * 86400) > axes.cutoff[a]
    kind = ctx.p_kind[plan]
    following = np.floor_divide(pos, ds) + 1
    amount = ctx.p_amount[plan]
    start = np.where(after_cut, following * ds, pos)
    due = axes.instant(a, np.where(kind == 0, start + (amount * 8) * hour, pos + amount * hour))
    for i in np.flatnonzero(ok & (kind == 2)).tolist():
        due[i] = _deadline(ctx, int(plan[i]), int(received[i]), int(day[i]), bool(after_cut[i]))
    late_start = ctx.p_clock_cutoff[plan] & after_cut
    clock_start = np.where(late_start, axes.opening(a, following.astype(np.int64)), received)
    d = {
        "pk": ids.dossier + np.arange(n),
        "pos": pos,
        "received": received,
        "day": day,
        "due": due,
        "channel": channel,
        "clock_pos": np.where(late_start, following * ds, pos),
        "status": np.full(n, REFUSED),
        "closed": np.where(refused, received, NO_ID),
        "ready": np.full(n, NO_ID),
        "returned": np.full(n, NO_ID),
        "outcome": np.zeros(n, dtype=np.int64),
        "timeliness": np.full(n, 3),
        "worked": np.full(n, NO_ID),
        "current": np.full(n, NO_ID),
        "history_count": np.zeros(n, dtype=np.int64),
        "head": np.full(n, "", dtype=object),
        "undigitised": np.zeros(n, dtype=bool),
        "documents": np.zeros(n, dtype=bool),
    }
    ids.dossier += n
    rows = _Rows()
    for p in np.unique(plan[ok]).tolist():
        _walk_group(ctx, rng, rows, d, np.flatnonzero(ok & (plan == p)), p, ids)
    r = np.flatnonzero(refused)
    if len(r):
        _events(
            rows,
            mask=np.ones((len(r), 1), dtype=bool),
            dossier=r[:, None],
            action=A_REFUSE,
            from_status=0,
            to_status=1 + REFUSED,
            at=received[r][:, None],
            actor=ctx.p_receiver[plan[r]][:, None],
            unit=ctx.p_receiving[plan[r]][:, None],
            from_step=NO_ID,
            to_step=NO_ID,
            data_kind=2,
            note_kind=1,
        )
        d["history_count"][r] = 1
    events = _event_table(ctx, rows, d, codes, ids)
    steps = _step_table(ctx, rows)
    documents = _document_table(ctx, rows)
    dossiers = _dossier_table(ctx, d, plan, codes, applicant, postal_return, clock_start, rng)
    states = _figures_batch(ctx, d, plan)
    writer.write(Dossier, dossiers)
    writer.write(DossierStep, steps)
    writer.write(DossierEvent, events)
    if documents is not None:
        writer.write(DossierDocument, documents)
    writer.write(FigureState, states)
    return {
        "dossiers": n,
        "steps": steps.num_rows,
        "events": events.num_rows,
        "documents": 0 if documents is None else documents.num_rows,
    }


def synth(
    *,
    dossiers: int,
    years: float = 1.0,
    seed: int = 2026,
    batch: int = 100_000,
    now: datetime | None = None,
    progress: bool = True,
    bulk_load: bool | None = None,
) -> dict[str, float]:
    """Write `dossiers` new dossiers received over the last `years` years, with their steps, history,
    documents and their part of the pre-aggregated figures. Needs the demo organisation and catalogue
    (`demo_load`). One transaction: on any failure nothing is written. `bulk_load` (default: from a million
    dossiers on) rebuilds the secondary indexes once at the end instead of updating them row by row."""
    if dossiers <= 0:
        return {"dossiers": 0}
    started = monotonic.monotonic()
    rng = np.random.default_rng(seed)
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
    axes: list[WorkAxis] = []
    seen: dict[tuple, int] = {}
    axis_index: dict[int, tuple[int, WorkingCalendar]] = {}
    for plan in plans:
        periods = units[plan.receiving_id].office_periods()
        if periods not in seen:
            calendar = calendar_from(periods=periods, overrides=overrides)
            seen[periods] = len(axes)
            axes.append(WorkAxis(calendar, first_day - timedelta(days=10), today + timedelta(days=800)))
        axis_index[plan.receiving_id] = (seen[periods], axes[seen[periods]].calendar)
    bounds = [
        (bisect_right(axis.days, first_day - timedelta(days=1)), bisect_right(axis.days, today) - 1)
        for axis in axes
    ]
    counters: dict[tuple[int, date], int] = {
        (u, d): last
        for u, d, last in DossierCodeSequence.objects.filter(day__gte=first_day).values_list(
            "unit_id", "day", "last"
        )
    }
    models = [Applicant, Dossier, DossierStep, DossierEvent, DossierDocument, FigureState]
    writer = _Writer()
    counts = {"dossiers": 0, "steps": 0, "events": 0, "documents": 0}
    if bulk_load is None:
        bulk_load = dossiers >= 1_000_000
    with transaction.atomic(), _bulk_load(models, bulk_load) as rebuilt:
        ids = _Ids(
            _next_id(Dossier), _next_id(DossierStep), _next_id(DossierEvent), _next_id(DossierDocument)
        )
        applicants = _applicant_pool(random.Random(seed), min(max(dossiers // 4, 50), 100_000), writer)
        ctx = _Context(
            plans=plans,
            weights=weights,
            axes=_Axes(axes, _local_offset(first_day - timedelta(days=10), today + timedelta(days=800))),
            axis_index=axis_index,
            bounds=bounds,
            counters=counters,
            applicants=applicants,
            now=now,
            today=today,
            first_day=first_day,
        )
        _lookups(ctx)
        try:
            done = 0
            while done < dossiers:
                size = min(batch, dossiers - done)
                for name, value in _batch(ctx, rng, size, ids, writer, done=done, total=dossiers).items():
                    counts[name] += value
                done += size
                if progress:
                    _progress(done, dossiers, started)
            writer.flush()
        finally:
            writer.close()
        if progress:
            sys.stderr.write("\nTổng hợp số liệu báo cáo…\n")
        figures_started = monotonic.monotonic()
        counts["figure_rows"] = _figures_write(ctx, writer)
        counts["figures_seconds"] = round(monotonic.monotonic() - figures_started, 1)
        _sequences_update({key: ctx.counters[key] for key in ctx.touched})
        if progress and bulk_load:
            sys.stderr.write("Dựng lại chỉ mục…\n")
        commit_started = monotonic.monotonic()
    counts.update(rebuilt)
    # Includes the rebuilt indexes and, without bulk loading, the deferred foreign-key checks.
    counts["commit_seconds"] = round(monotonic.monotonic() - commit_started, 1)
    writer.finish(models[:-1])
    elapsed = monotonic.monotonic() - started
    counts["seconds"] = round(elapsed, 1)
    counts["dossiers_per_second"] = round(counts["dossiers"] / max(elapsed, 1e-6))
    rows = counts["dossiers"] + counts["steps"] + counts["events"] + counts["documents"]
    counts["rows_per_second"] = round(rows / max(elapsed, 1e-6))
    return counts


def _lookups(ctx: _Context) -> None:
    """The plans' steps and documents as flat arrays (a step or document is plan offset + its index)."""
    steps = [s for plan in ctx.plans for s in plan.steps]
    ctx.s_offset = np.cumsum([0] + [len(plan.steps) for plan in ctx.plans])[:-1]
    ctx.s_process_step = pa.array([s.process_step_id for s in steps], type=pa.int64())
    ctx.s_order = pa.array([s.order for s in steps], type=pa.int64())
    ctx.s_name = _text([s.name for s in steps])
    ctx.s_unit = pa.array([s.unit_id for s in steps], type=pa.int64())
    ctx.s_role = _text([str(s.role) for s in steps])
    ctx.s_budget = _text([str(s.budget) for s in steps])
    documents = [c for plan in ctx.plans for c in plan.documents]
    ctx.c_offset = np.cumsum([0] + [len(plan.documents) for plan in ctx.plans])[:-1]
    ctx.c_requirement = pa.array([c[0] for c in documents], type=pa.int64())
    ctx.c_name = _text([c[1] for c in documents])
    ctx.c_kind = _text([str(c[2]) for c in documents])
    ctx.c_quantity = pa.array([c[3] for c in documents], type=pa.int64())


def _applicant_pool(rng: random.Random, size: int, writer: _Writer) -> list[tuple]:
    """Applicants the dossiers are drawn from, written with explicit ids (COPY on PostgreSQL)."""
    base = _next_id(Applicant)
    folded: dict[str, str] = {}
    pool = []
    for i in range(size):
        name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        if name not in folded:
            folded[name] = fold(name)
        pool.append(
            (
                base + i,
                name,
                f"0979{base + i:08d}",
                f"09{rng.randint(10000000, 99999999)}",
                f"Số {rng.randint(1, 300)}, khóm {rng.randint(1, 9)}, {rng.choice(PLACES)}, tỉnh Cà Mau",
                folded[name],
            )
        )
    ids, names, id_numbers, phones, addresses, _ = zip(*pool, strict=True)
    now = timezone.now()
    writer.write(
        Applicant,
        _table(
            Applicant,
            {
                "id": pa.array(ids, type=pa.int64()),
                "kind": str(ApplicantKind.PERSON),
                "name": _text(names),
                "id_number": _text(id_numbers),
                "date_of_birth": None,
                "phone": _text(phones),
                "email": "",
                "address": _text(addresses),
                "user_id": None,
                "updated_at": pa.repeat(pa.scalar(now.replace(tzinfo=None), type=pa.timestamp("us")), size),
            },
            size,
        ),
    )
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


def synth_columns_check() -> None:
    """The tables above follow the models' columns by name; fail loudly if a migration adds one synth does
    not fill."""
    from motcua.dossiers.models import Applicant  # noqa: F401 - the pool is written through the ORM

    expected = {
        Dossier: 51,
        DossierStep: 17,
        DossierEvent: 14,
        DossierDocument: 17,
        FigureState: 3,
    }
    for model, width in expected.items():
        if len(_columns(model)) != width:
            raise SynthError(f"{model.__name__} has {len(_columns(model))} columns, synth writes {width}")


__all__ = ["SynthError", "WorkAxis", "synth", "synth_columns_check"]
