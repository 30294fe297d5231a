"""Statements PostgreSQL plans once per connection. The public status lookup is the busiest public read; its
one indexed query cost the server 0.47–0.61 ms of CPU when sent with Django's client-side binding, most of it
planning five joins afresh each time, and 0.09–0.11 ms as a named prepared statement reused by the persistent
connection (10 M dossiers, docs/performance.md, issue #7). The settings let psycopg prepare any statement a
connection runs a third time; this cursor prepares its statement from the first run, and asks for binary results.
`MOTCUA_DB_PREPARED_STATEMENTS=0` turns both off (PgBouncer in transaction mode needs `max_prepared_statements`,
1.21 and later)."""

import functools

from django.conf import settings
from django.db import connection, connections, router


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


# --- queries compiled once -----------------------------------------------------------------------------------
class CompiledQuery:
    """One queryset shape compiled to SQL once per database connection, then run with new values. For the reads
    every API call or counter intake makes (token, roles, procedure, unit by code): Django's building and compiling
    such a query cost the worker more CPU than PostgreSQL spent answering it (docs/performance.md, issue #7).
    The rows become model instances, `select_related` ones included, as the queryset's own would, through the
    compiler that wrote the SQL (its converters apply).

    `build(*placeholders)` returns the queryset; each placeholder must reach the SQL parameters unchanged (a
    `str` or `int` compared with `=`: no `LIKE`, no date), so that its places can be found and refilled. The values
    given later must be of the same kinds: they go to the database as they are."""

    def __init__(self, model, build, *placeholders: str | int):
        self._model = model  # for the database router: the read goes where the queryset's would
        self._build = build
        self._placeholders = placeholders

    def _compiled(self, connection):
        # Kept on the connection's wrapper (one per thread), not on the module-level proxy all threads share.
        store = connection.__dict__.setdefault("_motcua_compiled", {})
        compiled = store.get(self)
        if compiled is not None:
            return compiled
        queryset = self._build(*self._placeholders)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        slots = [
            (position, index)
            for position, value in enumerate(params)
            for index, placeholder in enumerate(self._placeholders)
            if type(value) is type(placeholder) and value == placeholder
        ]
        if {index for _position, index in slots} != set(range(len(self._placeholders))):
            raise ValueError(f"placeholder not found among the parameters of {sql}")
        klass_info, select = compiler.klass_info, compiler.select
        instances = None  # a query of no model column (annotations only) has no instances to give: .rows()
        if klass_info is not None:
            from django.db.models.query import get_related_populators  # noqa: PLC0415 - Django internals

            fields = klass_info["select_fields"]
            instances = (
                klass_info["model"],
                [column[0].target.attname for column in select[fields[0] : fields[-1] + 1]],
                (fields[0], fields[-1] + 1),
                get_related_populators(klass_info, select, connection.alias),
            )
        compiled = store[self] = (compiler, sql, list(params), slots, instances)
        return compiled

    def _run(self, values):
        for value in values:
            if not isinstance(value, (str, int)):
                raise TypeError(f"a compiled query takes str or int values, not {type(value).__name__}")
        connection = connections[router.db_for_read(self._model)]
        compiler, sql, params, slots, instances = self._compiled(connection)
        params = params.copy()
        for position, index in slots:
            params[position] = values[index]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return connection, compiler, instances, rows

    def __call__(self, *values: str | int) -> list:
        """The queryset's model instances."""
        connection, compiler, instances, rows = self._run(values)
        if instances is None:
            raise TypeError("this query selects no model column: call .rows()")
        model, init_list, (start, end), populators = instances
        found = []
        for row in compiler.results_iter(results=[rows]) if rows else ():
            instance = model.from_db(connection.alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            found.append(instance)
        return found

    def rows(self, *values: str | int) -> list[tuple]:
        """A `values_list` queryset's rows, as tuples, the fields' converters applied."""
        _connection, compiler, _instances, rows = self._run(values)
        return list(compiler.results_iter(results=[rows], tuple_expected=True)) if rows else []
