"""Statements PostgreSQL plans once per connection. The public status lookup is the busiest public read; its
one indexed query cost the server 0.47–0.61 ms of CPU when sent with Django's client-side binding, most of it
planning five joins afresh each time, and 0.09–0.11 ms as a named prepared statement reused by the persistent
connection (10 M dossiers, docs/performance.md, issue #7). Django keeps psycopg's automatic preparation off
for the sake of connection poolers; this cursor prepares only what it executes, and
`MOTCUA_DB_PREPARED_STATEMENTS=0` turns it off (PgBouncer in transaction mode needs `max_prepared_statements`,
1.21 and later)."""

import functools

from django.conf import settings
from django.db import connection


@functools.cache
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor  # noqa: PLC0415 - psycopg only

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            # Django sets the connection's threshold to None, which turns preparing off altogether (even a
            # cached name is not used); lifted for this statement only, so that no other query is counted.
            connection_ = self.connection
            threshold = connection_.prepare_threshold
            connection_.prepare_threshold = 0 if threshold is None else threshold
            try:
                return super().execute(query, params, prepare=True, binary=binary)
            finally:
                connection_.prepare_threshold = threshold

    return PreparingCursor


def lookup_cursor():
    """A cursor for one frequent, fixed query: prepared on PostgreSQL when allowed, Django's own otherwise.
    Either way wrapped by Django (its query log, execute wrappers and error translation apply)."""
    if connection.vendor != "postgresql" or not settings.MOTCUA_DB_PREPARED_STATEMENTS:
        return connection.cursor()
    # What connection.cursor() does before it makes its cursor.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_preparing_cursor_class()(connection.connection))
