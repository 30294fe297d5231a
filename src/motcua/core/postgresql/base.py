"""Django's PostgreSQL backend with a connection health check that needs no round trip while the connection is
quiet. Django's check sends `SELECT 1` before each request's first query: for the public status lookup, whose
own query is one prepared statement, that was a second round trip to the server on every request (issue #7,
docs/performance.md). Settings select this backend for every `postgres://` DATABASE_URL."""

import select

from django.db.backends.postgresql import base
from psycopg import pq


def _socket_readable(fileno: int) -> bool:
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        raw = self.connection
        if raw is None or raw.closed or raw.pgconn.status != pq.ConnStatus.OK:
            return False
        if raw.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            quiet = not _socket_readable(raw.fileno())
        except (OSError, ValueError):
            return False
        # Between requests the server sends nothing unless it is closing the connection (restart, idle timeout,
        # pg_terminate_backend: an error message, then end of file) or has a notice for it; then the full check
        # decides. A peer gone without a word is not seen here, nor by `SELECT 1` until TCP gives up.
        return True if quiet else super().is_usable()
