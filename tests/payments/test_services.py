"""Fees, online payment through the fake gateway, callbacks, reconciliation and cash at the counter, through
the services."""

import pytest
import time_machine
from django.db import IntegrityError, transaction

from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.notifications.models import Message
from motcua.payments.enums import EventOutcome, EventSource, FeeStatus, PaymentMethod, PaymentStatus
from motcua.payments.gateways import canonical_form, sign
from motcua.payments.models import Payment, ProviderEvent
from motcua.payments.selectors import fee_state
from motcua.payments.services import (
    payment_counter_record,
    payment_online_start,
    payment_report_receive,
    payments_reconcile,
)
from tests.factories import dossier_world
from tests.payments.helpers import FEE, at, fake_pay, owned_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        return dossier_world()


def test_fee_state_none_exempt_unpaid(w):
    dossier = owned_received(w)
    state = fee_state(dossier=dossier)
    assert (state.status, state.fee, state.paid, state.due) == (FeeStatus.UNPAID, FEE, 0, FEE)
    assert state.may_pay_online
    exempt = owned_received(w, is_fee_exempt=True)
    assert fee_state(dossier=exempt).status == FeeStatus.EXEMPT
    assert fee_state(dossier=exempt).due == 0
    free = owned_received(w, procedure_version=w.same_day)
    assert fee_state(dossier=free).status == FeeStatus.NOT_REQUIRED


def test_online_payment_paid_by_the_signed_callback(w):
    dossier = owned_received(w)
    payment, url = payment_online_start(dossier=dossier, actor=w.citizen)
    assert url == f"/thanh-toan/gia-lap/{payment.order_id}/"
    assert (payment.status, payment.amount, payment.method) == (
        PaymentStatus.PENDING,
        FEE,
        PaymentMethod.ONLINE,
    )
    assert payment.breakdown == [{"label": "Lệ phí", "amount": FEE}]
    assert fee_state(dossier=dossier).status == FeeStatus.PENDING

    params = fake_pay(payment.order_id)
    event = payment_report_receive(provider="fake", params=params, source=EventSource.CALLBACK)
    assert event.outcome == EventOutcome.APPLIED
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.receipt_number == "BL-H12.99-2026-000001"
    assert payment.provider_ref.startswith("GL")
    assert fee_state(dossier=dossier).status == FeeStatus.PAID
    # The applicant is told once, by e-mail and SMS (SMS without diacritics, one segment).
    sms = Message.objects.get(dedupe_key=f"payment-paid:{payment.pk}:sms")
    assert sms.body.isascii() and len(sms.body) <= 160
    assert "BL-H12.99-2026-000001" in sms.body

    # The same callback again changes nothing and is logged as a duplicate.
    again = payment_report_receive(provider="fake", params=params, source=EventSource.CALLBACK)
    assert again.outcome == EventOutcome.DUPLICATE
    assert Payment.objects.get(pk=payment.pk).receipt_number == "BL-H12.99-2026-000001"
    assert Message.objects.filter(dedupe_key__startswith=f"payment-paid:{payment.pk}").count() == 1
    assert ProviderEvent.objects.filter(payment=payment).count() == 2


def test_second_start_reuses_the_open_payment(w):
    dossier = owned_received(w)
    first, url1 = payment_online_start(dossier=dossier, actor=w.citizen)
    second, url2 = payment_online_start(dossier=dossier, actor=w.citizen)
    assert first.pk == second.pk and url1 == url2
    assert Payment.objects.count() == 1


def test_only_the_owner_starts_and_nothing_when_nothing_is_due(w):
    dossier = owned_received(w)
    with pytest.raises(NotPermitted):
        payment_online_start(dossier=dossier, actor=w.other_citizen)
    exempt = owned_received(w, is_fee_exempt=True)
    with pytest.raises(InvalidTransition):
        payment_online_start(dossier=exempt, actor=w.citizen)
    assert Payment.objects.count() == 0


def test_bad_signature_and_wrong_amount_change_nothing(w):
    dossier = owned_received(w)
    payment, _url = payment_online_start(dossier=dossier, actor=w.citizen)
    params = fake_pay(payment.order_id)
    forged = {**params, "signature": "0" * 64}
    assert (
        payment_report_receive(provider="fake", params=forged, source="callback").outcome == "bad_signature"
    )
    cheaper = {**params, "amount": "1000"}
    cheaper["signature"] = sign(cheaper, "motcua-fake-gateway-development-secret")
    event = payment_report_receive(provider="fake", params=cheaper, source="callback")
    assert event.outcome == EventOutcome.AMOUNT_MISMATCH
    assert event.reported_amount == 1000
    unknown = {**params, "order_id": "TT000000XXXXXXXXXX"}
    unknown["signature"] = sign(unknown, "motcua-fake-gateway-development-secret")
    assert (
        payment_report_receive(provider="fake", params=unknown, source="callback").outcome == "unknown_order"
    )
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert ProviderEvent.objects.count() == 3


