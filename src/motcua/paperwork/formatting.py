"""How dates, amounts and agency names are written on the printed forms (Vietnamese administrative style)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from motcua.catalog.enums import TimeUnit
from motcua.catalog.services import hours_text
from motcua.org.enums import UnitKind
from motcua.workcal.calendar import LOCAL_TZ

RECEPTION_DESK = "Bộ phận tiếp nhận và trả kết quả"
# Circular 03/2025 forms address the applicant this way whatever their sex.
HONORIFIC = "Ông/Bà"

_PLACE_PREFIX = re.compile(r"^(ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+", re.IGNORECASE)
_PLACE_LEVEL = re.compile(r"^(tỉnh|thành phố|tp\.?|xã|phường|đặc khu)\s+", re.IGNORECASE)


def local(value: datetime) -> datetime:
    # Always the legal time zone, whatever TIME_ZONE the deployment sets: the paper must match the counter.
    return value.astimezone(LOCAL_TZ)


def moment(value: datetime | None) -> str:
    """`08 giờ 00 phút, ngày 02/03/2026`, the way Form 01 writes reception and return times."""
    if value is None:
        return ""
    value = local(value)
    return f"{value:%H} giờ {value:%M} phút, ngày {value:%d/%m/%Y}"


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value:%d/%m/%Y}"


def short_time(value: datetime | None) -> str:
    return f"{local(value):%H:%M}" if value is not None else ""


def long_date(value: date | datetime) -> str:
    """`ngày 02 tháng 03 năm 2026`, for the place-and-date line."""
    if isinstance(value, datetime):
        value = local(value)
    return f"ngày {value:%d} tháng {value:%m} năm {value:%Y}"


def money(amount: int) -> str:
    """10000 → `10.000 đồng` (Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def committed_time(amount: Decimal, unit: str) -> str:
    """`03 ngày làm việc`, `4 giờ làm việc`, `Trong ngày`: the committed time as it is published."""
    if unit == TimeUnit.SAME_DAY:
        return "Trong ngày"
    text = hours_text(amount)
    if text.isdigit() and len(text) == 1:
        text = f"0{text}"
    return f"{text} {TimeUnit(unit).label}"


def agency_lines(unit) -> list[str]:
    """The parent authority, then the unit itself, in capitals as the header of an official document."""
    lines = [unit.parent.name.upper()] if unit.parent_id else []
    return [*lines, unit.name.upper()]


def place_name(unit) -> str:
    """The locality that heads the date line (`Cà Mau, ngày …`): the nearest commune or province above the
    unit, with `UBND tỉnh` and the like removed."""
    node, chosen = unit, None
    while node is not None:
        if node.kind in (UnitKind.COMMUNE, UnitKind.PROVINCE):
            chosen = node
            break
        chosen = node
        node = node.parent
    name = _PLACE_PREFIX.sub("", chosen.name.strip())
    return _PLACE_LEVEL.sub("", name).strip() or chosen.name


def person_name(user) -> str:
    if user is None:
        return ""
    return getattr(user, "full_name", "") or user.get_username()
