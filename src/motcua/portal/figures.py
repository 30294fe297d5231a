"""Số liệu công khai: each unit's figures for the last 12 months, and the same figures as open data (CSV, JSON)
one row per unit and month. Counts only — no personal data. Columns: docs/open-data.md."""

import csv
import io

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.replica import figures_reads
from motcua.org.models import Unit
from motcua.reports.charts import monthly_chart
from motcua.reports.dashboard import (
    OPEN_DATA_COLUMNS,
    last_months,
    monthly_figures,
    public_units,
    totals_by_unit,
)

MONTHS = 12


def percent(rate: float | None) -> str:
    """0.7143 → "71,4 %"; no denominator → "–" (never 0 % or 100 %)."""
    return "–" if rate is None else f"{rate * 100:.1f}".replace(".", ",") + " %"


def _display(figures) -> dict:
    return {
        "month": figures.month,
        "received": figures.received,
        "received_online": figures.received_online,
        "resolved": figures.resolved,
        "resolved_on_time": figures.resolved_on_time,
        "resolved_late": figures.resolved_late,
        "on_time": percent(figures.on_time_rate),
        "online": percent(figures.online_rate),
    }


@figures_reads()
def figures_index(request):
    units = list(public_units())
    months = last_months(count=MONTHS)
    totals = totals_by_unit(monthly_figures(units=units, months=months))
    return render(
        request,
        "portal/figures.html",
        {"rows": [(unit, _display(totals[unit.agency_code])) for unit in units], "months": months},
    )


@figures_reads()
def figures_unit(request, code: str):
    unit = Unit.objects.filter(agency_code=code, is_active=True).first()
    if unit is None:
        return render(request, "404.html", status=404)
    months = last_months(count=MONTHS)
    own = monthly_figures(units=[unit], months=months)
    children = list(public_units(root=unit).filter(parent=unit))
    child_totals = totals_by_unit(monthly_figures(units=children, months=months))
    chart_title = _("Hồ sơ tiếp nhận và giải quyết theo tháng – %(unit)s") % {"unit": unit.name}
    return render(
        request,
        "portal/figures_unit.html",
        {
            "unit": unit,
            "months": [_display(row) for row in own],
            "total": _display(totals_by_unit(own)[unit.agency_code]),
            "children": [(child, _display(child_totals[child.agency_code])) for child in children],
            "chart_title": chart_title,
            "chart": monthly_chart(own, title=chart_title, show_title=False),
        },
    )


def open_data_rows() -> list[dict]:
    return [row.as_row() for row in monthly_figures(units=public_units(), months=last_months(count=MONTHS))]


@figures_reads()
def open_data_csv(request):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OPEN_DATA_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in open_data_rows():
        writer.writerow({**row, "on_time_rate": "" if row["on_time_rate"] is None else row["on_time_rate"]})
    # A byte-order mark so that spreadsheet programs read the Vietnamese names as UTF-8.
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="so-lieu-tthc.csv"'
    return response


@figures_reads()
def open_data_json(request):
    payload = {
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "columns": list(OPEN_DATA_COLUMNS),
        "rows": open_data_rows(),
    }
    return JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
