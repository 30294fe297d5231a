from datetime import time

from ninja import Router, Schema

from motcua.org.selectors import unit_list

router = Router(tags=["units"])


class UnitOut(Schema):
    agency_code: str
    name: str
    kind: str
    parent: str | None
    address: str
    phone: str
    office_hours: list[tuple[time, time]]


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
