"""Reads of the organisation and the permission scope derived from role + unit."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet

from motcua.core.exceptions import NotFound
from motcua.core.prepared import CompiledQuery

from .enums import SUBTREE_ROLES, Role
from .models import StaffRole, Unit


def unit_tree_children() -> dict[int | None, list[int]]:
    # A province has hundreds of units, not millions: one small query beats a stored path to keep in sync.
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in Unit.objects.values_list("id", "parent_id"):
        children[parent_id].append(unit_id)
    return children


def unit_subtree_ids(
    unit_ids: Iterable[int], children: dict[int | None, list[int]] | None = None
) -> set[int]:
    """`children`: the tree already read by `unit_tree_children`, for a caller asking about many units."""
    children = children if children is not None else unit_tree_children()
    seen: set[int] = set()
    stack = list(unit_ids)
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, ()))
    return seen


# Read on every counter intake (receiving and competent unit): compiled once.
_unit_by_code = CompiledQuery(Unit, lambda code: Unit.objects.filter(agency_code=code)[:1], "\x00agency-code")


def unit_get_by_code(*, agency_code: str) -> Unit:
    unit = _unit_by_code.first(agency_code)
    if unit is None:
        raise NotFound(f"Không tìm thấy đơn vị có mã định danh “{agency_code}”.")
    return unit


def unit_list(
    *, kind: str | None = None, parent_code: str | None = None, active_only: bool = True
) -> QuerySet[Unit]:
    qs = Unit.objects.select_related("parent").order_by("agency_code")
    if active_only:
        qs = qs.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if parent_code:
        qs = qs.filter(parent__agency_code=parent_code)
    return qs


# Read on every staff request: compiled once.
_roles_of_user = CompiledQuery(
    StaffRole, lambda user_id: StaffRole.objects.filter(user_id=user_id).select_related("unit"), -0x6D6F7463
)


def user_roles(user) -> list[StaffRole]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_motcua_roles", None)
    if cached is None:
        cached = _roles_of_user(user.pk)
        user._motcua_roles = cached
    return cached


def user_is_staff_member(user) -> bool:
    """Citizens are users without staff roles."""
    return bool(user_roles(user))


def user_has_role(user, role: Role | str, *, unit: Unit | None = None) -> bool:
    """Whether `user` holds `role` in `unit` (or, for subtree roles, in one of its ancestors)."""
    for staff_role in user_roles(user):
        if staff_role.role != role:
            continue
        if unit is None or staff_role.unit_id == unit.id:
            return True
        if role in SUBTREE_ROLES and unit.id in unit_subtree_ids([staff_role.unit_id]):
            return True
    return False


def user_unit_ids(user, roles: Iterable[str] | None = None) -> set[int]:
    """Units in which the user may act or see, for the given roles (all roles when None).

    A supervisor, administrator or viewer sees the units below theirs; other roles only their own unit."""
    wanted = set(roles) if roles is not None else None
    direct: set[int] = set()
    subtree_roots: set[int] = set()
    for staff_role in user_roles(user):
        if wanted is not None and staff_role.role not in wanted:
            continue
        (subtree_roots if staff_role.role in SUBTREE_ROLES else direct).add(staff_role.unit_id)
    return direct | (unit_subtree_ids(subtree_roots) if subtree_roots else set())
