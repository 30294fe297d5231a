from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from motcua.api.schemas import ErrorOut
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import procedure_get_by_code, procedure_version_detail, procedure_version_search

router = Router(tags=["procedures"])


class ProcedureSummaryOut(Schema):
    national_code: str
    local_code: str
    version: int
    name: str
    field: str
    level: str
    committed_time_amount: Decimal
    committed_time_unit: str
    online_level: str
    is_postal_intake_allowed: bool
    is_postal_return_allowed: bool


class ComponentOut(Schema):
    name: str
    paper_kind: str
    quantity: int
    is_required: bool
    condition: str
    is_replaceable_by_state_data: bool


class FeeOut(Schema):
    label: str
    kind: str
    amount: int | None
    first_tier_units: int | None
    amount_after: int | None
    cap: int | None
    unit_label: str
    is_optional: bool


class ProcedureStepOut(Schema):
    order: int
    name: str
    unit_mode: str
    unit: str | None
    role: str
    description: str
    budget_hours: Decimal


class ProcessOut(Schema):
    name: str
    handling_unit: str | None
    steps: list[ProcedureStepOut]


class ProcedureDetailOut(ProcedureSummaryOut):
    legal_time_amount: Decimal | None
    legal_time_unit: str
    competent_units: list[str]
    receiving_units: list[str]
    competent_body_text: str
    results: str
    conditions: str
    legal_basis: str
    fee_exemptions: str
    effective_from: str | None
    status: str
    components: list[ComponentOut]
    fees: list[FeeOut]
    processes: list[ProcessOut]


class ProcedureFilter(Schema):
    q: str = ""
    field: str | None = None
    level: str | None = None
    online_level: str | None = None
    postal: bool | None = None
    unit: str | None = None


def _summary(v: ProcedureVersion) -> dict:
    return {
        "national_code": v.procedure.national_code,
        "local_code": v.procedure.local_code,
        "version": v.number,
        "name": v.name,
        "field": v.field.name,
        "level": v.level,
        "committed_time_amount": v.committed_time_amount,
        "committed_time_unit": v.committed_time_unit,
        "online_level": v.online_level,
        "is_postal_intake_allowed": v.is_postal_intake_allowed,
        "is_postal_return_allowed": v.is_postal_return_allowed,
    }


@router.get("", response=list[ProcedureSummaryOut], auth=None)
@paginate(PageNumberPagination, page_size=50)
def procedures(request, filters: Query[ProcedureFilter]):
    """Procedures in force, searchable with or without Vietnamese diacritics."""
    qs = procedure_version_search(
        q=filters.q,
        field=filters.field,
        level=filters.level,
        online_level=filters.online_level,
        postal=filters.postal,
        unit_code=filters.unit,
    )
    return [_summary(v) for v in qs]


@router.get("/{code}", response={200: ProcedureDetailOut, 404: ErrorOut}, auth=None)
def procedure_detail(request, code: str):
    """One procedure by national or local code: the version in force, as publicly listed."""
    procedure = procedure_get_by_code(code=code)
    v = procedure_version_detail(version_id=procedure.current_version_id)
    return {
        **_summary(v),
        "legal_time_amount": v.legal_time_amount,
        "legal_time_unit": v.legal_time_unit,
        "competent_units": [u.agency_code for u in v.competent_units.all()],
        "receiving_units": [u.agency_code for u in v.receiving_units.all()],
        "competent_body_text": v.competent_body_text,
        "results": v.results,
        "conditions": v.conditions,
        "legal_basis": v.legal_basis,
        "fee_exemptions": v.fee_exemptions,
        "effective_from": v.effective_from.isoformat() if v.effective_from else None,
        "status": v.status,
        "components": list(v.components.all()),
        "fees": list(v.fees.all()),
        "processes": [
            {
                "name": p.name,
                "handling_unit": p.handling_unit.agency_code if p.handling_unit_id else None,
                "steps": [
                    {
                        **{
                            f: getattr(s, f)
                            for f in ("order", "name", "unit_mode", "role", "description", "budget_hours")
                        },
                        "unit": s.unit.agency_code if s.unit_id else None,
                    }
                    for s in p.steps.all()
                ],
            }
            for p in v.processes.all()
        ],
    }
