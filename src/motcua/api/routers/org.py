from datetime import time
from typing import Annotated

from ninja import Router, Schema
from pydantic import WithJsonSchema

from motcua.org.selectors import unit_list

router = Router(tags=["units"])


# Written "07:30:00", local wall time without an offset; JSON Schema's "time" format demands an offset.
WallTime = Annotated[
    time, WithJsonSchema({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "07:30:00"})
]


class UnitOut(Schema):
    agency_code: str
    name: str
    kind: str
    parent: str | None
    address: str
    phone: str
    office_hours: list[tuple[WallTime, WallTime]]


@router.get("", response=list[UnitOut], auth=None)
def units(request, kind: str | None = None, parent: str | None = None):
    """Units of the province (public: names, codes, addresses and office hours)."""
    return [
        UnitOut(
            agency_code=u.agency_code,
            name=u.name,
            kind=u.kind,
            parent=u.parent.agency_code if u.parent_id else None,
            address=u.address,
            phone=u.phone,
            office_hours=list(u.office_periods()),
        )
        for u in unit_list(kind=kind, parent_code=parent)
    ]
