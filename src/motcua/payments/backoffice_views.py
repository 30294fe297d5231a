"""Officer pages of fees and payments: the centre's daily reconciliation list (with CSV export), one dossier's
fee with "record cash / transfer", a printable receipt, and "ask the gateway now" for a pending online
payment. Every page loads through the officer-scoped selectors: another unit's dossier or payment is a 404."""

import csv
from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from motcua.backoffice.views.common import bo_render, error_page, staff_required
from motcua.core.exceptions import DomainError, NotFound
from motcua.dossiers.permissions import actor_acts_in
from motcua.dossiers.selectors import dossier_get_for_staff
from motcua.org.enums import Role
from motcua.privacy.enums import AccessKind
from motcua.privacy.recording import record_access

from .enums import PaymentMethod, PaymentStatus
from .selectors import fee_state, payment_get_for_staff, reconciliation_for_staff
from .services import payment_counter_record, payment_reconcile_one


def _day(request) -> date | None:
    raw = request.GET.get("ngay", "")
    if not raw:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


@staff_required
def reconciliation(request):
    day = _day(request)
    if day is None:
        return error_page(
            request, status=422, title=_("Ngày không hợp lệ"), message=_("Nhập ngày theo dạng YYYY-MM-DD.")
        )
    data = reconciliation_for_staff(user=request.user, day=day)
    if request.GET.get("dinh_dang") == "csv":
        return _csv(data)
    return bo_render(request, "payments/reconciliation.html", {"data": data, "day": day})


def _csv(data) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="doi-soat-{data.day:%Y-%m-%d}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV with Vietnamese only with the byte order mark
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Mã giao dịch"),
            _("Số biên lai"),
            _("Mã hồ sơ"),
            _("Hình thức"),
            _("Trạng thái"),
            _("Số tiền"),
            _("Tạo lúc"),
            _("Thanh toán lúc"),
            _("Mã giao dịch cổng / chứng từ"),
        ]
    )
    for p in data.payments:
        writer.writerow(
            [
                p.order_id,
                p.receipt_number or "",
                p.dossier.reference,
                p.get_method_display(),
                p.get_status_display(),
                p.amount,
                timezone.localtime(p.created_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(p.paid_at).strftime("%Y-%m-%d %H:%M") if p.paid_at else "",
                p.provider_ref,
            ]
        )
    return response


def _dossier_page(request, dossier, *, status=200, errors=None, posted=None):
    return bo_render(
        request,
        "payments/dossier.html",
        {
            "dossier": dossier,
            "state": fee_state(dossier=dossier),
            "may_collect": actor_acts_in(request.user, {Role.RECEIVING_OFFICER}, dossier.receiving_unit),
            "methods": [(m.value, m.label) for m in (PaymentMethod.CASH, PaymentMethod.BANK_TRANSFER)],
            "field_errors": errors or {},
            "error_items": [(f"thu-{k}", v) for k, v in (errors or {}).items()],
            "posted": posted or {},
        },
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def dossier_payment(request, reference):
    try:
        dossier = dossier_get_for_staff(user=request.user, reference=reference)
    except NotFound as error:
        return error_page(request, status=404, title=_("Không tìm thấy hồ sơ"), message=error.message)
    if request.method == "GET":
        return _dossier_page(request, dossier)
    posted = {key: request.POST.get(key, "") for key in ("method", "reference", "note")}
    try:
        payment = payment_counter_record(
            dossier=dossier,
            actor=request.user,
            method=posted["method"] or PaymentMethod.CASH,
            reference=posted["reference"],
            note=posted["note"],
        )
    except DomainError as error:
        errors = error.details if isinstance(error.details, dict) else {"method": error.message}
        return _dossier_page(request, dossier, status=error.http_status, errors=errors, posted=posted)
    messages.success(
        request, _("Đã thu phí, lệ phí. Số biên lai: %(number)s") % {"number": payment.receipt_number}
    )
    return redirect("backoffice:payment_receipt", number=payment.receipt_number)


@staff_required
def receipt(request, number):
    try:
        payment = payment_get_for_staff(user=request.user, receipt_or_order=number)
    except NotFound as error:
        return error_page(request, status=404, title=_("Không tìm thấy biên lai"), message=error.message)
    if payment.status != PaymentStatus.PAID:
        return error_page(
            request, status=404, title=_("Không tìm thấy biên lai"), message=_("Chưa có biên lai.")
        )
    record_access(request, kind=AccessKind.PRINT, dossier=payment.dossier, detail=f"Biên lai {number}")
    return bo_render(
        request, "payments/receipt_backoffice.html", {"payment": payment, "dossier": payment.dossier}
    )


@staff_required
@require_POST
def reconcile_now(request, order_id):
    try:
        payment = payment_get_for_staff(user=request.user, receipt_or_order=order_id)
    except NotFound as error:
        return error_page(request, status=404, title=_("Không tìm thấy giao dịch"), message=error.message)
    try:
        payment_reconcile_one(payment=payment)
    except DomainError as error:
        return error_page(
            request, status=error.http_status, title=_("Chưa đối soát được"), message=error.message
        )
    payment.refresh_from_db()
    messages.info(
        request,
        _("Giao dịch %(order)s: %(status)s")
        % {"order": payment.order_id, "status": payment.get_status_display()},
    )
    day = timezone.localtime(payment.created_at).date()
    return redirect(f"{reverse('backoffice:payments')}?ngay={day:%Y-%m-%d}")
