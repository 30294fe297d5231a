"""Báo cáo tình hình, kết quả giải quyết TTHC: the figures of a period for a unit, on screen (printable with
Ctrl+P) and as the Excel report table."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.core.replica import figures_reads
from motcua.paperwork.formatting import agency_lines
from motcua.reports.enums import GroupBy
from motcua.reports.excel import summary_xlsx
from motcua.reports.selectors import summary
from motcua.reports.table import COLUMNS, GROUPS, TITLE, cell_text

from .common import bo_render, error_page, staff_required
from .figure_filters import figure_filters

# Form field → the selector's argument, so an error can point at the field that caused it.
_ERROR_FIELDS = {"from": "tu", "to": "den", "group_by": "nhom"}


@staff_required
@figures_reads()
def report_summary(request):
    filters = figure_filters(request)
    if isinstance(filters, HttpResponse):
        return filters
    units, unit, unit_code = filters.units, filters.unit, filters.unit_code
    date_from, date_to, errors = filters.date_from, filters.date_to, filters.errors
    group_by = request.GET.get("nhom") or GroupBy.UNIT
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
