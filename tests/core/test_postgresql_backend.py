"""The PostgreSQL backend's health check (motcua/core/postgresql): no round trip on a quiet connection, and a
connection the server has closed is still replaced before the request's first query."""

import os
import subprocess
import sys
import time

import psycopg
import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def other_session():
    if connection.vendor != "postgresql":
        pytest.skip("the health check of the PostgreSQL backend")
    connection.ensure_connection()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        yield other


def _last_statement(other, pid: int) -> str:
    return other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]


def test_the_settings_select_motcuas_backend():
    if connection.vendor != "postgresql":
        pytest.skip("the health check of the PostgreSQL backend")
    assert type(connections["default"]).__module__ == "motcua.core.postgresql.base"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_quiet_connection_is_usable_without_a_round_trip(other_session):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 42 AS health_check_marker")
        pid = connection.connection.info.backend_pid
    assert "health_check_marker" in _last_statement(other_session, pid)
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert connection.connection is not None and connection.connection.info.backend_pid == pid
    # Django's own check would have sent `SELECT 1`, which the server would now show as the last statement.
    assert "health_check_marker" in _last_statement(other_session, pid)


def test_a_connection_the_server_closed_is_replaced_before_the_first_query(other_session):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    pid = connection.connection.info.backend_pid
    other_session.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while (
        time.monotonic() < deadline
        and other_session.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    ):
        time.sleep(0.02)
    assert not connection.is_usable()
    connection.health_check_done = False
    with connection.cursor() as cursor:  # the check runs first, and a new connection serves the query
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_connection_with_a_message_waiting_gets_the_full_check(other_session):
    # A notice or notification waiting on the socket is not a closed connection: the `SELECT 1` decides.
    with connection.cursor() as cursor:
        cursor.execute("LISTEN motcua_health_check_test")
    pid = connection.connection.info.backend_pid
    other_session.execute("NOTIFY motcua_health_check_test")
    time.sleep(0.1)
    assert connection.is_usable()
    assert _last_statement(other_session, pid) == "SELECT 1"
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN *")


def _database_options(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL"))}
    script = (
        "from django.conf import settings as s; d = s.DATABASES['default'];"
        "print(d['ENGINE'], d['OPTIONS'].get('server_side_binding'), d['OPTIONS'].get('prepare_threshold'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", "from motcua.cli import main; main()", "shell", "--no-imports", "-c", script],
        env={**clean, "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/motcua", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_statements_are_bound_on_the_server_and_prepared_unless_turned_off(tmp_path):
    assert _database_options(MOTCUA_DATA_DIR=str(tmp_path)) == "motcua.core.postgresql True 2"
    off = _database_options(MOTCUA_DATA_DIR=str(tmp_path), MOTCUA_DB_PREPARED_STATEMENTS="0")
    assert off == "motcua.core.postgresql None None"


def test_a_statement_run_again_on_a_connection_is_prepared(other_session):
    # Planned once per connection: the intake's thirty statements were each parsed and planned afresh. psycopg
    # prepares a statement on its run after the threshold's count (2).
    from motcua.org.models import Unit

    for agency_code in ("H12.X1", "H12.X2", "H12.X3"):
        assert not Unit.objects.filter(agency_code=agency_code).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        statements = [row[0] for row in cursor.fetchall()]
    assert any('"org_unit"."agency_code" = $' in s for s in statements), statements


def test_a_wide_statement_is_converted_for_the_server_once(other_session, monkeypatch):
    # psycopg parses a query's placeholders with a regular expression and kept the result only for queries of at
    # most 50 parameters: the dossier's INSERT (51 columns) was parsed on every intake.
    from psycopg import _queries

    columns = ", ".join(f"%s AS c{i}" for i in range(60))
    parsed = []
    original = _queries._query2pg_nocache
    monkeypatch.setattr(
        _queries, "_query2pg_nocache", lambda *args: parsed.append(args[0]) or original(*args)
    )
    _queries._query2pg.cache_clear()  # the cache wraps the original function, not the spy: count its misses
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns}", list(range(60)))
            assert cursor.fetchone() == tuple(range(60))
    info = _queries._query2pg.cache_info()
    assert (info.misses, info.hits) == (1, 2) and parsed == []
