"""The unit and period filter shared by the figure pages (dashboard, report, 766 index and its dossier list,
bottlenecks): one reading of `don_vi`, `tu` and `den`, so that the pages agree on defaults, errors and who may
see which unit."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.org.models import Unit
from motcua.reports.selectors import default_report_unit, report_units_for_user

from .common import error_page


def month_start(date_to: date, today: date) -> date:
    """The default start of the report pages: the first of the current month."""
    return today.replace(day=1)


@dataclass
class FigureFilters:
    units: list[Unit]  # what the unit list offers: the units the officer may see figures of
    unit: Unit | None
    unit_code: str
    date_from: date
    date_to: date
    errors: dict[str, str]  # form field → message; the page answers 422 with the form


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def figure_filters(
    request, *, default_from: Callable[[date, date], date] = month_start, forbidden_title: str | None = None
) -> FigureFilters | HttpResponse:
    """The filters of the request, or a 403 page when the unit asked for is not one the officer may see.
    `default_from(date_to, today)` gives the start when `tu` is empty."""
    units = list(report_units_for_user(request.user))
    today = timezone.localdate()
    errors: dict[str, str] = {}
    for name in ("tu", "den"):
        if request.GET.get(name) and _parse(request.GET.get(name)) is None:
            errors[name] = _("Ngày không hợp lệ (định dạng yyyy-mm-dd).")
    date_to = _parse(request.GET.get("den")) or today
    date_from = _parse(request.GET.get("tu")) or default_from(date_to, today)
    unit_code = request.GET.get("don_vi") or ""
    unit = next((u for u in units if u.agency_code == unit_code), None)
    if not unit_code:
        # Named, so that the unit list shows it even when the page answers with an error, and a second
        # "Xem" keeps it instead of taking the list's first unit.
        unit = default_report_unit(request.user, visible_ids={u.pk for u in units})
        unit_code = unit.agency_code if unit else ""
    if unit_code and unit is None:
        return error_page(
            request,
            status=403,
            title=forbidden_title or _("Không có quyền xem báo cáo"),
            message=_("Bạn không được xem số liệu của đơn vị “%(code)s”.") % {"code": unit_code},
        )
    return FigureFilters(units, unit, unit_code, date_from, date_to, errors)
