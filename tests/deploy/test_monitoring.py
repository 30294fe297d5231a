"""deploy/monitoring/alerts.sql: every query runs on the schema and counts what it says (PostgreSQL pass)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from motcua.notifications.models import Message, MessageStatus

ALERTS = Path(__file__).resolve().parents[2] / "deploy" / "monitoring" / "alerts.sql"

pytestmark = [pytest.mark.django_db, pytest.mark.postgres_only]


def _alerts() -> dict[str, int]:
    if connection.vendor != "postgresql":
        pytest.skip(
            "the monitoring queries are PostgreSQL's: run with DATABASE_URL=postgres://… (CI's second pass)"
        )
    code = "\n".join(line for line in ALERTS.read_text().splitlines() if not line.lstrip().startswith("--"))
    values = {}
    with connection.cursor() as cursor:
        for statement in filter(str.strip, code.split(";")):
            cursor.execute(statement)
            (name, value), *more = cursor.fetchall()
            assert not more
            values[name] = int(value)
    return values


def _message(number: int, *, status: str, due_minutes_ago: int) -> Message:
    return Message.objects.create(
        event="test",
        channel="email",
        recipient=f"a{number}@example.vn",
        body="x",
        dedupe_key=f"monitoring:{number}",
        status=status,
        next_attempt_at=timezone.now() - timedelta(minutes=due_minutes_ago),
    )


def test_every_alert_query_runs_and_reads_zero_on_a_quiet_database():
    values = _alerts()
    assert set(values) == {
        "outbox_backlog",
        "outbox_oldest_minutes",
        "failed_deliveries_24h",
        "overdue_dossiers",
        "payments_stuck",
        "database_mb",
    }
    assert {name: value for name, value in values.items() if name != "database_mb"} == dict.fromkeys(
        set(values) - {"database_mb"}, 0
    )
    assert values["database_mb"] > 0


def test_the_outbox_alerts_count_late_and_failed_messages():
    _message(1, status=MessageStatus.PENDING, due_minutes_ago=45)
    _message(2, status=MessageStatus.PENDING, due_minutes_ago=2)  # due, but within the workers' minute
    _message(3, status=MessageStatus.FAILED, due_minutes_ago=60)
    _message(4, status=MessageStatus.SENT, due_minutes_ago=600)
    values = _alerts()
    assert values["outbox_backlog"] == 1
    assert values["outbox_oldest_minutes"] == 45
    assert values["failed_deliveries_24h"] == 1


def test_the_overdue_alert_counts_open_dossiers_past_their_return_date():
    from datetime import datetime

    import time_machine

    from motcua.dossiers.services import dossier_intake
    from motcua.workcal.calendar import LOCAL_TZ
    from tests.factories import dossier_world, intake_data

    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        w = dossier_world()
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    assert dossier.due_at < timezone.now()
    assert _alerts()["overdue_dossiers"] == 1
