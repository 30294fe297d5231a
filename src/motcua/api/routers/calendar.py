from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.api.schemas import ErrorOut
from motcua.core.exceptions import ValidationFailed
from motcua.org.selectors import unit_get_by_code
from motcua.workcal.calendar import LOCAL_TZ
from motcua.workcal.enums import DeadlineKind
from motcua.workcal.selectors import deadline_compute

router = Router(tags=["calendar"])


class DeadlineQuery(Schema):
    unit: str = Field(description="Agency code of the receiving or handling unit, e.g. H12.04")
    start: datetime | None = Field(None, description="ISO 8601 instant with its UTC offset; default: now")
    amount: Decimal = Field(ge=0, le=3650)
    kind: DeadlineKind


class DeadlineOut(Schema):
    due: str


@router.get("/deadline", response={200: DeadlineOut, 404: ErrorOut, 422: ErrorOut}, auth=None)
def deadline(request, query: Query[DeadlineQuery]):
    """The due instant for a period starting at `start` in `unit`'s working calendar (Vietnamese time)."""
    start = query.start or timezone.now()
    if start.tzinfo is None:
        raise ValidationFailed("Thời điểm bắt đầu phải có múi giờ, ví dụ 2026-02-13T10:00:00+07:00.")
    unit = unit_get_by_code(agency_code=query.unit)
    try:
        due = deadline_compute(unit=unit, start=start, amount=query.amount, kind=query.kind)
    except ValueError as error:
        raise ValidationFailed(f"Không tính được thời hạn: {error}.") from error
    return {"due": due.astimezone(LOCAL_TZ).isoformat()}
