"""Delivery: marked sent only after the backend accepted, exactly once, retried with backoff, leased so that
several workers never send the same row."""

import json
import logging
from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from motcua.notifications import delivery
from motcua.notifications.backends import DeliveryError, PermanentDeliveryError
from motcua.notifications.delivery import outbox_deliver_due, retry_delay, retry_window
from motcua.notifications.models import Message, MessageStatus
from tests.notifications.helpers import EMAIL, PHONE, applicant, at, receive

pytestmark = pytest.mark.django_db

T0 = at(2026, 3, 2, 8, 0)


def sms_lines(settings) -> list[dict]:
    path = settings.MOTCUA_OUTBOX_DIR / "sms.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


class Flaky:
    """A backend that fails `failures` times, then accepts; counts what it accepted."""

    def __init__(self, failures=0, error=None):
        self.failures = failures
        self.error = error or DeliveryError("Cổng SMS: HTTP 503")
        self.accepted = []

    def send(self, message):
        if self.failures:
            self.failures -= 1
            raise self.error
        self.accepted.append(message.pk)
        return f"ref-{message.pk}"


def use_backend(monkeypatch, backend):
    monkeypatch.setattr(delivery, "backend_for", lambda channel: backend)


def test_file_sms_and_email_are_delivered_exactly_once(w, settings):
    with time_machine.travel(T0, tick=False):
        dossier = receive(w)
        counts = outbox_deliver_due()
        again = outbox_deliver_due()
    assert counts.as_dict() == {"claimed": 2, "sent": 2, "retried": 0, "failed": 0, "deferred": 0}
    assert again.claimed == 0
    sms = Message.objects.get(channel="sms")
    assert (sms.status, sms.attempts, sms.sent_at) == (MessageStatus.SENT, 1, T0)
    assert sms.provider_reference == f"file:{sms.delivery_key}"
    assert (sms.claimed_until, sms.claim_token) == (None, None)
    lines = sms_lines(settings)
    assert [(line["id"], line["to"], line["text"]) for line in lines] == [
        (str(sms.delivery_key), "84912345678", sms.body)
    ]
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [EMAIL]
    assert email.subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    sent = Message.objects.get(channel="email")
    assert email.extra_headers["Message-ID"] == f"<{sent.delivery_key}@localhost>"
    assert sent.provider_reference == email.extra_headers["Message-ID"]


def test_the_received_email_carries_form01(w):
    with time_machine.travel(T0, tick=False):
        dossier = receive(w)
        outbox_deliver_due()
    ((name, content, mimetype),) = mail.outbox[0].attachments
    assert (name, mimetype) == (f"{dossier.code}-mau-01.pdf", "application/pdf")
    text = " ".join(PdfReader(BytesIO(content)).pages[0].extract_text().split())
    assert dossier.code in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text.upper()


def test_file_email_backend_writes_each_message_once(w, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "email"
    with time_machine.travel(T0, tick=False):
        receive(w, applicant=applicant(phone=""))
        outbox_deliver_due()
        outbox_deliver_due()
    files = list((tmp_path / "email").iterdir())
    assert len(files) == 1
    content = files[0].read_text()
    assert content.count("Subject: ") == 1
    assert f"To: {EMAIL}" in content


def test_failures_back_off_exponentially_up_to_30_minutes(w, monkeypatch):
    backend = Flaky(failures=10**6)
    use_backend(monkeypatch, backend)
    with time_machine.travel(T0, tick=False) as clock:
        receive(w, applicant=applicant(email=""))
        waits = []
        for _ in range(8):
            now = timezone.now()
            assert outbox_deliver_due().retried == 1
            message = Message.objects.get()
            waits.append(round((message.next_attempt_at - now).total_seconds() / 60))
            clock.move_to(message.next_attempt_at - timedelta(seconds=1))
            assert outbox_deliver_due().claimed == 0  # not due yet
            clock.move_to(message.next_attempt_at)
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]
    message = Message.objects.get()
    assert (message.status, message.attempts, message.last_error) == ("pending", 8, "Cổng SMS: HTTP 503")
    assert backend.accepted == []


def test_the_default_limit_keeps_trying_for_more_than_48_hours(settings):
    assert retry_delay(1) == timedelta(minutes=1)
    assert retry_delay(6) == timedelta(minutes=30)
    assert retry_delay(1000) == timedelta(minutes=30)
    assert retry_window() >= timedelta(hours=48)
    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 3
    assert retry_window() == timedelta(minutes=3)


