"""The HTTP SMS adapter against a local gateway: an hour-long outage loses nothing and doubles nothing."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from motcua.notifications import delivery
from motcua.notifications.delivery import outbox_deliver_due
from motcua.notifications.models import Message, MessageStatus
from tests.notifications.helpers import TOKEN, GatewayServer, applicant, at, receive

pytestmark = pytest.mark.django_db

T0 = at(2026, 3, 2, 8, 0)


@pytest.fixture
def gateway(settings):
    with GatewayServer() as gateway:
        settings.MOTCUA_SMS_BACKEND = "http"
        settings.MOTCUA_SMS_URL = gateway.url
        settings.MOTCUA_SMS_TOKEN = TOKEN
        settings.MOTCUA_SMS_TIMEOUT = 2
        yield gateway


def test_the_request_follows_the_documented_contract(w, gateway):
    with time_machine.travel(T0, tick=False):
        receive(w, applicant=applicant(email=""))
        assert outbox_deliver_due().sent == 1
    message = Message.objects.get()
    (request,) = gateway.requests
    assert request["body"] == {"to": "84912345678", "text": message.body, "id": str(message.delivery_key)}
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Idempotency-Key"] == str(message.delivery_key)
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert message.provider_reference == f"gw-{str(message.delivery_key)[:8]}"


def test_an_hour_long_outage_loses_nothing_and_sends_each_message_once(w, gateway):
    gateway.down_until = T0 + timedelta(hours=1)
    with time_machine.travel(T0, tick=False) as clock:
        dossiers = [receive(w, applicant=applicant(id_number=f"09612345678{n}")) for n in range(3)]
        # A worker pass every minute for three hours (the beat sweep's rhythm).
        for _ in range(180):
            outbox_deliver_due()
            clock.shift(timedelta(minutes=1))
    sms = list(Message.objects.filter(channel="sms").order_by("id"))
    assert len(sms) == 3
    assert [m.status for m in sms] == [MessageStatus.SENT] * 3
    assert sorted(gateway.delivered) == sorted(str(m.delivery_key) for m in sms)
    assert len(gateway.delivered) == len(set(gateway.delivered))
    # Failures at 0, 1, 3, 7, 15, 31 minutes, accepted at 61: the backoff, not a flood.
    for message in sms:
        attempts = [r["at"] for r in gateway.requests if r["body"]["id"] == str(message.delivery_key)]
        assert [round((t - T0).total_seconds() / 60) for t in attempts] == [0, 1, 3, 7, 15, 31, 61]
        assert (message.attempts, message.sent_at) == (7, T0 + timedelta(minutes=61))
    # E-mail went its own way meanwhile, once each.
    assert sorted(e.to[0] for e in mail.outbox) == ["hoa.nguyen@example.vn"] * 3
    assert {d.pk for d in dossiers} == set(Message.objects.values_list("dossier", flat=True))


def test_a_crash_between_acceptance_and_marking_does_not_double_the_sms(w, gateway, monkeypatch):
    real = delivery._record_sent
    crashes = []

    def crash_once(*args, **kwargs):
        if not crashes:
            crashes.append(1)
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(delivery, "_record_sent", crash_once)
    with time_machine.travel(T0, tick=False) as clock:
        receive(w, applicant=applicant(email=""))
        with pytest.raises(SystemExit):
            outbox_deliver_due()
        assert Message.objects.get().status == MessageStatus.PENDING  # never marked before acceptance…
        clock.shift(timedelta(minutes=5))  # …the lease ends, another worker picks it up
        assert outbox_deliver_due().sent == 1
    message = Message.objects.get()
    assert [r["body"]["id"] for r in gateway.requests] == [str(message.delivery_key)] * 2
    assert gateway.delivered == [str(message.delivery_key)]  # the gateway dropped the replay


def test_a_timeout_is_retried_with_the_same_key(w, gateway, settings):
    settings.MOTCUA_SMS_TIMEOUT = 0.3
    gateway.delay = 1.0  # accepts, then answers too late
    with time_machine.travel(T0, tick=False) as clock:
        receive(w, applicant=applicant(email=""))
        assert outbox_deliver_due().retried == 1
        assert Message.objects.get().last_error == "Cổng SMS không phản hồi: TimeoutError"
        gateway.delay = 0
        clock.shift(timedelta(minutes=1))
        assert outbox_deliver_due().sent == 1
    assert len(gateway.requests) == 2
    assert len(gateway.delivered) == 1


def test_retry_after_is_honoured_and_a_bad_request_is_final(w, gateway):
    gateway.status, gateway.retry_after = 429, "600"
    with time_machine.travel(T0, tick=False):
        receive(w, applicant=applicant(email=""))
        assert outbox_deliver_due().retried == 1
        message = Message.objects.get()
        assert message.next_attempt_at == T0 + timedelta(minutes=10)
        assert message.last_error == "Cổng SMS: HTTP 429"
        gateway.status = 400
        Message.objects.update(next_attempt_at=T0)
        assert outbox_deliver_due().failed == 1
    assert Message.objects.get().last_error == "Cổng SMS từ chối: HTTP 400"
    assert gateway.delivered == []


def test_a_wrong_token_is_retried_until_fixed(w, gateway, settings):
    settings.MOTCUA_SMS_TOKEN = "wrong"
    with time_machine.travel(T0, tick=False) as clock:
        receive(w, applicant=applicant(email=""))
        assert outbox_deliver_due().retried == 1
        settings.MOTCUA_SMS_TOKEN = TOKEN
        clock.shift(timedelta(minutes=1))
        assert outbox_deliver_due().sent == 1
    assert len(gateway.delivered) == 1


def test_an_unreachable_gateway_is_an_outage(w, settings):
    settings.MOTCUA_SMS_BACKEND = "http"
    settings.MOTCUA_SMS_URL = "http://127.0.0.1:9/sms"  # discard port: connection refused
    with time_machine.travel(T0, tick=False):
        receive(w, applicant=applicant(email=""))
        assert outbox_deliver_due().retried == 1
    assert Message.objects.get().last_error.startswith("Cổng SMS không phản hồi")
