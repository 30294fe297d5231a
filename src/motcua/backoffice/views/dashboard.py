"""Bảng điều khiển: the operations dashboard of a unit — key numbers and charts for a period, refreshed every
five minutes, printable."""

from datetime import date, timedelta

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.core.replica import figures_reads
from motcua.reports import charts
from motcua.reports.dashboard import Dashboard
from motcua.reports.dashboard import dashboard as dashboard_figures

from .common import bo_render, error_page, staff_required
from .figure_filters import figure_filters

DEFAULT_DAYS = 30
REFRESH_SECONDS = 300


def _last_days(date_to: date, today: date) -> date:
    return date_to - timedelta(days=DEFAULT_DAYS - 1)


@staff_required
@figures_reads()
def dashboard(request):
    filters = figure_filters(
        request, default_from=_last_days, forbidden_title=_("Không có quyền xem số liệu")
    )
    if isinstance(filters, HttpResponse):
        return filters
    units, unit, unit_code = filters.units, filters.unit, filters.unit_code
    date_from, date_to, errors = filters.date_from, filters.date_to, filters.errors
    context = {
        "units": units,
        "unit_code": unit_code,
        "date_from": date_from,
        "date_to": date_to,
        "errors": errors,
        "refresh_seconds": REFRESH_SECONDS,
        "updated_at": timezone.localtime(),
        "result": None,
    }
    if not errors:
        try:
            board = dashboard_figures(date_from=date_from, date_to=date_to, unit=unit, user=request.user)
        except ValidationFailed as error:
            errors["den" if "to" in (error.details or {}) else "tu"] = error.message
        except NotPermitted as error:
            return error_page(
                request, status=403, title=_("Không có quyền xem số liệu"), message=error.message
            )
        else:
            context.update(_figures(board, date_from=date_from, date_to=date_to))
    return bo_render(request, "backoffice/dashboard.html", context, status=422 if errors else 200)


def _figures(board: Dashboard, *, date_from: date, date_to: date) -> dict:
    result = board.summary
    unit = result.unit
    overdue, index766 = board.overdue, board.index766
    granularity, points = board.on_time_granularity, board.on_time
    received_granularity, received = board.received_granularity, board.received
    # The page shows each title as a heading (it wraps on a phone); the chart keeps it as its accessible name.
    titles = {
        "received": {
            "day": _("Hồ sơ tiếp nhận theo ngày và hình thức nộp"),
            "week": _("Hồ sơ tiếp nhận theo tuần và hình thức nộp"),
            "month": _("Hồ sơ tiếp nhận theo tháng và hình thức nộp"),
        }[received_granularity],
        "on_time": _("Tỷ lệ giải quyết đúng hạn theo tuần")
        if granularity == "week"
        else _("Tỷ lệ giải quyết đúng hạn theo tháng"),
        "overdue": _("Hồ sơ đang quá hạn theo cơ quan giải quyết"),
        "index766": _("Chỉ số phục vụ (Quyết định 766) theo đơn vị"),
    }
    untitled = {"show_title": False}
    return {
        "result": result,
        "unit_code": unit.agency_code if unit else "",
        "overdue_now": sum(row.value for row in overdue),
        "satisfaction": board.satisfaction,
        "chart_titles": titles,
        "received_chart": charts.received_per_day_chart(
            received,
            title=titles["received"],
            granularity=received_granularity,
            period=(date_from, date_to),
            **untitled,
        ),
        # The whole period, so that a week without any resolved dossier shows as such instead of vanishing.
        "on_time_chart": charts.on_time_chart(
            granularity, points, title=titles["on_time"], period=(date_from, date_to), **untitled
        ),
        "overdue_chart": charts.by_unit_chart(
            overdue, title=titles["overdue"], series_label=_("Quá hạn"), **untitled
        )
        if overdue
        else None,
        "index766_chart": charts.by_unit_chart(
            index766, title=titles["index766"], series_label=_("Điểm"), percent=True, **untitled
        )
        if index766
        else None,
    }
