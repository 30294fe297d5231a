"""Django's PostgreSQL backend with a connection health check that needs no round trip while the connection is
quiet. Django's check sends `SELECT 1` before each request's first query: for the public status lookup, whose
own query is one prepared statement, that was a second round trip to the server on every request (issue #7,
docs/performance.md). Settings select this backend for every `postgres://` DATABASE_URL."""

import select

from django.db.backends.postgresql import base
from psycopg import _queries, pq

# psycopg turns each query's %s placeholders into $n with a regular expression, and keeps the result only for
# queries under 4,096 bytes with at most 50 parameters: the counter intake's dossier INSERT (51 columns) and its
# figures' upsert (about six rows of 31) were parsed afresh every time, 7 % of an intake's CPU. Its cache is an
# LRU of 128 queries whatever their size; the limits only keep one-off giant queries out of it.
_queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, 16_384)
_queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, 512)


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
