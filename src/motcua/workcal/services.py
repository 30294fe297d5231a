from datetime import date

from django.db import transaction

from .enums import OverrideKind
from .models import CalendarOverride


@transaction.atomic
def calendar_override_set(
    *, day: date, kind: OverrideKind, name: str, decision_reference: str = "", user=None
):
    """Add or change one day of the province's calendar (a swap published by the Ministry of Home Affairs)."""
    override, _ = CalendarOverride.objects.update_or_create(
        date=day,
        defaults={"kind": kind, "name": name, "decision_reference": decision_reference, "created_by": user},
    )
    return override


@transaction.atomic
def calendar_override_remove(*, day: date) -> bool:
    deleted, _ = CalendarOverride.objects.filter(date=day).delete()
    return bool(deleted)
