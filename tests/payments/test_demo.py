"""Demo payments: cash, online, and one left pending that reconciliation settles; idempotent."""

import pytest
import time_machine

from motcua.payments.demo import demo_load
from motcua.payments.enums import PaymentMethod, PaymentStatus
from motcua.payments.models import Payment
from motcua.payments.services import payments_reconcile
from tests.factories import dossier_world
from tests.payments.helpers import at, owned_received

pytestmark = pytest.mark.django_db


def test_demo_payments_cash_online_and_one_to_reconcile():
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        w = dossier_world()
        for _ in range(3):
            owned_received(w)
        for _ in range(3):
            _counter_only(w)
        assert demo_load() == {"cash": 1, "online": 2, "pending": 1}
        assert demo_load() == {}
    assert Payment.objects.filter(method=PaymentMethod.CASH, status=PaymentStatus.PAID).count() == 1
    assert Payment.objects.filter(method=PaymentMethod.ONLINE, status=PaymentStatus.PAID).count() == 2
    with time_machine.travel(at(2026, 3, 2, 9, 30), tick=False):
        assert payments_reconcile() == {PaymentStatus.PAID: 1}


def _counter_only(w):
    from motcua.dossiers.services import dossier_intake
    from tests.factories import intake_data

    return dossier_intake(data=intake_data(w), actor=w.receiver)
