from datetime import date

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.auth import staff_or_token
from motcua.api.schemas import ErrorOut
from motcua.core.replica import figures_reads
from motcua.org.selectors import unit_get_by_code
from motcua.ratings.criteria import CRITERIA
from motcua.ratings.selectors import RatingGroupBy, RatingTotals
from motcua.reports.enums import GroupBy
from motcua.reports.excel import summary_xlsx
from motcua.reports.selectors import SatisfactionReport, Summary, satisfaction_report, summary

router = Router(tags=["reports"], auth=staff_or_token)


class SummaryQuery(Schema):
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    unit: str | None = Field(None, description="Agency code; default: the highest unit the actor sees")
    group_by: str = Field(GroupBy.UNIT.value, description=" | ".join(GroupBy.values))
    format: str = Field("json", pattern="^(json|xlsx)$")


class PeriodOut(Schema):
    date_from: date = Field(serialization_alias="from")
    date_to: date = Field(serialization_alias="to")


class UnitRefOut(Schema):
    code: str
    name: str


class SummaryFiguresOut(Schema):
    carried_over: int
    received: int
    received_counter: int
    received_postal: int
    received_online: int
    received_assisted_online: int
    handled: int = Field(description="carried_over + received")
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    in_progress: int
    in_progress_on_time: int
    in_progress_overdue: int
    returned: int
    stopped: int
    refused: int
    digitisable: int = Field(description="Paper dossiers received with documents")
    digitised: int = Field(description="Of those, dossiers whose received documents are all digitised")
    received_reused: int = Field(
        0, description="Received dossiers with a component reused from the citizen's store"
    )
    resolved_e_result: int = Field(0, description="Resolved dossiers that have a signed electronic result")
    on_time_rate: float | None = Field(description="(early + on time) / resolved; null without results")
    online_rate: float | None
    postal_rate: float | None
    digitisation_rate: float | None
    rated: int = Field(description="Dossiers returned in the period that the applicant rated")
    rated_very_satisfied: int
    rated_satisfied: int
    rated_not_satisfied: int
    satisfaction_rate: float | None = Field(
        description="(very satisfied + satisfied) / rated; null without ratings, never invented"
    )
    avg_processing_hours: float | None = Field(description="Working hours, clock pauses excluded")
    avg_committed_hours: float | None


class RowOut(SummaryFiguresOut):
    key: str
    label: str


class SummaryOut(Schema):
    period: PeriodOut
    unit: UnitRefOut | None
    group_by: str
    rows: list[RowOut]
    totals: SummaryFiguresOut
    notes: list[str]


def summary_out(result: Summary) -> dict:
    return {
        "period": {"date_from": result.date_from, "date_to": result.date_to},
        "unit": {"code": result.unit.agency_code, "name": result.unit.name} if result.unit else None,
        "group_by": result.group_by,
        "rows": [{"key": r.key, "label": r.label, **r.figures.as_dict()} for r in result.rows],
        "totals": result.totals.as_dict(),
        "notes": result.notes,
    }


@router.get(
    "/summary", response={200: SummaryOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}, by_alias=True
)
def report_summary(request, query: Query[SummaryQuery]):
    """Figures of a period (local dates, both inclusive) for a unit and its sub-units, one row per group and
    the totals; `format=xlsx` gives the report table as an Excel workbook."""
    unit = unit_get_by_code(agency_code=query.unit) if query.unit else None
    with figures_reads():
        result = summary(
            date_from=query.date_from,
            date_to=query.date_to,
            unit=unit,
            group_by=query.group_by,
            user=request.user,
        )
    if query.format == "xlsx":
        code = result.unit.agency_code if result.unit else "tinh"
        name = f"bao-cao-tthc-{code}-{query.date_from:%Y%m%d}-{query.date_to:%Y%m%d}"
        response = HttpResponse(
            summary_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return summary_out(result)


# --- satisfaction ratings ------------------------------------------------------------------------------------
class SatisfactionQuery(Schema):
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    unit: str | None = Field(None, description="Agency code; default: the highest unit the actor sees")
    group_by: str = Field(
        RatingGroupBy.UNIT.value,
        description="unit: the receiving unit | officer: the officer who returned the result",
    )


class AnswerOut(Schema):
    value: str
    label: str
    count: int


class CriterionOut(Schema):
    code: str
    article_item: int = Field(description="Indicator number in Decree 61/2018 Art. 31")
    question: str
    answers: list[AnswerOut] = Field(description="Unanswered criteria are not counted")


class RatingTotalsOut(Schema):
    key: str = Field(description="Agency code or username; empty for the totals and unknown officers")
    label: str
    count: int
    very_satisfied: int
    satisfied: int
    not_satisfied: int
    satisfaction_rate: float | None = Field(description="(very satisfied + satisfied) / count; null if 0")
    criteria: list[CriterionOut]


class SatisfactionOut(Schema):
    period: PeriodOut
    unit: UnitRefOut | None
    group_by: str
    rows: list[RatingTotalsOut]
    totals: RatingTotalsOut


def _rating_totals_out(totals: RatingTotals) -> dict:
    return {
        "key": totals.key,
        "label": totals.label,
        "count": totals.count,
        "very_satisfied": totals.very_satisfied,
        "satisfied": totals.satisfied,
        "not_satisfied": totals.not_satisfied,
        "satisfaction_rate": totals.satisfaction_rate,
        "criteria": [
            {
                "code": criterion.field,
                "article_item": criterion.article_item,
                "question": str(criterion.question),
                "answers": [
                    {"value": value, "label": str(label), "count": totals.criteria[criterion.field][value]}
                    for value, label in criterion.choices.choices
                ],
            }
            for criterion in CRITERIA
        ],
    }


def satisfaction_out(result: SatisfactionReport) -> dict:
    return {
        "period": {"date_from": result.date_from, "date_to": result.date_to},
        "unit": {"code": result.unit.agency_code, "name": result.unit.name} if result.unit else None,
        "group_by": result.group_by,
        "rows": [_rating_totals_out(row) for row in result.rows],
        "totals": _rating_totals_out(result.totals),
    }


@router.get(
    "/satisfaction",
    response={200: SatisfactionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    by_alias=True,
)
def report_satisfaction(request, query: Query[SatisfactionQuery]):
    """Citizens' ratings of the dossiers returned in a period (local dates, both inclusive) for a unit and its
    sub-units, per receiving unit or per officer who returned the result: the overall levels, the
    satisfaction rate and the answers to each Decree 61/2018 Art. 31 criterion."""
    unit = unit_get_by_code(agency_code=query.unit) if query.unit else None
    with figures_reads():
        result = satisfaction_report(
            date_from=query.date_from,
            date_to=query.date_to,
            unit=unit,
            group_by=query.group_by,
            user=request.user,
        )
        return satisfaction_out(result)
