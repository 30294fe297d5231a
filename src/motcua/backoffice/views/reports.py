"""Báo cáo tình hình, kết quả giải quyết TTHC: the figures of a period for a unit, on screen (printable with
Ctrl+P) and as the Excel report table."""

from datetime import date

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.core.replica import figures_reads
from motcua.paperwork.formatting import agency_lines
from motcua.reports.enums import GroupBy
from motcua.reports.excel import summary_xlsx
from motcua.reports.selectors import default_report_unit, report_units_for_user, summary
from motcua.reports.table import COLUMNS, GROUPS, TITLE, cell_text

from .common import bo_render, error_page, staff_required

# Form field → the selector's argument, so an error can point at the field that caused it.
_ERROR_FIELDS = {"from": "tu", "to": "den", "group_by": "nhom"}


def _parse(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@staff_required
@figures_reads()
def report_summary(request):
    units = list(report_units_for_user(request.user))
    today = timezone.localdate()
    errors: dict[str, str] = {}
    date_from = _parse(request.GET.get("tu")) or today.replace(day=1)
    date_to = _parse(request.GET.get("den")) or today
    for name in ("tu", "den"):
        if request.GET.get(name) and _parse(request.GET.get(name)) is None:
            errors[name] = _("Ngày không hợp lệ (định dạng yyyy-mm-dd).")
    group_by = request.GET.get("nhom") or GroupBy.UNIT
    unit_code = request.GET.get("don_vi") or ""
    unit = next((u for u in units if u.agency_code == unit_code), None)
    if not unit_code:
        # Named, so that the unit list shows it even when the page answers with an error, and a second
        # "Xem" keeps it instead of taking the list's first unit.
        unit = default_report_unit(request.user)
        unit_code = unit.agency_code if unit else ""
    if unit_code and unit is None:
        return error_page(
            request,
            status=403,
            title=_("Không có quyền xem báo cáo"),
            message=_("Bạn không được xem số liệu của đơn vị “%(code)s”.") % {"code": unit_code},
        )
    result = None
    if not errors:
        try:
            result = summary(
                date_from=date_from,
                date_to=date_to,
                unit=unit,
                group_by=group_by,
                user=request.user,
            )
        except ValidationFailed as error:
            field = next((_ERROR_FIELDS[k] for k in (error.details or {}) if k in _ERROR_FIELDS), "tu")
            errors[field] = error.message
        except NotPermitted as error:
            return error_page(
                request, status=403, title=_("Không có quyền xem báo cáo"), message=error.message
            )
    if result is not None and request.GET.get("dinh_dang") == "xlsx":
        code = result.unit.agency_code if result.unit else "tinh"
        response = HttpResponse(
            summary_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"bao-cao-tthc-{code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    context = {
        "title": TITLE,
        "units": units,
        "unit_code": result.unit.agency_code if result and result.unit else unit_code,
        "date_from": date_from,
        "date_to": date_to,
        "group_by": group_by,
        "group_choices": GroupBy.choices,
        "errors": errors,
        "result": result,
        "agency_lines": agency_lines(result.unit) if result and result.unit else [],
        "groups": GROUPS,
        # Agency and procedure codes mean something to the reader; field codes and usernames do not.
        "show_keys": group_by in (GroupBy.UNIT, GroupBy.PROCEDURE),
        "table_rows": _table_rows(result) if result else [],
        "totals": [cell_text(c, result.totals) for c in COLUMNS] if result else [],
        "column_numbers": range(1, len(COLUMNS) + 3),
    }
    return bo_render(request, "backoffice/reports.html", context, status=422 if errors else 200)


def _table_rows(result) -> list[dict]:
    return [
        {"key": row.key, "label": row.label, "cells": [cell_text(c, row.figures) for c in COLUMNS]}
        for row in result.rows
    ]
