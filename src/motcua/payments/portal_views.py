"""Citizen pages of online payment: the dossier's fee and the pay button, the page the gateway sends the
payer back to, a printable receipt, and (only with the fake gateway) the pretend bank's checkout page. Thin:
the rules are in `payments.services`, the look-ups in `payments.selectors`."""

from urllib.parse import urlencode, urlsplit

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.core.exceptions import DomainError, NotFound
from motcua.core.ratelimit import client_ip, rate_limit_hit
from motcua.dossiers.citizen_selectors import dossier_get_for_citizen

from .enums import EventSource, PaymentStatus
from .gateways import SIGNATURE, FakeGateway, gateway_get
from .models import FakeGatewayOrder
from .selectors import fee_state, payment_get_for_owner
from .services import payment_online_start, payment_report_receive

START_LIMIT_PER_HOUR = 30


def _missing(request, message: str):
    return render(
        request,
        "payments/portal_unavailable.html",
        {"title": _("Không tìm thấy"), "message": message},
        status=404,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, reference: str):
    """The dossier's fee, what is paid, and "Thanh toán trực tuyến" while something is due (owner only)."""
    try:
        dossier = dossier_get_for_citizen(user=request.user, reference=reference)
    except NotFound as error:
        return _missing(request, error.message)
    error = ""
    status = 200
    if request.method == "POST":
        if rate_limit_hit(
            scope="payment-start",
            key=f"{request.user.pk}:{client_ip(request)}",
            limit=START_LIMIT_PER_HOUR,
            window_seconds=3600,
        ):
            error, status = _("Bạn đã thử thanh toán quá nhiều lần; vui lòng thử lại sau."), 429
        else:
            try:
                _payment, redirect_url = payment_online_start(dossier=dossier, actor=request.user)
            except DomainError as failure:
                error, status = failure.message, failure.http_status
            else:
                return redirect(redirect_url)
    return render(
        request,
        "payments/portal_pay.html",
        {
            "dossier": dossier,
            "state": fee_state(dossier=dossier),
            "error": error,
            "is_online_available": gateway_get() is not None,
        },
        status=status,
    )


@login_required
def payment_return(request, order_id: str):
    """Where the gateway sends the payer back. Its parameters count only when their signature verifies (then
    they are applied like the callback, idempotently); the page shows what the database says."""
    if request.GET.get(SIGNATURE):
        gateway = gateway_get()
        if gateway is not None:
            params = {key: request.GET.get(key, "") for key in request.GET}
            if params.get("order_id") == order_id:
                payment_report_receive(provider=gateway.name, params=params, source=EventSource.RETURN)
    try:
        payment = payment_get_for_owner(user=request.user, order_id=order_id)
    except NotFound as error:
        return _missing(request, error.message)
    if request.GET:
        # One clean address per result: the signed parameters are not left in the history or a bookmark.
        return redirect(request.path)
    return render(
        request,
        "payments/portal_result.html",
        {"payment": payment, "dossier": payment.dossier, "state": fee_state(dossier=payment.dossier)},
    )


@login_required
def receipt(request, order_id: str):
    try:
        payment = payment_get_for_owner(user=request.user, order_id=order_id)
    except NotFound as error:
        return _missing(request, error.message)
    if payment.status != PaymentStatus.PAID:
        return _missing(request, _("Khoản thanh toán này chưa có biên lai."))
    return render(request, "payments/receipt.html", {"payment": payment, "dossier": payment.dossier})


@require_http_methods(["GET", "POST"])
def fake_checkout(request, order_id: str):
    """The fake gateway's checkout page: exists only while the fake gateway is configured. Pressing a button
    settles the order in the fake bank's books, posts the signed callback (in process, through the same
    service the callback endpoint calls) and sends the payer back with the signed result. "Mô phỏng mất kết
    nối" does neither: the payment is left half-way, for reconciliation to find."""
    gateway = gateway_get()
    if not isinstance(gateway, FakeGateway):
        raise Http404
    order = FakeGatewayOrder.objects.filter(order_id=order_id).first()
    if order is None:
        raise Http404
    if request.method == "POST" and order.status == PaymentStatus.PENDING:
        is_paid = request.POST.get("ket_qua") == "thanh_cong"
        params = gateway.decide(order_id=order_id, is_paid=is_paid)
        if request.POST.get("mat_ket_noi"):
            return render(request, "payments/fake_lost.html", {"order": order})
        payment_report_receive(provider=gateway.name, params=params, source=EventSource.CALLBACK)
        return redirect(f"{urlsplit(order.return_url).path}?{urlencode(params)}")
    order.refresh_from_db()
    return render(request, "payments/fake_checkout.html", {"order": order})
