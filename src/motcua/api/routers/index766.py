from datetime import date

from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.core.replica import figures_reads
from motcua.org.selectors import unit_get_by_code
from motcua.reports.index766 import GroupResult, Index766, IndicatorResult, index766

router = Router(tags=["reports"], auth=staff_or_token)


class Index766Query(Schema):
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    unit: str | None = Field(None, description="Agency code; default: the highest unit the actor sees")


class PeriodOut(Schema):
    date_from: date = Field(serialization_alias="from")
    date_to: date = Field(serialization_alias="to")


class UnitRefOut(Schema):
    code: str
    name: str


class IndicatorOut(Schema):
    code: str
    name: str
    maximum: int
    formula: str
    source: str
    state: str = Field(description="computed | manual | no_data | not_computed")
    numerator: int | None = Field(description="Dossiers counted; null when not computed from dossiers")
    denominator: int | None
    ratio: float | None
    points: float | None = Field(description="null when not scored: never counted as 0 or as the maximum")
    reason: str = Field(description="Why there are no points, when there are none")
    note: str = Field(description="The administrator's note of an entered value")


class Index766GroupOut(Schema):
    code: str
    name: str
    maximum: int
    source: str
    points: float = Field(description="Sum of the scored indicators only")
    max_computed: int = Field(description="Sum of the maxima of the scored indicators")
    indicators: list[IndicatorOut]


class Index766Out(Schema):
    period: PeriodOut
    unit: UnitRefOut | None
    points: float
    max_computed: int = Field(description="The maximum the points can be read against (scored indicators)")
    maximum: int
    groups: list[Index766GroupOut]


def _indicator_out(result: IndicatorResult) -> dict:
    indicator = result.indicator
    return {
        "code": indicator.code,
        "name": str(indicator.name),
        "maximum": indicator.maximum,
        "formula": str(indicator.formula),
        "source": indicator.source,
        "state": result.state,
        "numerator": result.numerator,
        "denominator": result.denominator,
        "ratio": result.ratio,
        "points": result.points,
        "reason": result.reason,
        "note": result.note,
    }


def _group_out(result: GroupResult) -> dict:
    return {
        "code": result.group.code,
        "name": str(result.group.name),
        "maximum": result.group.maximum,
        "source": result.group.source,
        "points": result.points,
        "max_computed": result.max_computed,
        "indicators": [_indicator_out(r) for r in result.indicators],
    }


def index766_out(result: Index766) -> dict:
    return {
        "period": {"date_from": result.date_from, "date_to": result.date_to},
        "unit": {"code": result.unit.agency_code, "name": result.unit.name} if result.unit else None,
        "points": result.points,
        "max_computed": result.max_computed,
        "maximum": result.maximum,
        "groups": [_group_out(g) for g in result.groups],
    }


@router.get("", response={200: Index766Out, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, by_alias=True)
def report_index766(request, query: Query[Index766Query]):
    """Decision 766 index (legal-spec §3.2) of a period (local dates, both inclusive) for a unit and its
    sub-units: six groups, every indicator with its formula, source, ratio and points. Indicators whose data
    the system does not hold have `points: null` and are left out of `max_computed`."""
    unit = unit_get_by_code(agency_code=query.unit) if query.unit else None
    with figures_reads():
        result = index766(date_from=query.date_from, date_to=query.date_to, unit=unit, user=request.user)
        return index766_out(result)
