"""Sổ theo dõi hồ sơ (Form 07) of a receiving centre for a date range, as PDF or Excel."""

from datetime import date, timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import ValidationFailed
from motcua.dossiers.selectors import staff_visible_unit_ids
from motcua.org.enums import SERVICE_CENTRE_KINDS
from motcua.org.models import Unit
from motcua.privacy.enums import AccessKind
from motcua.privacy.recording import record_access

from .common import bo_render, staff_required


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@staff_required
def register(request):
    centres = list(
        Unit.objects.filter(
            pk__in=staff_visible_unit_ids(request.user), kind__in=SERVICE_CENTRE_KINDS
        ).order_by("agency_code")
    )
    today = timezone.localdate()
    errors: dict[str, str] = {}
    unit_code = request.GET.get("don_vi") or (centres[0].agency_code if centres else "")
    date_from = _parse(request.GET.get("tu")) or today.replace(day=1)
    date_to = _parse(request.GET.get("den")) or today
    if request.GET.get("tu") and _parse(request.GET.get("tu")) is None:
        errors["tu"] = _("Ngày không hợp lệ (định dạng yyyy-mm-dd).")
    if request.GET.get("den") and _parse(request.GET.get("den")) is None:
        errors["den"] = _("Ngày không hợp lệ (định dạng yyyy-mm-dd).")
    unit = next((u for u in centres if u.agency_code == unit_code), None)
    fmt = request.GET.get("dinh_dang")
    if fmt in ("pdf", "xlsx") and not errors:
        if unit is None:
            errors["don_vi"] = _("Chọn Bộ phận Một cửa bạn được xem.")
        else:
            try:
                return _download(request, unit, date_from, date_to, fmt)
            except ValidationFailed as error:
                errors["tu"] = error.message
    context = {
        "centres": centres,
        "unit_code": unit_code,
        "date_from": date_from,
        "date_to": date_to,
        "errors": errors,
        "yesterday": today - timedelta(days=1),
    }
    return bo_render(request, "backoffice/register.html", context, status=422 if errors else 200)


def _download(request, unit, date_from, date_to, fmt) -> HttpResponse:
    from motcua.paperwork import register_xlsx, render_register

    name = f"so-theo-doi-{unit.agency_code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    record_access(request, kind=AccessKind.EXPORT, unit=unit, detail=f"{name}.{fmt}")
    if fmt == "xlsx":
        response = HttpResponse(
            register_xlsx(unit=unit, date_from=date_from, date_to=date_to),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(
        render_register(unit=unit, date_from=date_from, date_to=date_to, user=request.user),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response
