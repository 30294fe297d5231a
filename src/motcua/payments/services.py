"""Writes: online payment start, the gateway's answers (callback, return, query), cash or transfer at the
counter, and reconciliation. Every change is one transaction holding the payment's (or the dossier's) row
lock; the gateway's answer is applied by one function, `_apply_report`, whatever brought it."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from motcua.catalog.services import fee_compute
from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.dossiers.enums import ApplicantKind
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import actor_acts_in
from motcua.notifications.models import MessageChannel
from motcua.notifications.services import message_enqueue
from motcua.org.enums import Role
from motcua.org.models import Unit

from .enums import EventOutcome, EventSource, PaymentMethod, PaymentStatus
from .gateways import (
    CheckoutRequest,
    GatewayReport,
    GatewayUnavailable,
    gateway_required,
    new_order_id,
    payload_hash,
)
from .models import Payment, ProviderEvent, ReceiptSequence
from .selectors import PAYABLE_STATUSES, fee_state

logger = logging.getLogger("motcua.payments")

COUNTER_METHODS = (PaymentMethod.CASH, PaymentMethod.BANK_TRANSFER)


# --- receipts ------------------------------------------------------------------------------------------------
def _next_receipt(unit: Unit, year: int) -> int:
    # One atomic upsert, as for dossier codes: two counters collecting at once serialise on the (unit, year)
    # row, and a rolled-back payment gives its number back.
    table = ReceiptSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, year, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (unit_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [unit.pk, year],
        )
        return cursor.fetchone()[0]


def receipt_number_issue(*, unit: Unit, at: datetime) -> str:
    """`BL-<collecting unit's agency code>-<YYYY>-<NNNNNN>`: one series per unit and year."""
    year = timezone.localtime(at).year
    return f"BL-{unit.agency_code}-{year}-{_next_receipt(unit, year):06d}"


def _breakdown(dossier: Dossier) -> list[dict]:
    _total, lines = fee_compute(
        version=dossier.procedure_version,
        pages=max(dossier.pages, 1),
        copies=max(dossier.sets, 1),
        is_exempt=dossier.is_fee_exempt,
    )
    return [{"label": line.label, "amount": line.amount} for line in lines]


def _mark_paid(payment: Payment, *, at: datetime, provider_ref: str = "") -> None:
    payment.status = PaymentStatus.PAID
    payment.paid_at = at
    payment.settled_at = timezone.now()
    payment.receipt_number = payment.receipt_number or receipt_number_issue(unit=payment.unit, at=at)
    if provider_ref:
        payment.provider_ref = provider_ref
    payment.save(update_fields=["status", "paid_at", "settled_at", "receipt_number", "provider_ref"])
    _notify_paid(payment)


def _notify_paid(payment: Payment) -> None:
    dossier = payment.dossier
    is_person = dossier.applicant_kind != ApplicantKind.ORGANISATION
    context = {
        "dossier": dossier,
        "payment": payment,
        "you": "Ông/Bà" if is_person else "Quý cơ quan, tổ chức",
        "salutation": f"Ông/Bà {dossier.applicant_name}" if is_person else dossier.applicant_name,
    }
    for channel, recipient in (
        (MessageChannel.EMAIL, dossier.applicant_email),
        (MessageChannel.SMS, dossier.applicant_phone),
    ):
        message_enqueue(
            event="payment_received",
            channel=channel,
            recipient=recipient,
            context=context,
            dedupe_key=f"payment-paid:{payment.pk}:{channel}",
            dossier=dossier,
            user=dossier.owner,
        )


# --- online --------------------------------------------------------------------------------------------------
def _absolute(path: str) -> str:
    return settings.MOTCUA_PUBLIC_URL.rstrip("/") + path


@transaction.atomic
def payment_online_start(*, dossier: Dossier, actor) -> tuple[Payment, str]:
    """The owner pays what the dossier still owes through the configured gateway. A second start while an
    online payment is open answers with that same payment (same order, same amount): a double click or a
    second tab never opens a second charge."""
    gateway = gateway_required()
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("receiving_unit").get(pk=dossier.pk)
    )
    if dossier.owner_id is None or dossier.owner_id != getattr(actor, "pk", None):
        raise NotPermitted("Chỉ chủ hồ sơ được thanh toán trực tuyến cho hồ sơ này.")
    state = fee_state(dossier=dossier)
    if state.pending is not None:
        payment = state.pending
    else:
        if state.due <= 0:
            raise InvalidTransition("Hồ sơ không còn khoản phí, lệ phí nào phải nộp.")
        if not state.is_payable:
            raise InvalidTransition("Hồ sơ ở trạng thái này chưa nộp được phí, lệ phí.")
        payment = Payment.objects.create(
            dossier=dossier,
            unit=dossier.receiving_unit,
            amount=state.due,
            breakdown=_breakdown(dossier),
            method=PaymentMethod.ONLINE,
            provider=gateway.name,
            order_id=new_order_id(),
            started_by=actor,
        )
    request = CheckoutRequest(
        order_id=payment.order_id,
        amount=payment.amount,
        description=f"Phi le phi ho so {dossier.reference} TTHC {dossier.procedure_version.procedure.national_code}",
        return_url=_absolute(reverse("portal:payment_return", kwargs={"order_id": payment.order_id})),
        callback_url=_absolute(reverse("api-v1:payment_callback", kwargs={"provider": gateway.name})),
    )
    try:
        redirect_url = gateway.create(request)
    except GatewayUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the gateway's client: nothing is kept
        logger.warning("payment gateway create failed order=%s (%s)", payment.order_id, type(error).__name__)
        raise GatewayUnavailable("Cổng thanh toán đang gián đoạn; vui lòng thử lại sau ít phút.") from error
    return payment, redirect_url


def _record_event(*, provider, source, params, report, payment, is_signature_valid, outcome) -> ProviderEvent:
    return ProviderEvent.objects.create(
        payment=payment,
        provider=provider,
        source=source,
        order_id=(report.order_id if report else str(params.get("order_id", "")))[:40],
        payload_sha256=payload_hash(params) if params else "",
        is_signature_valid=is_signature_valid,
        reported_status=(report.status if report else str(params.get("status", "")))[:16],
        reported_amount=report.amount
        if report and report.amount is not None and report.amount >= 0
        else None,
        outcome=outcome,
    )


def _apply_report(payment: Payment, report: GatewayReport) -> str:
    """The gateway's answer about one of our orders, under the payment's row lock. Idempotent: an answer that
    was already applied changes nothing. A "paid" answer wins over an earlier failure or expiry (the money
    did move); any other answer never undoes a payment."""
    if report.amount is not None and report.amount != payment.amount:
        # No personal data in the log: the order id and the two amounts are enough to investigate.
        logger.warning(
            "payment amount mismatch order=%s expected=%s reported=%s",
            payment.order_id,
            payment.amount,
            report.amount,
        )
        return EventOutcome.AMOUNT_MISMATCH
    if report.status == PaymentStatus.PENDING:
        return EventOutcome.STILL_PENDING
    if payment.status == report.status or payment.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
        return EventOutcome.DUPLICATE
    if report.status == PaymentStatus.PAID:
        paid_at = _parse(report.paid_at) or timezone.now()
        _mark_paid(payment, at=paid_at, provider_ref=report.transaction_ref)
        return EventOutcome.APPLIED
    if payment.status != PaymentStatus.PENDING:
        return EventOutcome.DUPLICATE
    payment.status = report.status
    payment.settled_at = timezone.now()
    payment.save(update_fields=["status", "settled_at"])
    return EventOutcome.APPLIED


def _parse(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@transaction.atomic
def payment_report_receive(*, provider: str, params: Mapping[str, str], source: str) -> ProviderEvent:
    """A message from the gateway (its server-to-server callback, or the parameters the payer came back with):
    applied only when its signature verifies; logged in every case, once per delivery."""
    params = {str(k): str(v) for k, v in params.items()}
    gateway = gateway_required()
    if provider != gateway.name:
        return _record_event(
            provider=provider[:40],
            source=source,
            params=params,
            report=None,
            payment=None,
            is_signature_valid=False,
            outcome=EventOutcome.BAD_SIGNATURE,
        )
    report = gateway.verify(params)
    if report is None:
        logger.warning("payment message with a bad signature order=%s", params.get("order_id", "")[:40])
        return _record_event(
            provider=provider,
            source=source,
            params=params,
            report=None,
            payment=None,
            is_signature_valid=False,
            outcome=EventOutcome.BAD_SIGNATURE,
        )
    payment = (
        Payment.objects.select_for_update(of=("self",))
        .select_related("dossier", "unit")
        .filter(order_id=report.order_id, provider=provider)
        .first()
    )
    if payment is None:
        logger.warning("payment message for an unknown order=%s", report.order_id)
        outcome = EventOutcome.UNKNOWN_ORDER
    else:
        outcome = _apply_report(payment, report)
    return _record_event(
        provider=provider,
        source=source,
        params=params,
        report=report,
        payment=payment,
        is_signature_valid=True,
        outcome=outcome,
    )


# --- reconciliation ------------------------------------------------------------------------------------------
@transaction.atomic
def payment_reconcile_one(*, payment: Payment, expire_before: datetime | None = None) -> str:
    """Ask the gateway about one pending online payment and settle it; still unanswered and started before
    `expire_before`, it expires (the citizen may start a new one)."""
    gateway = gateway_required()
    payment = (
        Payment.objects.select_for_update(of=("self",)).select_related("dossier", "unit").get(pk=payment.pk)
    )
    if payment.status != PaymentStatus.PENDING or payment.method != PaymentMethod.ONLINE:
        return EventOutcome.DUPLICATE
    try:
        report = gateway.query(payment.order_id)
    except Exception as error:  # noqa: BLE001 - the next run asks again; the payment stays pending
        logger.warning("payment gateway query failed order=%s (%s)", payment.order_id, type(error).__name__)
        return EventOutcome.STILL_PENDING
    outcome = _apply_report(payment, report)
    if (
        outcome == EventOutcome.STILL_PENDING
        and expire_before is not None
        and payment.created_at < expire_before
    ):
        payment.status = PaymentStatus.EXPIRED
        payment.settled_at = timezone.now()
        payment.save(update_fields=["status", "settled_at"])
        outcome = EventOutcome.APPLIED
    _record_event(
        provider=payment.provider,
        source=EventSource.QUERY,
        params={},
        report=report,
        payment=payment,
        is_signature_valid=True,
        outcome=outcome,
    )
    return outcome


def payments_reconcile(
    *, now: datetime | None = None, after_minutes: int | None = None, expire_minutes: int | None = None
) -> dict[str, int]:
    """Settles online payments left half-way (no callback came): each pending online payment older than
    `after_minutes` is queried at the gateway, one transaction each, so one failure stops nothing else."""
    now = now or timezone.now()
    after = settings.MOTCUA_PAYMENT_RECONCILE_AFTER_MINUTES if after_minutes is None else after_minutes
    expire = settings.MOTCUA_PAYMENT_EXPIRE_AFTER_MINUTES if expire_minutes is None else expire_minutes
    pending = Payment.objects.filter(
        status=PaymentStatus.PENDING,
        method=PaymentMethod.ONLINE,
        created_at__lte=now - timedelta(minutes=after),
    ).order_by("created_at")
    counts: Counter[str] = Counter()
    for payment in pending:
        payment_reconcile_one(payment=payment, expire_before=now - timedelta(minutes=expire))
        payment.refresh_from_db(fields=["status"])
        counts[payment.status] += 1
    return dict(counts)


# --- at the counter ------------------------------------------------------------------------------------------
def _check_collector(dossier: Dossier, actor) -> None:
    if not actor_acts_in(actor, {Role.RECEIVING_OFFICER}, dossier.receiving_unit):
        raise NotPermitted("Chỉ cán bộ tiếp nhận của nơi tiếp nhận hồ sơ được thu phí, lệ phí.")


def payment_counter_record(
    *, dossier: Dossier, actor, method: str = PaymentMethod.CASH, reference: str = "", note: str = ""
) -> Payment:
    """The receiving officer collects what the dossier still owes, in cash or against a bank transfer's
    voucher, and a receipt number is issued. An online payment still open is first settled with the gateway:
    if it went through, nothing is collected twice."""
    if method not in COUNTER_METHODS:
        raise ValidationFailed(
            "Hình thức nộp không hợp lệ.", details={"method": "Chọn tiền mặt hoặc chuyển khoản."}
        )
    reference = (reference or "").strip()
    if method == PaymentMethod.BANK_TRANSFER and not reference:
        raise ValidationFailed(
            "Nhập số chứng từ chuyển khoản.", details={"reference": "Nhập số chứng từ chuyển khoản."}
        )
    if len(reference) > 100:
        raise ValidationFailed("Số chứng từ quá dài.", details={"reference": "Tối đa 100 ký tự."})
    _check_collector(dossier, actor)
    open_online = dossier.payments.filter(status=PaymentStatus.PENDING, method=PaymentMethod.ONLINE).first()
    if open_online is not None:
        payment_reconcile_one(payment=open_online, expire_before=timezone.now())
    return _counter_record(dossier=dossier, actor=actor, method=method, reference=reference, note=note)


@transaction.atomic
def _counter_record(*, dossier: Dossier, actor, method: str, reference: str, note: str) -> Payment:
    dossier = (
        Dossier.objects.select_for_update(of=("self",)).select_related("receiving_unit").get(pk=dossier.pk)
    )
    state = fee_state(dossier=dossier)
    if dossier.status not in PAYABLE_STATUSES:
        raise InvalidTransition("Hồ sơ ở trạng thái này chưa thu được phí, lệ phí.")
    if state.due <= 0:
        raise InvalidTransition("Hồ sơ không còn khoản phí, lệ phí nào phải nộp.")
    if state.pending is not None:
        # The gateway has not answered for an online payment: the citizen may still be paying right now.
        raise InvalidTransition(
            "Người nộp đang thanh toán trực tuyến và cổng thanh toán chưa trả lời; thử lại sau ít phút."
        )
    now = timezone.now()
    payment = Payment.objects.create(
        dossier=dossier,
        unit=dossier.receiving_unit,
        amount=state.due,
        breakdown=_breakdown(dossier),
        method=method,
        provider="",
        provider_ref=reference,
        order_id=new_order_id(),
        collected_by=actor,
        started_by=actor,
        note=(note or "").strip()[:300],
    )
    payment.dossier = dossier
    _mark_paid(payment, at=now)
    return payment
