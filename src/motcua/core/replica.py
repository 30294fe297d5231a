"""Figures read from a streaming replica (docs/deployment.md, "Scaling").

With `MOTCUA_REPLICA_DATABASE_URL` set, the reads made inside `figures_reads()` — the statistics report, the
Decision 766 index, the dashboard, the public figures and open data — go to the replica: they are the heavy
reads of a province, and a figure seconds behind the counter is still the figure of the day. Every other read
and every write stays on the primary, so an officer always sees the dossier they have just changed. Without
a replica the router answers nothing and Django uses the primary as before."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_figures = ContextVar("motcua_figures_reads", default=False)


@contextmanager
def figures_reads() -> Iterator[None]:
    """Reads inside go to the replica when one is configured (also usable as a view decorator)."""
    token = _figures.set(True)
    try:
        yield
    finally:
        _figures.reset(token)


def reading_figures() -> bool:
    return _figures.get()


class FiguresReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _figures.get() or REPLICA not in settings.DATABASES:
            return None
        # Inside a transaction on the primary the reads belong to it: a replica would not see its writes.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: an object read from one may be related to one from the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
