"""Demo data of this app, loaded by `motcua demo` after the dossiers (idempotent: a second run adds nothing).

Among the demo dossiers that owe a fee: a share paid in cash at the counter by a receiving officer of the
receiving unit, a share of those with a citizen account paid online through the fake gateway, and one online
payment the fake bank took but never reported (its callback "lost"): `motcua payments_reconcile` settles it
after MOTCUA_PAYMENT_RECONCILE_AFTER_MINUTES."""

from django.db.models import Exists, OuterRef

from motcua.dossiers.models import Dossier
from motcua.org.enums import Role
from motcua.org.models import StaffRole

from .enums import EventSource
from .gateways import FakeGateway, gateway_get
from .models import Payment
from .selectors import PAYABLE_STATUSES
from .services import payment_counter_record, payment_online_start, payment_report_receive

CASH_EVERY = 3  # one dossier in three owing a fee is paid at the counter
ONLINE_MAX = 12


def _receiver(unit, cache: dict):
    if unit.pk not in cache:
        role = StaffRole.objects.filter(unit=unit, role=Role.RECEIVING_OFFICER).select_related("user").first()
        cache[unit.pk] = role.user if role else None
    return cache[unit.pk]


def demo_load() -> dict[str, int]:
    if Payment.objects.exists():
        return {}
    owing = (
        Dossier.objects.filter(fee_amount__gt=0, is_fee_exempt=False, status__in=PAYABLE_STATUSES)
        .exclude(Exists(Payment.objects.filter(dossier=OuterRef("pk"))))
        .select_related("receiving_unit", "owner")
        .order_by("id")
    )
    gateway = gateway_get()
    counts = {"cash": 0, "online": 0, "pending": 0}
    receivers: dict = {}
    for index, dossier in enumerate(owing):
        if dossier.owner_id and isinstance(gateway, FakeGateway) and counts["online"] < ONLINE_MAX:
            payment, _url = payment_online_start(dossier=dossier, actor=dossier.owner)
            params = gateway.decide(order_id=payment.order_id, is_paid=True)
            if counts["pending"] == 0:
                counts["pending"] += 1  # paid at the bank, callback lost: for reconciliation to find
                continue
            payment_report_receive(provider=gateway.name, params=params, source=EventSource.CALLBACK)
            counts["online"] += 1
        elif index % CASH_EVERY == 0:
            receiver = _receiver(dossier.receiving_unit, receivers)
            if receiver is not None:
                payment_counter_record(dossier=dossier, actor=receiver)
                counts["cash"] += 1
    return counts
