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
from django.db.models import signals


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
        # The converters too: results_iter() would look them up again on every call.
        converters = compiler.get_converters([column[0] for column in select[0 : compiler.col_count]])
        compiled = store[self] = (compiler, sql, list(params), slots, instances, converters)
        return compiled

    def _run(self, values):
        for value in values:
            if not isinstance(value, (str, int)):
                raise TypeError(f"a compiled query takes str or int values, not {type(value).__name__}")
        connection = connections[router.db_for_read(self._model)]
        compiler, sql, params, slots, instances, converters = self._compiled(connection)
        params = params.copy()
        for position, index in slots:
            params[position] = values[index]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters and rows:
            rows = list(compiler.apply_converters(rows, converters))
        return connection, compiler, instances, rows

    def __call__(self, *values: str | int) -> list:
        """The queryset's model instances."""
        connection, compiler, instances, rows = self._run(values)
        if instances is None:
            raise TypeError("this query selects no model column: call .rows()")
        model, init_list, (start, end), populators = instances
        found = []
        for row in rows:
            instance = model.from_db(connection.alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            found.append(instance)
        return found

    def first(self, *values: str | int):
        """The first instance, or None (build the queryset with `[:1]` so that one row is read)."""
        return next(iter(self(*values)), None)

    def rows(self, *values: str | int) -> list[tuple]:
        """A `values_list` queryset's rows, as tuples, the fields' converters applied."""
        _connection, compiler, _instances, rows = self._run(values)
        return [tuple(row) for row in rows]


# --- inserts compiled once -----------------------------------------------------------------------------------
def insert(objs: list, *, ignore_conflicts: bool = False) -> list:
    """INSERT new instances of one model as Django's `save(force_insert=True)` (one) or `bulk_create` (several)
    would, with `RETURNING` the generated columns, but with the SQL written by Django's compiler once per
    connection, model, number of rows and pk presence, then reused: writing an INSERT cost the worker two to three
    times what preparing its values does (five of them per counter intake, docs/performance.md, issue #7).

    Each value is still prepared by its field (`pre_save` with `add=True`, `get_db_prep_save`), the related
    fields are checked as `save()` checks them, and `pre_save`/`post_save` are sent when someone listens. A value
    that is an expression (a database function, say) cannot reuse the SQL: it is refused with a TypeError, as is a
    field that writes its own placeholder. With `ignore_conflicts` (one instance only) a row that conflicts with
    a unique index is not written and the instance is not returned. Returns the instances written."""
    if not objs:
        return []
    model = type(objs[0])
    meta = model._meta
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert() takes instances of one model")
    if meta.parents:
        raise TypeError(f"{model.__name__} inherits from a concrete model: use save()")
    if ignore_conflicts and (len(objs) != 1 or not meta.db_returning_fields):
        raise ValueError(
            "ignore_conflicts: one instance of a model with a generated key, so that the written one is known"
        )
    pk_set = {obj.pk is not None for obj in objs}
    if len(pk_set) != 1:
        raise ValueError("insert(): either every instance has its primary key or none has")
    with_pk = pk_set.pop()
    using = router.db_for_write(model, instance=objs[0])
    connection = connections[using]
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="save")
        if signals.pre_save.has_listeners(model):
            signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    store = connection.__dict__.setdefault("_motcua_compiled", {})
    key = ("insert", model, with_pk, len(objs), ignore_conflicts)
    compiled = store.get(key)
    if compiled is None:
        compiled, params = _insert_compile(connection, model, objs, with_pk, ignore_conflicts)
        store[key] = compiled
        sql, compiler, fields, returning, converters, _by_column = compiled
    else:
        sql, compiler, fields, returning, converters, by_column = compiled
        rows = []
        for obj in objs:
            values = [compiler.prepare_value(field, compiler.pre_save_val(field, obj)) for field in fields]
            for field, value in zip(fields, values, strict=True):
                if hasattr(value, "as_sql"):
                    raise TypeError(
                        f"{model.__name__}.{field.name}: an expression cannot reuse a compiled INSERT"
                    )
            rows.append(values)
        params = (
            [list(column) for column in zip(*rows, strict=True)]
            if by_column
            else [v for r in rows for v in r]
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # A model whose primary key is given (not generated) has no column to return.
        rows = cursor.fetchall() if returning else [()] * len(objs)
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    if not rows:  # the one instance's row conflicted
        return []
    for obj, row in zip(objs, rows, strict=True):
        for value, field in zip(row, returning, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding, obj._state.db = False, using
        if signals.post_save.has_listeners(model):
            signals.post_save.send(
                sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
            )
    return objs


def _insert_compile(connection, model, objs, with_pk: bool, ignore_conflicts: bool):
    """Django's own INSERT for these instances; checked to be reusable with other values of the same fields."""
    from django.db.models.constants import OnConflict  # noqa: PLC0415 - Django internals
    from django.db.models.sql import InsertQuery  # noqa: PLC0415

    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if with_pk or f is not meta.auto_field]
    if not connection.features.can_return_rows_from_bulk_insert:
        raise TypeError(f"{connection.vendor} cannot return the inserted rows: use save() or bulk_create()")
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    query.insert_values(fields, objs, raw=False)
    compiler = query.get_compiler(connection=connection)
    returning = list(meta.db_returning_fields)
    compiler.returning_fields = returning
    [(sql, params)] = compiler.as_sql()
    # Plain values only: an expression (or a field's own placeholder) would have written its SQL in a slot.
    # Several rows on PostgreSQL go as one array per column (Django's UNNEST insert), otherwise row after row.
    row = f"({', '.join(['%s'] * len(fields))})"
    by_column = (
        len(objs) > 1
        and " UNNEST(" in sql
        and len(params) == len(fields)
        and all(isinstance(value, list) and len(value) == len(objs) for value in params)
    )
    by_row = f"VALUES {', '.join([row] * len(objs))}" in sql and len(params) == len(fields) * len(objs)
    if not (by_column or by_row):
        raise TypeError(
            f"{model.__name__}: an expression among the values; a compiled INSERT needs plain values"
        )
    query.objs = []  # the compiler is kept for its value preparation, not these instances
    cols = [field.get_col(meta.db_table) for field in returning]
    return (sql, compiler, fields, returning, compiler.get_converters(cols), by_column), list(params)
