"""Reads: what a dossier owes and has paid, and the centre's reconciliation list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum

from motcua.core.exceptions import NotFound
from motcua.dossiers.enums import Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import staff_visible_unit_ids
from motcua.workcal.calendar import LOCAL_TZ

from .enums import EventOutcome, FeeStatus, PaymentMethod, PaymentStatus
from .models import Payment, ProviderEvent

# A fee can be paid once the dossier has reached the centre and until its result is handed over (or after, at
# the counter, when the result is handed over against the receipt).
PAYABLE_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.PROCESSING,
        Status.AWAITING_SUPPLEMENT,
        Status.PAUSED,
        Status.RESULT_READY,
        Status.RETURNED,
    }
)


@dataclass(frozen=True)
class FeeState:
    status: str
    fee: int  # what the dossier owes in total (0 when exempt or free)
    paid: int
    due: int  # still to pay
    payments: list[Payment] = field(default_factory=list)
    pending: Payment | None = None
    is_payable: bool = False  # the dossier is in a state where the fee may be paid now

    @property
    def label(self) -> str:
        return str(FeeStatus(self.status).label)

    @property
    def may_pay_online(self) -> bool:
        return self.is_payable and self.due > 0


def fee_state(*, dossier: Dossier) -> FeeState:
    """None needed, exempt, unpaid, pending (an online payment awaits the gateway's answer) or paid."""
    payments = list(dossier.payments.order_by("created_at", "id"))
    paid = sum(p.amount for p in payments if p.status == PaymentStatus.PAID)
    pending = next((p for p in payments if p.status == PaymentStatus.PENDING), None)
    fee = 0 if dossier.is_fee_exempt else dossier.fee_amount
    due = max(fee - paid, 0)
    if dossier.is_fee_exempt:
        status = FeeStatus.EXEMPT
    elif dossier.fee_amount == 0:
        status = FeeStatus.NOT_REQUIRED
    elif due == 0:
        status = FeeStatus.PAID
    elif pending is not None:
        status = FeeStatus.PENDING
    else:
        status = FeeStatus.UNPAID
    return FeeState(
        status=status,
        fee=fee,
        paid=paid,
        due=due,
        payments=payments,
        pending=pending,
        is_payable=dossier.status in PAYABLE_STATUSES,
    )


def payment_get_for_owner(*, user, order_id: str) -> Payment:
    """The account's own payment by order id; anybody else's looks like one that does not exist."""
    payment = (
        Payment.objects.select_related("dossier__procedure_version", "unit")
        .filter(order_id=order_id, dossier__owner_id=getattr(user, "pk", None))
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if payment is None:
        raise NotFound("Không tìm thấy giao dịch thanh toán.")
    return payment


def payment_get_for_staff(*, user, receipt_or_order: str) -> Payment:
    units = staff_visible_unit_ids(user)
    payment = (
        Payment.objects.select_related("dossier__procedure_version", "unit", "collected_by")
        .filter(Q(receipt_number=receipt_or_order) | Q(order_id=receipt_or_order), unit_id__in=units)
        .first()
    )
    if payment is None:
        raise NotFound("Không tìm thấy khoản thu.")
    return payment


# --- reconciliation ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MethodTotal:
    method: str
    label: str
    count: int
    amount: int


@dataclass(frozen=True)
class Reconciliation:
    day: date
    payments: list[Payment]
    totals: list[MethodTotal]  # paid only, by method
    total_paid: int
    pending: int
    mismatches: list[ProviderEvent]


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=LOCAL_TZ)
    return start, start + timedelta(days=1)


def payments_for_staff(*, user) -> QuerySet[Payment]:
    return Payment.objects.filter(unit_id__in=staff_visible_unit_ids(user))


def reconciliation_for_staff(*, user, day: date) -> Reconciliation:
    """The day's payments of the units the officer sees: created that day or paid that day, with totals of
    what was collected by method, the payments still open, and the gateway messages that did not match
    (wrong amount, wrong signature) about the officer's own orders; messages about unknown orders belong to no unit
    and are only in the log."""
    start, end = _day_bounds(day)
    scoped = payments_for_staff(user=user)
    payments = list(
        scoped.filter(Q(created_at__gte=start, created_at__lt=end) | Q(paid_at__gte=start, paid_at__lt=end))
        .select_related("dossier", "collected_by", "unit")
        .order_by("created_at", "id")
    )
    rows = (
        scoped.filter(status=PaymentStatus.PAID, paid_at__gte=start, paid_at__lt=end)
        .values("method")
        .annotate(count=Count("id"), amount=Sum("amount"))
    )
    by_method = {row["method"]: row for row in rows}
    totals = [
        MethodTotal(
            method=method.value,
            label=str(method.label),
            count=by_method.get(method.value, {}).get("count", 0),
            amount=by_method.get(method.value, {}).get("amount", 0) or 0,
        )
        for method in PaymentMethod
    ]
    order_ids = scoped.values("order_id")
    mismatches = list(
        ProviderEvent.objects.filter(received_at__gte=start, received_at__lt=end)
        .filter(order_id__in=order_ids)
        .exclude(outcome__in=[EventOutcome.APPLIED, EventOutcome.DUPLICATE, EventOutcome.STILL_PENDING])
        .order_by("received_at")
    )
    return Reconciliation(
        day=day,
        payments=payments,
        totals=totals,
        total_paid=sum(t.amount for t in totals),
        pending=sum(1 for p in payments if p.status == PaymentStatus.PENDING),
        mismatches=mismatches,
    )
