"""Fees and payments of a dossier (docs/payments.md): what it owes and has paid, online payment for its owner,
cash or transfer recorded by the receiving officer, and the gateway's server-to-server callback (no login:
its HMAC signature is the proof)."""

import json
from datetime import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.core.exceptions import NotFound
from motcua.dossiers.citizen_selectors import dossier_get_for_citizen
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_get_for_staff
from motcua.org.selectors import user_is_staff_member

from .enums import EventOutcome, EventSource, FeeStatus, PaymentMethod, PaymentStatus
from .selectors import fee_state
from .services import payment_counter_record, payment_online_start, payment_report_receive

router = Router(tags=["payments"])


class FeeLineOut(Schema):
    label: str
    amount: int | None


class PaymentOut(Schema):
    order_id: str
    receipt_number: str | None
    method: PaymentMethod
    status: PaymentStatus
    amount: int = Field(description="đồng")
    created_at: datetime
    paid_at: datetime | None
    breakdown: list[FeeLineOut]


class DossierPaymentOut(Schema):
    code: str
    status: FeeStatus
    status_label: str
    fee: int = Field(description="What the dossier owes in total, đồng (0 when exempt or free)")
    paid: int
    due: int
    may_pay_online: bool
    payments: list[PaymentOut]


class OnlineStartOut(Schema):
    order_id: str
    amount: int
    redirect_url: str = Field(description="Send the payer here (the gateway's checkout page)")


class CounterPaymentIn(Schema):
    method: PaymentMethod = PaymentMethod.CASH
    reference: str = Field("", max_length=100, description="Bank transfer voucher number")
    note: str = Field("", max_length=300)


class CallbackOut(Schema):
    result: EventOutcome


def _dossier_for(request, code: str) -> Dossier:
    """The owner sees their own dossier; an officer one of their units'. Anything else is a 404."""
    user = request.user
    if user_is_staff_member(user):
        try:
            return dossier_get_for_staff(user=user, reference=code)
        except NotFound:
            pass
    return dossier_get_for_citizen(user=user, reference=code)


def _out(dossier: Dossier) -> dict:
    state = fee_state(dossier=dossier)
    return {
        "code": dossier.reference,
        "status": state.status,
        "status_label": state.label,
        "fee": state.fee,
        "paid": state.paid,
        "due": state.due,
        "may_pay_online": state.may_pay_online,
        "payments": state.payments,
    }


@router.get(
    "/dossiers/{code}",
    response={200: DossierPaymentOut, 404: ErrorOut},
    auth=staff_or_token,
    url_name="payment_dossier",
)
def payment_dossier(request, code: str):
    """Fee status of a dossier: none needed, exempt, unpaid, pending or paid, with its payments."""
    return _out(_dossier_for(request, code))


@router.post(
    "/dossiers/{code}/online",
    response={201: OnlineStartOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 502: ErrorOut},
    auth=staff_or_token,
    url_name="payment_online_start",
)
def payment_online(request, code: str):
    """The owner starts (or resumes) the online payment of what the dossier still owes; send them to
    `redirect_url`. The result arrives by the gateway's callback, never by this call."""
    dossier = dossier_get_for_citizen(user=request.user, reference=code)
    payment, redirect_url = payment_online_start(dossier=dossier, actor=request.user)
    if redirect_url.startswith("/"):
        redirect_url = request.build_absolute_uri(redirect_url)
    return Status(201, {"order_id": payment.order_id, "amount": payment.amount, "redirect_url": redirect_url})


@router.post(
    "/dossiers/{code}/cash",
    response={201: PaymentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=staff_or_token,
    url_name="payment_counter",
)
def payment_counter(request, code: str, payload: CounterPaymentIn):
    """The receiving officer of the dossier's receiving unit records what the applicant paid at the counter
    (cash, or a bank transfer with its voucher number); the receipt number comes back."""
    dossier = dossier_get_for_staff(user=request.user, reference=code)
    payment = payment_counter_record(
        dossier=dossier,
        actor=request.user,
        method=payload.method,
        reference=payload.reference,
        note=payload.note,
    )
    return Status(201, payment)


CALLBACK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "additionalProperties": {"type": "string"}},
                "example": {
                    "order_id": "TT260302ABCDEFGHJK",
                    "amount": "10000",
                    "status": "paid",
                    "transaction_ref": "GL1A2B3C4D5E6F",
                    "paid_at": "2026-03-02T09:15:00+07:00",
                    "signature": "<hex HMAC-SHA256 of the canonical form>",
                },
            },
            "application/x-www-form-urlencoded": {
                "schema": {"type": "object", "additionalProperties": {"type": "string"}}
            },
        },
    }
}


def _callback_params(request) -> dict[str, str]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): "" if v is None else str(v) for k, v in data.items()}
    return {key: request.POST.get(key, "") for key in request.POST}


@router.post(
    "/callback/{provider}",
    response={200: CallbackOut, 400: CallbackOut, 404: CallbackOut, 409: CallbackOut},
    auth=None,
    url_name="payment_callback",
    openapi_extra=CALLBACK_BODY,
)
def payment_callback(request, provider: str):
    """The gateway's server-to-server result (IPN): string parameters (JSON object or form) signed with
    HMAC-SHA256 over their canonical form (docs/payments.md). Safe to repeat: the same message twice
    changes nothing the second time. 200 applied or duplicate; 400 bad signature; 404 unknown order; 409
    amount mismatch (nothing changed, listed for reconciliation)."""
    event = payment_report_receive(
        provider=provider[:40], params=_callback_params(request), source=EventSource.CALLBACK
    )
    status = {
        EventOutcome.BAD_SIGNATURE: 400,
        EventOutcome.UNKNOWN_ORDER: 404,
        EventOutcome.AMOUNT_MISMATCH: 409,
    }.get(event.outcome, 200)
    return Status(status, {"result": event.outcome})
