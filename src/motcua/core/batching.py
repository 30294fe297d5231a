"""Collecting the dossiers a service changes, so that what depends on them (the pre-aggregated figures) is
brought up to date once, at the end of the service and inside its transaction, instead of once per saved row.

Signal handlers call `dossier_changed`; a service wraps its work in `dossier_change_batch()`. Outside a
batch, the listeners run at once (an administrator's edit in the admin, a rating, a payment callback)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

_state = threading.local()
_listeners: list[Callable[[list[int]], None]] = []


def on_dossiers_changed(listener: Callable[[list[int]], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _notify(ids: Iterable[int]) -> None:
    ids = sorted({i for i in ids if i})
    if not ids:
        return
    for listener in _listeners:
        listener(ids)


def dossier_changed(dossier_id: int | None) -> None:
    pending = getattr(_state, "pending", None)
    if pending is None:
        _notify([dossier_id])
    else:
        pending.add(dossier_id)


@contextmanager
def dossier_change_batch() -> Iterator[None]:
    """Nested batches join the outermost one. On an exception nothing is flushed: the transaction that
    wrote the changes is rolled back with them."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = set()
    try:
        yield
        pending = _state.pending
    finally:
        _state.pending = None
    # Listeners may save rows whose signals report the same dossiers again: those run at once, harmlessly.
    _notify(pending)