def test_failed_after_the_last_attempt_and_logged_without_personal_data(w, monkeypatch, settings, caplog):
    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 4
    use_backend(monkeypatch, Flaky(failures=10**6))
    with time_machine.travel(T0, tick=False) as clock, caplog.at_level(logging.INFO, "motcua.notifications"):
        receive(w, applicant=applicant(email=""))
        outcomes = []
        for _ in range(10):
            counts = outbox_deliver_due()
            outcomes.append((counts.retried, counts.failed))
            clock.shift(timedelta(hours=1))
    assert outcomes == [(1, 0)] * 3 + [(0, 1)] + [(0, 0)] * 6
    message = Message.objects.get()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 4)
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failed] == [
        f"message {message.pk} failed after 4 attempt(s) (attempts exhausted): received/sms"
    ]
    for record in caplog.records:
        text = record.getMessage()
        assert (
            PHONE not in text and "84912345678" not in text and "Nguyễn" not in text and "H12.99-" not in text
        )


def test_a_permanent_refusal_fails_at_once(w, monkeypatch):
    use_backend(monkeypatch, Flaky(failures=1, error=PermanentDeliveryError("Cổng SMS từ chối: HTTP 400")))
    with time_machine.travel(T0, tick=False):
        receive(w, applicant=applicant(email=""))
        assert outbox_deliver_due().failed == 1
    message = Message.objects.get()
    assert (message.status, message.attempts, message.last_error) == (
        "failed",
        1,
        "Cổng SMS từ chối: HTTP 400",
    )


def test_an_unexpected_backend_error_is_retried_not_lost(w, monkeypatch):
    use_backend(monkeypatch, Flaky(failures=1, error=KeyError("boom")))
    with time_machine.travel(T0, tick=False) as clock:
        receive(w, applicant=applicant(email=""))
        assert outbox_deliver_due().retried == 1
        assert Message.objects.get().last_error == "KeyError: 'boom'"
        clock.shift(timedelta(minutes=1))
        assert outbox_deliver_due().sent == 1


def test_an_invalid_phone_number_fails_without_retrying(w):
    with time_machine.travel(T0, tick=False):
        receive(w, applicant=applicant(email=""))
        Message.objects.update(recipient="12")  # typed wrong before validation existed
        assert outbox_deliver_due().failed == 1
    assert Message.objects.get().last_error == "Số điện thoại không hợp lệ"


def test_a_claimed_row_is_skipped_by_other_workers_until_its_lease_ends(w):
    with time_machine.travel(T0, tick=False) as clock:
        receive(w, applicant=applicant(email=""))
        token = delivery.uuid.uuid4()
        claimed = delivery._claim(limit=10, at=T0, token=token)  # a worker that then crashed
        assert len(claimed) == 1
        assert outbox_deliver_due().claimed == 0
        clock.shift(timedelta(seconds=299))
        assert outbox_deliver_due().claimed == 0
        clock.shift(timedelta(seconds=1))
        assert outbox_deliver_due().sent == 1
        # The crashed worker coming back cannot overwrite the outcome: the lease is no longer its own.
        delivery._record_failure(claimed[0], token=token, error=DeliveryError("late"), at=T0)
    message = Message.objects.get()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")


def test_a_lease_too_short_for_a_safe_send_is_handed_back(w, monkeypatch, settings):
    settings.MOTCUA_OUTBOX_LEASE_SECONDS = 20  # shorter than the send budget (timeout + margin)
    backend = Flaky()
    use_backend(monkeypatch, backend)
    with time_machine.travel(T0, tick=False):
        receive(w, applicant=applicant(email=""))
        assert outbox_deliver_due().deferred == 1
    message = Message.objects.get()
    assert (message.status, message.claimed_until, message.attempts) == ("pending", None, 0)
    assert backend.accepted == []


def test_configuration_mistakes_are_reported_by_the_system_check(settings):
    from motcua.notifications.checks import notification_settings_check

    assert notification_settings_check(None) == []
    settings.MOTCUA_SMS_BACKEND = "http"
    settings.MOTCUA_SMS_URL = ""
    assert [e.id for e in notification_settings_check(None)] == ["notifications.E002"]
    settings.MOTCUA_SMS_BACKEND = "fax"
    assert [e.id for e in notification_settings_check(None)] == ["notifications.E001"]
