"""Collecting the dossiers a service changes, so that what depends on them (the pre-aggregated figures) is
brought up to date once, at the end of the service and inside its transaction, instead of once per saved row.

Signal handlers call `dossier_changed`; a service wraps its work in `dossier_change_batch()`. Outside a
batch, the listeners run at once (an administrator's edit in the admin, a rating, a payment callback).
A service that inserts a dossier says so (`dossier_created`): the listeners learn which of the changed dossiers
no other transaction can see yet, and of which nothing can have been kept before (nothing to lock or take back)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.db import connection

_state = threading.local()
# listener(changed ids, the ids among them inserted in this batch)
Listener = Callable[[list[int], frozenset[int]], None]
_listeners: list[Listener] = []


def on_dossiers_changed(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def _notify(ids: Iterable[int], created: frozenset[int] = frozenset()) -> None:
    ids = sorted({i for i in ids if i})
    if not ids:
        return
    for listener in _listeners:
        listener(ids, created)


def dossier_created(dossier_id: int) -> None:
    """Inside a batch: this dossier is inserted in the batch's transaction (its id already drawn). Outside
    a batch it changes nothing: the listeners then treat the dossier as any other."""
    created = getattr(_state, "created", None)
    if created is not None:
        created.add(dossier_id)


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
    # Only a batch inside a transaction flushes before its inserts commit; one outside it would report them after
    # an inner transaction had made them visible to everyone: it reports none as created.
    _state.pending = set()
    _state.created = set() if connection.in_atomic_block else None
    try:
        yield
        pending, created = _state.pending, frozenset(_state.created or ())
    finally:
        _state.pending = _state.created = None
    # Listeners may save rows whose signals report the same dossiers again: those run at once, harmlessly.
    _notify(pending, created & pending)
