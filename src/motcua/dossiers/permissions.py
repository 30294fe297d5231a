"""Who may act where. A role is held in a unit; the staff of a division act for the department above it
(the specialist of Phòng Hộ tịch handles the steps of Sở Tư pháp)."""

from collections.abc import Iterable

from motcua.org.enums import UnitKind
from motcua.org.models import Unit
from motcua.org.selectors import user_roles


def actor_acts_in(actor, roles: Iterable[str], unit: Unit) -> bool:
    wanted = set(roles)
    for staff_role in user_roles(actor):
        if staff_role.role not in wanted:
            continue
        if staff_role.unit_id == unit.id:
            return True
        if staff_role.unit.kind == UnitKind.DIVISION and staff_role.unit.parent_id == unit.id:
            return True
    return False


def acting_unit_ids(actor, roles: Iterable[str] | None = None) -> set[int]:
    """Units whose steps the actor may work on: their own units, and the department above a division."""
    wanted = set(roles) if roles is not None else None
    ids: set[int] = set()
    for staff_role in user_roles(actor):
        if wanted is not None and staff_role.role not in wanted:
            continue
        ids.add(staff_role.unit_id)
        if staff_role.unit.kind == UnitKind.DIVISION and staff_role.unit.parent_id:
            ids.add(staff_role.unit.parent_id)
    return ids
