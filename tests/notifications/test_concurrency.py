"""Several workers at once (Celery workers, `motcua worker` processes): each message is sent exactly once."""

import json
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from motcua.notifications.delivery import outbox_deliver_due
from motcua.notifications.models import Message, MessageStatus

WORKERS = 6
MESSAGES = 300


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_send_every_message_exactly_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (SKIP LOCKED): run with DATABASE_URL=postgres://… (CI's second pass does)"
        )
    now = timezone.now()
    Message.objects.bulk_create(
        Message(
            event="received",
            channel="sms",
            recipient=f"09{n:08d}",
            body=f"Tin nhan {n}",
            dedupe_key=f"test:{n}",
            next_attempt_at=now,
        )
        for n in range(MESSAGES)
    )
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def worker() -> None:
        try:
            start.wait()
            while outbox_deliver_due(limit=7).claimed:
                pass
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Message.objects.filter(status=MessageStatus.SENT).count() == MESSAGES
    lines = (settings.MOTCUA_OUTBOX_DIR / "sms.jsonl").read_text().splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert len(ids) == MESSAGES
    assert set(ids) == {str(key) for key in Message.objects.values_list("delivery_key", flat=True)}
