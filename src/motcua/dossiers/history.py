"""The dossier history as a hash chain, so that an edit made behind the application's back shows.

Each `DossierEvent.hash` is SHA-256 over the previous event's hash of the same dossier and a canonical JSON of
the event's own fields (sorted keys, ids as integers, `at` in UTC with microseconds). The chain is per dossier:
the dossier row is already locked while its events are written, so concurrent intakes never queue on a global
lock. The dossier row keeps the anchor (`history_count`, `history_head`): deleting the last rows, or every row,
of a dossier leaves an anchor that no longer matches. Deleting a dossier row outright takes its anchor with it:
only a copy of the anchors kept off the server (`verify-history --export`, then `--against`) shows that.
docs/history.md says what is and is not detected."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FORMAT_VERSION = 1
EXPORT_HEADER = "# motcua dossier history anchors v1"

# The columns the chain covers, in the order `history_walk` reads them (after the dossier's own columns).
EVENT_COLUMNS = (
    "id",
    "seq",
    "action",
    "from_status",
    "to_status",
    "at",
    "actor_id",
    "actor_unit_id",
    "from_step_id",
    "to_step_id",
    "note",
    "data",
    "hash",
)


def _plain(value):
    # The JSON as the database gives it back: PostgreSQL's jsonb returns 1e16 as an integer and 1.0 as 1.0,
    # SQLite returns the text written; integral floats become integers so both read the same.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def history_data_normalise(data) -> dict:
    """What a JSONField stores and reads back for `data`: tuples become lists, keys strings."""
    return json.loads(json.dumps(data or {}))


# json.dumps with options builds a new encoder per call; synth hashes millions of rows, so one is kept.
_canonical = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _id(value) -> int | None:
    return None if value is None else int(value)


def event_hash(
    *,
    prev: str,
    dossier_id: int,
    seq: int,
    action: str,
    from_status: str,
    to_status: str,
    at: datetime,
    actor_id: int | None,
    actor_unit_id: int | None,
    from_step_id: int | None,
    to_step_id: int | None,
    note: str,
    data,
) -> str:
    """SHA-256 (hex) of one history row chained to the previous row's hash ("" for the first row)."""
    payload = {
        "v": FORMAT_VERSION,
        "prev": prev,
        "dossier": int(dossier_id),
        "seq": int(seq),
        "action": str(action),
        "from_status": str(from_status or ""),
        "to_status": str(to_status or ""),
        "at": _instant(at),
        "actor": _id(actor_id),
        "actor_unit": _id(actor_unit_id),
        "from_step": _id(from_step_id),
        "to_step": _id(to_step_id),
        "note": note or "",
        "data": _plain(data if data is not None else {}),
    }
    return hashlib.sha256(_canonical(payload).encode("utf-8")).hexdigest()


def event_hash_of(event, *, prev: str) -> str:
    """The hash of a `DossierEvent` instance (or any object with its attributes)."""
    return event_hash(
        prev=prev,
        dossier_id=event.dossier_id,
        seq=event.seq,
        action=event.action,
        from_status=event.from_status,
        to_status=event.to_status,
        at=event.at,
        actor_id=event.actor_id,
        actor_unit_id=event.actor_unit_id,
        from_step_id=event.from_step_id,
        to_step_id=event.to_step_id,
        note=event.note,
        data=event.data,
    )


# --- verification --------------------------------------------------------------------------------------------
@dataclass
class Problem:
    dossier_id: int
    code: str
    seq: int | None
    message: str

    def __str__(self) -> str:
        where = f"dòng {self.seq}" if self.seq is not None else "toàn bộ lịch sử"
        return f"Hồ sơ {self.code} (id {self.dossier_id}), {where}: {self.message}"


@dataclass
class Tally:
    dossiers: int = 0
    events: int = 0
    problems: int = 0
    anchors: list[tuple[int, str, int, str]] = field(default_factory=list)


def _label(dossier_id: int, code: str | None) -> str:
    return code or f"#{dossier_id}"


