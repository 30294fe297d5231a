"""Điểm nghẽn: where working time goes per step, unit and officer, where late dossiers first went over
budget, and the open dossiers at risk of being late (docs/bottlenecks.md)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.reports.bottlenecks import at_risk_dossiers, bottlenecks
from motcua.reports.table import hours_text, percent_text

from .common import bo_render, error_page, staff_required
from .figure_filters import figure_filters


@staff_required
def report_bottlenecks(request):
    filters = figure_filters(request)
    if isinstance(filters, HttpResponse):
        return filters
    units, unit, unit_code = filters.units, filters.unit, filters.unit_code
    date_from, date_to, errors = filters.date_from, filters.date_to, filters.errors
    result = None
    at_risk = []
    if not errors:
        try:
            result = bottlenecks(date_from=date_from, date_to=date_to, unit=unit, user=request.user)
        except ValidationFailed as error:
            errors["tu"] = error.message
        except NotPermitted as error:
            return error_page(
                request, status=403, title=_("Không có quyền xem báo cáo"), message=error.message
            )
    if result is not None:
        at_risk = at_risk_dossiers(user=request.user, now=timezone.now(), unit=result.unit)
    context = {
        "units": units,
        "unit_code": result.unit.agency_code if result and result.unit else unit_code,
        "date_from": date_from,
        "date_to": date_to,
        "errors": errors,
        "result": result,
        "at_risk": at_risk,
        "tables": _tables(result) if result else [],
        "lateness": _lateness(result) if result else None,
    }
    return bo_render(request, "backoffice/bottlenecks.html", context, status=422 if errors else 200)


def _cells(figures) -> list[str]:
    return [
        str(figures.steps),
        hours_text(figures.hours),
        hours_text(figures.average_hours),
        hours_text(figures.budget_hours),
        percent_text(figures.ratio),
        str(figures.late),
    ]


def _tables(result) -> list[dict]:
    by_step = [
        {
            "label": f"{row.order}. {row.label}",
            "detail": f"{row.procedure_code} – {row.unit.name}",
            "cells": _cells(row.figures),
        }
        for row in result.by_step
    ]
    by_unit = [
        {"label": row.label, "detail": row.unit.agency_code, "cells": _cells(row.figures)}
        for row in result.by_unit
    ]
    by_officer = [
        {"label": row.label, "detail": "", "cells": _cells(row.figures)} for row in result.by_officer
    ]
    return [
        {"id": "theo-buoc", "title": _("Theo bước của quy trình"), "heading": _("Bước"), "rows": by_step},
        {
            "id": "theo-don-vi",
            "title": _("Theo đơn vị thực hiện bước"),
            "heading": _("Đơn vị"),
            "rows": by_unit,
        },
        {"id": "theo-can-bo", "title": _("Theo cán bộ"), "heading": _("Cán bộ"), "rows": by_officer},
    ]


def _lateness(result) -> dict:
    lateness = result.lateness
    return {
        "late_dossiers": lateness.late_dossiers,
        "overrun": hours_text(lateness.overrun_hours),
        "other_bodies": hours_text(lateness.other_bodies_hours),
        "share": percent_text(lateness.other_bodies_share),
        "pause": hours_text(lateness.applicant_pause_hours),
    }