def test_cancelled_at_the_gateway_then_paid_again(w):
    dossier = owned_received(w)
    payment, _url = payment_online_start(dossier=dossier, actor=w.citizen)
    payment_report_receive(
        provider="fake", params=fake_pay(payment.order_id, is_paid=False), source="callback"
    )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED and payment.receipt_number is None
    assert fee_state(dossier=dossier).status == FeeStatus.UNPAID
    retry, _url = payment_online_start(dossier=dossier, actor=w.citizen)
    assert retry.pk != payment.pk


def test_a_payment_left_half_way_is_reconciled_not_lost(w):
    """The payer paid at the gateway, but neither the callback nor the return ever arrived."""
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        dossier = owned_received(w)
        paid, _url = payment_online_start(dossier=dossier, actor=w.citizen)
        fake_pay(paid.order_id)  # the bank took the money; the message is lost
        abandoned_dossier = owned_received(w)
        abandoned, _url = payment_online_start(dossier=abandoned_dossier, actor=w.citizen)
    with time_machine.travel(at(2026, 3, 2, 10, 5), tick=False):
        assert payments_reconcile() == {}  # too recent: the callback may still come
    with time_machine.travel(at(2026, 3, 2, 10, 20), tick=False):
        assert payments_reconcile() == {PaymentStatus.PAID: 1, PaymentStatus.PENDING: 1}
    paid.refresh_from_db()
    assert paid.status == PaymentStatus.PAID and paid.receipt_number
    assert fee_state(dossier=dossier).status == FeeStatus.PAID
    with time_machine.travel(at(2026, 3, 2, 11, 5), tick=False):
        assert payments_reconcile() == {PaymentStatus.EXPIRED: 1}
    abandoned.refresh_from_db()
    assert abandoned.status == PaymentStatus.EXPIRED
    assert fee_state(dossier=abandoned_dossier).status == FeeStatus.UNPAID
    # A late callback after the reconciliation changes nothing more.
    late = payment_report_receive(provider="fake", params=fake_pay(paid.order_id), source="callback")
    assert late.outcome == EventOutcome.DUPLICATE


def test_cash_at_the_counter_with_receipt_numbers_in_sequence(w):
    first = payment_counter_record(dossier=owned_received(w), actor=w.receiver)
    second = payment_counter_record(
        dossier=owned_received(w), actor=w.receiver, method=PaymentMethod.BANK_TRANSFER, reference="UNC 123"
    )
    assert (first.receipt_number, second.receipt_number) == ("BL-H12.99-2026-000001", "BL-H12.99-2026-000002")
    assert first.collected_by == w.receiver and first.status == PaymentStatus.PAID
    assert second.provider_ref == "UNC 123"
    with pytest.raises(InvalidTransition):
        payment_counter_record(dossier=first.dossier, actor=w.receiver)


def test_cash_is_for_the_receiving_unit_officer_only(w):
    dossier = owned_received(w)
    for actor in (w.commune_receiver, w.specialist, w.citizen):
        with pytest.raises(NotPermitted):
            payment_counter_record(dossier=dossier, actor=actor)
    with pytest.raises(ValidationFailed):
        payment_counter_record(dossier=dossier, actor=w.receiver, method=PaymentMethod.BANK_TRANSFER)
    assert Payment.objects.count() == 0


def test_cash_settles_an_open_online_payment_first(w):
    dossier = owned_received(w)
    payment, _url = payment_online_start(dossier=dossier, actor=w.citizen)
    fake_pay(payment.order_id)  # paid online, callback lost
    with pytest.raises(InvalidTransition):
        payment_counter_record(dossier=dossier, actor=w.receiver)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID  # found by asking the gateway, not charged twice
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 1

    other = owned_received(w)
    abandoned, _url = payment_online_start(dossier=other, actor=w.citizen)
    cash = payment_counter_record(dossier=other, actor=w.receiver)
    abandoned.refresh_from_db()
    assert abandoned.status == PaymentStatus.EXPIRED and cash.status == PaymentStatus.PAID


def test_one_pending_payment_per_dossier_in_the_database(w):
    dossier = owned_received(w)
    payment_online_start(dossier=dossier, actor=w.citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            dossier=dossier, unit=w.centre, amount=FEE, method=PaymentMethod.ONLINE, order_id="TTX"
        )


def test_signature_is_hmac_sha256_over_sorted_parameters():
    params = {"status": "paid", "amount": "10000", "order_id": "TT1", "signature": "ignored"}
    assert canonical_form(params) == "amount=10000&order_id=TT1&status=paid"
    import hashlib
    import hmac

    expected = hmac.new(b"k", b"amount=10000&order_id=TT1&status=paid", hashlib.sha256).hexdigest()
    assert sign(params, "k") == expected


def test_reconcile_command_runs(w, capsys):
    from django.core.management import call_command

    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        payment, _url = payment_online_start(dossier=owned_received(w), actor=w.citizen)
    with time_machine.travel(at(2026, 3, 2, 12, 0), tick=False):
        call_command("payments_reconcile")
    assert "expired: 1" in capsys.readouterr().out
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.EXPIRED
