"""Statements PostgreSQL plans once per connection. The public status lookup is the busiest public read; its
one indexed query cost the server 0.47–0.61 ms of CPU when sent with Django's client-side binding, most of it
planning five joins afresh each time, and 0.09–0.11 ms as a named prepared statement reused by the persistent
connection (10 M dossiers, docs/performance.md, issue #7). The settings let psycopg prepare any statement a
connection runs a third time; this cursor prepares its statement from the first run, and asks for binary results.
`MOTCUA_DB_PREPARED_STATEMENTS=0` turns both off (PgBouncer in transaction mode needs `max_prepared_statements`,
1.21 and later)."""

import functools

from django.conf import settings
from django.db import connection


@functools.cache
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor  # noqa: PLC0415 - psycopg only

    class PreparingCursor(ServerBindingCursor):
        # The settings give every PostgreSQL connection a prepare threshold (never None, which would make psycopg
        # ignore `prepare=True`) whenever this cursor is used. Results in binary: psycopg's C loaders decode them,
        # where Django's timestamptz loader (a Python subclass, text) parsed each instant in Python, a dozen per
        # lookup.
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=True if binary is None else binary)

    return PreparingCursor


def lookup_cursor():
    """A cursor for one frequent, fixed query: prepared, with results in binary, on PostgreSQL when allowed;
    Django's own otherwise.
    Either way wrapped by Django (its query log, execute wrappers and error translation apply)."""
    if connection.vendor != "postgresql" or not settings.MOTCUA_DB_PREPARED_STATEMENTS:
        return connection.cursor()
    # What connection.cursor() does before it makes its cursor.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_preparing_cursor_class()(connection.connection))
