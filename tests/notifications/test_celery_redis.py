"""Celery on the machine's real Redis: a committed change wakes a worker that delivers its messages.

Uses its own Redis database (MOTCUA_TEST_REDIS_URL, default db 11) and a queue named for this run only, so
parallel runs and other users of the server never see each other's tasks."""

import os
import time
import uuid

import pytest
from django.core import mail
from django.db import transaction

from motcua.notifications.models import Message, MessageStatus
from tests.factories import dossier_world
from tests.notifications.helpers import receive

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


@pytest.fixture
def celery_on_redis(settings):
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis unreachable at {REDIS_URL}: start it or set MOTCUA_TEST_REDIS_URL")
    from celery.contrib.testing.worker import start_worker

    import motcua.notifications.tasks  # noqa: F401 - registers the task on the app
    from motcua.celery import app

    queue = f"motcua-test-{uuid.uuid4().hex[:12]}"
    saved = {key: app.conf[key] for key in ("broker_url", "task_default_queue")}
    app.conf.update(broker_url=REDIS_URL, task_default_queue=queue)
    reset(app)
    settings.CELERY_BROKER_URL = REDIS_URL
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20
        ):
            yield app
    finally:
        app.conf.update(saved)
        reset(app)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()


def reset(app):
    # Pooled broker connections and the queue table are built once from the configuration: rebuild them.
    app.close()
    app.__dict__.pop("amqp", None)


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_delivered_by_a_celery_worker(celery_on_redis, settings):
    w = dossier_world()
    with transaction.atomic():
        dossier = receive(w)
        # Nothing is scheduled before the commit: the worker cannot see (or send) an uncommitted change.
        assert Message.objects.filter(dossier=dossier).count() == 2
    assert wait_for(lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 2), list(
        Message.objects.values_list("channel", "status", "last_error")
    )
    assert [m.to for m in mail.outbox] == [["hoa.nguyen@example.vn"]]
    lines = (settings.MOTCUA_OUTBOX_DIR / "sms.jsonl").read_text().splitlines()
    assert len(lines) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_schedules_nothing(celery_on_redis):
    w = dossier_world()
    published = []
    from motcua.notifications import tasks

    original = tasks.deliver_due.apply_async

    def spy(*args, **kwargs):
        published.append(1)
        return original(*args, **kwargs)

    tasks.deliver_due.apply_async = spy
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            receive(w)
            raise RuntimeError("rolled back")
        receive(w)
    finally:
        del tasks.deliver_due.apply_async
    assert len(published) == 2  # the committed change's e-mail and SMS only
    assert wait_for(lambda: Message.objects.filter(status=MessageStatus.SENT).count() == 2)
    assert Message.objects.count() == 2
