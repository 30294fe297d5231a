"""Bộ chỉ số 766 (legal-spec §3.2): points per group and indicator for a unit and a period, with the
formula and source beside each figure, the child units' group points, and the dossiers behind each
computed figure."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _

from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.core.replica import figures_reads
from motcua.reports.excel import index766_xlsx
from motcua.reports.index766 import INDICATORS_BY_CODE, Part, index766, index766_dossiers

from .common import bo_render, error_page, staff_required
from .figure_filters import figure_filters

PAGE_SIZE = 50


def _forbidden(request, error: NotPermitted):
    return error_page(request, status=403, title=_("Không có quyền xem báo cáo"), message=error.message)


@staff_required
@figures_reads()
def index766_page(request):
    filters = figure_filters(request)
    if isinstance(filters, HttpResponse):
        return filters
    units, unit, unit_code = filters.units, filters.unit, filters.unit_code
    date_from, date_to, errors = filters.date_from, filters.date_to, filters.errors
    result = None
    if not errors:
        try:
            result = index766(
                date_from=date_from, date_to=date_to, unit=unit, user=request.user, with_children=True
            )
        except ValidationFailed as error:
            errors["den" if "to" in (error.details or {}) else "tu"] = error.message
        except NotPermitted as error:
            return _forbidden(request, error)
    code = result.unit.agency_code if result and result.unit else unit_code
    if result is not None and request.GET.get("dinh_dang") == "xlsx":
        response = HttpResponse(
            index766_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"chi-so-766-{code or 'tinh'}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    query = {"don_vi": code, "tu": f"{date_from:%Y-%m-%d}", "den": f"{date_to:%Y-%m-%d}"}
    context = {
        "units": units,
        "unit_code": code,
        "date_from": date_from,
        "date_to": date_to,
        "errors": errors,
        "result": result,
        "groups": _groups(result.groups, query) if result else [],
        "children": [
            {
                "unit": child,
                "groups": groups,
                "points": round(sum(g.points for g in groups), 2),
                "max_computed": sum(g.max_computed for g in groups),
            }
            for child, groups in result.children
        ]
        if result
        else [],
    }
    return bo_render(request, "backoffice/index766.html", context, status=422 if errors else 200)


def _groups(groups, query: dict) -> list[dict]:
    rows = []
    for group in groups:
        indicators = []
        for item in group.indicators:
            links = {}
            if item.indicator.is_computed:
                for part in (Part.NUMERATOR, Part.DENOMINATOR):
                    links[part] = "?" + urlencode({**query, "chi_so": item.indicator.code, "phan": part})
            indicators.append({"result": item, "links": links})
        rows.append({"result": group, "indicators": indicators})
    return rows


@staff_required
@figures_reads()
def index766_dossier_list(request):
    filters = figure_filters(request)
    if isinstance(filters, HttpResponse):
        return filters
    unit, unit_code = filters.unit, filters.unit_code
    date_from, date_to, errors = filters.date_from, filters.date_to, filters.errors
    code = request.GET.get("chi_so") or ""
    part = request.GET.get("phan") or Part.NUMERATOR
    indicator = INDICATORS_BY_CODE.get(code)
    if errors:
        return error_page(
            request, status=422, title=_("Tham số không hợp lệ"), message=next(iter(errors.values()))
        )
    try:
        dossiers = index766_dossiers(
            code=code, part=part, date_from=date_from, date_to=date_to, unit=unit, user=request.user
        )
    except ValidationFailed as error:
        return error_page(request, status=422, title=_("Tham số không hợp lệ"), message=error.message)
    except NotPermitted as error:
        return _forbidden(request, error)
    dossiers = dossiers.select_related("procedure_version", "competent_unit", "receiving_unit").order_by(
        "received_at", "pk"
    )
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    base = {"don_vi": unit_code, "tu": f"{date_from:%Y-%m-%d}", "den": f"{date_to:%Y-%m-%d}"}
    context = {
        "indicator": indicator,
        "part": part,
        "part_label": _("Tử số") if part == Part.NUMERATOR else _("Mẫu số"),
        "date_from": date_from,
        "date_to": date_to,
        "unit_code": unit_code,
        "page_obj": page,
        "back_query": urlencode(base),
        "page_query": urlencode({**base, "chi_so": code, "phan": part}),
    }
    return bo_render(request, "backoffice/index766.html", {**context, "drilldown": True})