def dossier_chain_check(
    dossier_id: int, code: str | None, count: int, head: str, events: list[tuple]
) -> tuple[list[Problem], list[str]]:
    """The problems of one dossier's history (`events` ordered by seq, columns as EVENT_COLUMNS) and the stored
    hash of each row by position, for comparing with an exported anchor."""
    label = _label(dossier_id, code)
    problems: list[Problem] = []
    hashes: list[str] = []
    prev = ""
    expected = 1
    for (
        _pk,
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
        stored,
    ) in events:
        if seq > expected:
            gap = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
            problems.append(Problem(dossier_id, label, expected, f"thiếu dòng {gap}: đã bị xoá."))
        elif seq < expected:
            problems.append(Problem(dossier_id, label, seq, "số thứ tự trùng hoặc lùi: dòng bị chèn thêm."))
        computed = event_hash(
            prev=prev,
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
        if not stored:
            problems.append(Problem(dossier_id, label, seq, "dòng không có mã băm: dòng bị chèn thêm."))
        elif computed != stored:
            problems.append(
                Problem(
                    dossier_id,
                    label,
                    seq,
                    "nội dung không khớp mã băm: dòng bị sửa, tráo, chèn, hoặc dòng trước nó bị xoá.",
                )
            )
        hashes.append(stored)
        prev = stored
        expected = max(expected, seq) + 1
    seen = len(events)
    if count == 0 and head == "" and seen:
        problems.append(
            Problem(
                dossier_id,
                label,
                None,
                f"có {seen} dòng nhưng hồ sơ chưa được niêm phong: dòng bị chèn thêm.",
            )
        )
    elif count and not seen:
        problems.append(Problem(dossier_id, label, None, f"mất toàn bộ {count} dòng: đã bị xoá."))
    elif seen:
        last_seq = events[-1][1]
        if last_seq < count:
            gap = f"{last_seq + 1}" if count == last_seq + 1 else f"{last_seq + 1}–{count}"
            problems.append(Problem(dossier_id, label, last_seq + 1, f"thiếu dòng cuối {gap}: đã bị xoá."))
        elif last_seq > count:
            problems.append(
                Problem(
                    dossier_id,
                    label,
                    count + 1,
                    f"dòng {count + 1}–{last_seq} nằm sau mốc niêm phong ({count} dòng): dòng bị chèn thêm.",
                )
            )
        elif head != prev:
            problems.append(
                Problem(
                    dossier_id, label, last_seq, "dòng cuối không khớp mốc niêm phong: dòng cuối bị thay."
                )
            )
    return problems, hashes


def history_walk(rows: Iterable[tuple]) -> Iterator[tuple[int, str | None, int, str, list[tuple]]]:
    """Group a stream of (dossier id, code, count, head, *EVENT_COLUMNS) rows ordered by dossier id then seq
    (a LEFT JOIN: a dossier without events comes once with a null event id) into one item per dossier."""
    current = None
    events: list[tuple] = []
    for row in rows:
        dossier_id = row[0]
        if current is None or dossier_id != current[0]:
            if current is not None:
                yield (*current, events)
            current, events = row[:4], []
        if row[4] is not None:
            events.append(row[4:])
    if current is not None:
        yield (*current, events)


# --- anchors kept off the server -----------------------------------------------------------------------------
def _open(path: Path, mode: str):
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")
    return path.open(mode, encoding="utf-8")


class AnchorWriter:
    """`id<TAB>code<TAB>count<TAB>head` per dossier with history, in dossier id order."""

    def __init__(self, path: Path, *, at: datetime) -> None:
        self.path = path
        self.file = _open(path, "w")
        self.file.write(f"{EXPORT_HEADER} {_instant(at)}\n")
        self.rows = 0

    def add(self, dossier_id: int, code: str | None, count: int, head: str) -> None:
        if count:
            self.file.write(f"{dossier_id}\t{code or ''}\t{count}\t{head}\n")
            self.rows += 1

    def close(self) -> str:
        self.file.close()
        digest = hashlib.sha256()
        with self.path.open("rb") as raw:
            for chunk in iter(lambda: raw.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()


class AnchorReader:
    """Walks an exported anchor file alongside the dossiers (both in id order)."""

    def __init__(self, path: Path) -> None:
        self.file = _open(path, "r")
        header = self.file.readline()
        if not header.startswith(EXPORT_HEADER):
            raise ValueError(f"{path} không phải tệp mốc lịch sử hồ sơ của motcua.")
        self.pending = self._next()

    def _next(self):
        line = self.file.readline()
        if not line:
            return None
        dossier_id, code, count, head = line.rstrip("\n").split("\t")
        return int(dossier_id), code, int(count), head

    def before(self, dossier_id: int | None) -> Iterator[tuple[int, str, int, str]]:
        """The exported dossiers with an id below `dossier_id` (all remaining ones for None): they are gone."""
        while self.pending is not None and (dossier_id is None or self.pending[0] < dossier_id):
            yield self.pending
            self.pending = self._next()

    def take(self, dossier_id: int):
        if self.pending is not None and self.pending[0] == dossier_id:
            found, self.pending = self.pending, self._next()
            return found
        return None

    def close(self) -> None:
        self.file.close()


def anchor_check(dossier_id: int, code: str | None, hashes: list[str], anchor) -> Problem | None:
    """An exported anchor (count, head) must still be the hash of that row: history only grows."""
    _id, _code, count, head = anchor
    label = _label(dossier_id, code)
    if len(hashes) < count:
        return Problem(dossier_id, label, None, f"tệp mốc ghi {count} dòng, nay chỉ còn {len(hashes)}.")
    if hashes[count - 1] != head:
        return Problem(
            dossier_id, label, count, "khác mã băm trong tệp mốc: lịch sử đến dòng này đã bị viết lại."
        )
    return None


# --- sealing rows written before the chain existed ----------------------------------------------------------
def history_seal_unsealed(dossier_model, event_model, *, batch: int = 1000) -> tuple[int, int, list[int]]:
    """Chain the history of dossiers never sealed (anchor count 0) whose rows all lack a hash: the rows of a
    database upgraded from before the chain. A dossier with some hashed rows but no anchor is left alone and
    returned, so that sealing never blesses a forged row. Models are passed in so a migration can call it."""
    sealed_dossiers = sealed_events = 0
    refused: list[int] = []
    last_id = 0
    columns = ("dossier_id", *EVENT_COLUMNS)
    while True:
        ids = list(
            event_model.objects.filter(dossier_id__gt=last_id, dossier__history_count=0)
            .order_by("dossier_id")
            .values_list("dossier_id", flat=True)
            .distinct()[:batch]
        )
        if not ids:
            break
        last_id = ids[-1]
        rows = (
            event_model.objects.filter(dossier_id__in=ids).order_by("dossier_id", "seq").values_list(*columns)
        )
        by_dossier: dict[int, list[tuple]] = {}
        for row in rows:
            by_dossier.setdefault(row[0], []).append(row)
        events, anchors = [], []
        for dossier_id, dossier_rows in by_dossier.items():
            if any(row[-1] for row in dossier_rows):
                refused.append(dossier_id)
                continue
            prev = ""
            for row in dossier_rows:
                (
                    _d,
                    pk,
                    seq,
                    action,
                    from_status,
                    to_status,
                    at,
                    actor,
                    unit,
                    f_step,
                    t_step,
                    note,
                    data,
                    _h,
                ) = row
                prev = event_hash(
                    prev=prev,
                    dossier_id=dossier_id,
                    seq=seq,
                    action=action,
                    from_status=from_status,
                    to_status=to_status,
                    at=at,
                    actor_id=actor,
                    actor_unit_id=unit,
                    from_step_id=f_step,
                    to_step_id=t_step,
                    note=note,
                    data=data,
                )
                events.append(event_model(pk=pk, hash=prev))
            anchors.append(dossier_model(pk=dossier_id, history_count=dossier_rows[-1][2], history_head=prev))
        event_model.objects.bulk_update(events, ["hash"], batch_size=500)
        dossier_model.objects.bulk_update(anchors, ["history_count", "history_head"], batch_size=500)
        sealed_dossiers += len(anchors)
        sealed_events += len(events)
    return sealed_dossiers, sealed_events, refused
