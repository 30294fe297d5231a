"""The backup scripts against a real PostgreSQL: deploy/backup/pg-backup.sh dumps the test database, and
deploy/backup/pg-restore-check.sh restores the newest dump into a scratch database and compares row counts.

Runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://…, as .ci/run does); skipped otherwise."""

import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.factories import UnitFactory, UserFactory

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "backup"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def _url(settings_dict: dict, name: str) -> str:
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{name}"


@pytest.fixture
def live_url():
    if connection.vendor != "postgresql":
        pytest.skip("backup/restore check needs the suite on PostgreSQL (DATABASE_URL=postgres://…)")
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"backup/restore check needs the PostgreSQL client tools: {', '.join(missing)} not found")
    return _url(connection.settings_dict, connection.settings_dict["NAME"])


def _run(script: str, *args, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(DEPLOY / script), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _scratch_databases() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'motcua_restore_check_%%'")
        return {row[0] for row in cursor.fetchall()}


def test_the_newest_dump_restores_with_the_same_rows(live_url, tmp_path):
    for number in range(5):
        UserFactory(username=f"backup{number}")
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "motcua-20200101T000000Z.dump"
    old.write_bytes(b"an old dump")
    month_ago = time.time() - 30 * 86400
    os.utime(old, (month_ago, month_ago))
    env = {"DATABASE_URL": live_url, "MOTCUA_BACKUP_DIR": str(backups), "MOTCUA_BACKUP_KEEP_DAYS": "14"}
    before = _scratch_databases()

    backup = _run("pg-backup.sh", env=env)
    assert backup.returncode == 0, backup.stderr
    dumps = sorted(backups.glob("motcua-*.dump"))
    assert len(dumps) == 1 and dumps[0] != old  # the month-old dump went, the new one stays
    assert oct(dumps[0].stat().st_mode & 0o777) == "0o600"
    assert not list(backups.glob(".*partial"))

    check = _run("pg-restore-check.sh", "--exact", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    lines = {line.split()[0]: line.split()[1:] for line in check.stdout.splitlines() if line.strip()}
    assert lines["accounts_user"] == ["5", "5", "ok"]
    assert lines["django_migrations"][2] == "ok" and int(lines["django_migrations"][0]) > 0
    assert "restore check: OK" in check.stdout

    assert _scratch_databases() == before  # dropped after the check


def test_a_copy_short_of_the_live_rows_beyond_the_tolerance_fails(live_url, tmp_path):
    for number in range(5):
        UserFactory(username=f"backup{number}")
    env = {
        "DATABASE_URL": live_url,
        "MOTCUA_BACKUP_DIR": str(tmp_path),
        "MOTCUA_RESTORE_TOLERANCE_PERCENT": "20",
    }
    assert _run("pg-backup.sh", env=env).returncode == 0
    before = _scratch_databases()
    # Written after the dump: one user more (1 in 6 short, within 20 %), a first unit (all of it short).
    UserFactory(username="after-the-dump")
    UnitFactory()
    check = _run("pg-restore-check.sh", env=env)
    assert check.returncode == 1
    assert "accounts_user                                 6            5  ok" in check.stdout
    assert "org_unit                                      1            0  FAILED" in check.stdout
    assert "restore check: FAILED" in check.stderr
    assert _scratch_databases() == before


def test_an_unreadable_dump_fails_the_check_and_leaves_no_scratch_database(live_url, tmp_path):
    broken = tmp_path / "motcua-20260101T000000Z.dump"
    broken.write_bytes(b"PGDMP but not really")
    before = _scratch_databases()
    check = _run("pg-restore-check.sh", str(broken), env={"DATABASE_URL": live_url})
    assert check.returncode == 1
    assert "is not a readable dump" in check.stderr
    assert _scratch_databases() == before


def test_no_dump_is_a_clear_error(live_url, tmp_path):
    check = _run("pg-restore-check.sh", env={"DATABASE_URL": live_url, "MOTCUA_BACKUP_DIR": str(tmp_path)})
    assert check.returncode == 2
    assert "no dump found" in check.stderr
