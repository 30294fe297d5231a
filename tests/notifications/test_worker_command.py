"""`motcua worker --once`: the delivery loop for installations without Celery (and for cron)."""

import subprocess
import sys
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from motcua.notifications import delivery
from motcua.notifications.backends import DeliveryError
from motcua.notifications.models import Message, MessageStatus
from tests.notifications.helpers import applicant, at, receive

pytestmark = pytest.mark.django_db

T0 = at(2026, 3, 2, 8, 0)


def test_once_delivers_everything_due_in_batches_and_stops(w, settings):
    with time_machine.travel(T0, tick=False):
        for n in range(3):
            receive(w, applicant=applicant(id_number=f"09612345678{n}"))
        out = StringIO()
        call_command("worker", "--once", "--limit", "2", stdout=out)
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 6
    lines = out.getvalue().splitlines()
    assert lines[-1] == "Đã gửi 6, sẽ gửi lại 0, thất bại 0, hoãn 0."
    assert len((settings.MOTCUA_OUTBOX_DIR / "sms.jsonl").read_text().splitlines()) == 3


def test_once_leaves_failures_for_a_later_pass(w, monkeypatch):
    class Down:
        def send(self, message):
            raise DeliveryError("Cổng SMS: HTTP 503")

    monkeypatch.setattr(delivery, "backend_for", lambda channel: Down())
    with time_machine.travel(T0, tick=False) as clock:
        receive(w)
        out = StringIO()
        call_command("worker", "--once", stdout=out)
        assert out.getvalue().strip() == "Đã gửi 0, sẽ gửi lại 2, thất bại 0, hoãn 0."
        monkeypatch.undo()
        clock.shift(timedelta(minutes=1))
        call_command("worker", "--once", stdout=StringIO())
    assert set(Message.objects.values_list("status", "attempts")) == {("sent", 2)}


def test_the_console_command_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "worker", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "--once" in result.stdout
