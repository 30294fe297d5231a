"""Online payment gateways (cổng thanh toán) behind one adapter contract, documented in docs/payments.md.

The adapter is chosen by the dotted path in `settings.MOTCUA_PAYMENT_GATEWAY` (empty: no online payment).
Each gateway has its own real contract (VNPAY, MoMo, the National Public Service Portal's payment platform,
…); none is claimed here. What the centre relies on is only this:

* `create(request) -> redirect_url`: register the order (our `order_id`, the amount in đồng) and say where to
  send the payer. Called again with the same order id, it answers with the same order, never a second one.
* `verify(params) -> GatewayReport | None`: a message the gateway sent (server-to-server callback, or the
  parameters of the payer's return) with its signature checked; None when the signature is wrong.
* `query(order_id) -> GatewayReport`: what the gateway knows about an order now (for reconciliation).

Signatures are HMAC-SHA256 in hex over the canonical form of the parameters: every parameter but `signature`,
sorted by name, joined as `name=value` with `&` (`canonical_form`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.core.exceptions import DomainError

from .enums import PaymentStatus

SIGNATURE = "signature"
# What a gateway may report about an order; "pending" means it has no final answer (yet).
REPORTABLE = frozenset(
    {PaymentStatus.PENDING, PaymentStatus.PAID, PaymentStatus.FAILED, PaymentStatus.CANCELLED}
)


class GatewayUnavailable(DomainError):
    code = "gateway_unavailable"
    http_status = 502


class OnlinePaymentOff(DomainError):
    code = "online_payment_off"
    http_status = 409


@dataclass(frozen=True)
class CheckoutRequest:
    order_id: str
    amount: int  # đồng, integer
    description: str  # no personal data: the dossier code and the procedure's national code
    return_url: str  # where the gateway sends the payer back (absolute)
    callback_url: str  # where the gateway posts the server-to-server result (IPN, absolute)


@dataclass(frozen=True)
class GatewayReport:
    order_id: str
    status: str  # one of REPORTABLE
    amount: int | None
    transaction_ref: str = ""
    paid_at: str = ""  # ISO 8601 as the gateway gave it


@runtime_checkable
class PaymentGateway(Protocol):
    name: str

    def create(self, request: CheckoutRequest) -> str: ...

    def verify(self, params: Mapping[str, str]) -> GatewayReport | None: ...

    def query(self, order_id: str) -> GatewayReport: ...


# --- signing -------------------------------------------------------------------------------------------------
def canonical_form(params: Mapping[str, str]) -> str:
    return "&".join(f"{key}={params[key]}" for key in sorted(params) if key != SIGNATURE)


def sign(params: Mapping[str, str], secret: str) -> str:
    return hmac.new(secret.encode(), canonical_form(params).encode(), hashlib.sha256).hexdigest()


def signature_is_valid(params: Mapping[str, str], secret: str) -> bool:
    given = str(params.get(SIGNATURE, ""))
    return bool(given) and hmac.compare_digest(given, sign(params, secret))


def payload_hash(params: Mapping[str, str]) -> str:
    """Fingerprint of a message, signature included, for the event log (the payload itself is not kept)."""
    text = canonical_form(params) + "&signature=" + str(params.get(SIGNATURE, ""))
    return hashlib.sha256(text.encode()).hexdigest()


def report_from_params(params: Mapping[str, str]) -> GatewayReport | None:
    status = str(params.get("status", ""))
    if status not in REPORTABLE or not params.get("order_id"):
        return None
    try:
        amount = int(str(params.get("amount", "")))
    except ValueError:
        amount = None
    return GatewayReport(
        order_id=str(params["order_id"])[:40],
        status=status,
        amount=amount,
        transaction_ref=str(params.get("transaction_ref", ""))[:100],
        paid_at=str(params.get("paid_at", ""))[:40],
    )


def new_order_id() -> str:
    """`TT<yymmdd><10 random base32>`: unguessable, so the fake gateway's page and the return page cannot be
    reached by counting."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return f"TT{timezone.localdate():%y%m%d}" + "".join(secrets.choice(alphabet) for _ in range(10))


# --- the configured gateway ----------------------------------------------------------------------------------
def gateway_get() -> PaymentGateway | None:
    path = settings.MOTCUA_PAYMENT_GATEWAY
    if not path:
        return None
    return import_string(path)()


def gateway_required() -> PaymentGateway:
    gateway = gateway_get()
    if gateway is None:
        raise OnlinePaymentOff("Trung tâm chưa cung cấp thanh toán trực tuyến; vui lòng nộp tại quầy.")
    return gateway


def gateway_is_fake() -> bool:
    return isinstance(gateway_get(), FakeGateway)


# --- the test double -----------------------------------------------------------------------------------------
class FakeGateway:
    """A pretend bank inside the application: its checkout page is /thanh-toan/gia-lap/<order>/ with "Thanh
    toán thành công" and "Hủy" buttons. It keeps its own books (`FakeGatewayOrder`), signs what it sends with
    `MOTCUA_PAYMENT_SECRET`, posts the callback and sends the payer back, exactly as the contract says; it
    can also "lose" both, to play a payment left half-way. The default outside production; `check --deploy`
    refuses it (payments.E001)."""

    name = "fake"

    @property
    def secret(self) -> str:
        return settings.MOTCUA_PAYMENT_SECRET

    def create(self, request: CheckoutRequest) -> str:
        from .models import FakeGatewayOrder

        FakeGatewayOrder.objects.get_or_create(
            order_id=request.order_id,
            defaults={"amount": request.amount, "return_url": request.return_url},
        )
        return reverse("portal:payment_fake", kwargs={"order_id": request.order_id})

    def verify(self, params: Mapping[str, str]) -> GatewayReport | None:
        if not signature_is_valid(params, self.secret):
            return None
        return report_from_params(params)

    def query(self, order_id: str) -> GatewayReport:
        from .models import FakeGatewayOrder

        order = FakeGatewayOrder.objects.filter(order_id=order_id).first()
        if order is None:
            return GatewayReport(order_id=order_id, status=PaymentStatus.PENDING, amount=None)
        return GatewayReport(
            order_id=order_id,
            status=order.status if order.status in REPORTABLE else PaymentStatus.PENDING,
            amount=order.amount,
            transaction_ref=order.transaction_ref,
            paid_at=order.updated_at.isoformat() if order.status == PaymentStatus.PAID else "",
        )

    # What the pretend bank does when the payer presses a button on its page.
    def decide(self, *, order_id: str, is_paid: bool) -> dict[str, str]:
        """Settle the order in the fake bank's books and return the signed result message."""
        from .models import FakeGatewayOrder

        order = FakeGatewayOrder.objects.get(order_id=order_id)
        if order.status == PaymentStatus.PENDING:
            order.status = PaymentStatus.PAID if is_paid else PaymentStatus.CANCELLED
            order.transaction_ref = "GL" + secrets.token_hex(6).upper() if is_paid else ""
            order.save(update_fields=["status", "transaction_ref", "updated_at"])
        params = {
            "order_id": order.order_id,
            "amount": str(order.amount),
            "status": order.status,
            "transaction_ref": order.transaction_ref,
            "paid_at": order.updated_at.isoformat() if order.status == PaymentStatus.PAID else "",
        }
        params[SIGNATURE] = sign(params, self.secret)
        return params
