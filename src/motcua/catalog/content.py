"""A published version's content, read once per process.

Only a draft version is editable: the admin refuses changes to a published one (DraftOnlyMixin,
VersionChildInline), the catalogue import replaces drafts only, and a change of procedure means a new draft
version. So the units, fees and process steps of a version that is no longer a draft never change, and every
counter intake and step forward read them again: four or five SELECTs per intake (issue #7). A draft is always
read from the database.

What is kept is the version's own rows (fee rules, process steps) and unit ids, never Unit rows: a unit's name
or hours can change at any time. Callers get copies, so nothing they set on a row (a loaded relation) reaches
the next caller. The status of a version is not kept: it comes with the version the caller read.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.db.models import Subquery

from .models import ComponentRequirement, FeeRule, ProcedureVersion, ProcessStep
from .services import process_for_unit_id_query

# A province's catalogue holds a few thousand versions; past this many entries the memo starts again.
_LIMIT = 4096
_memo: dict[tuple, object] = {}


def _remember(version: ProcedureVersion, key: tuple, read: Callable[[], object]):
    if version.is_editable:
        return read()
    found = _memo.get(key)
    if found is None:
        found = read()
        if len(_memo) >= _LIMIT:
            _memo.clear()
        _memo[key] = found
    return found


def published_content_forget() -> None:
    """Tests: a rolled-back test gives its ids to the next one."""
    _memo.clear()


def version_unit_ids(version: ProcedureVersion) -> tuple[tuple[int, ...], frozenset[int]]:
    """The competent units' ids in the catalogue's order (agency code: the first is the default) and the
    receiving units' ids."""

    def read():
        competent = tuple(version.competent_units.order_by("agency_code").values_list("id", flat=True))
        receiving = frozenset(version.receiving_units.values_list("id", flat=True))
        return competent, receiving

    return _remember(version, ("units", version.pk), read)


def version_components(version: ProcedureVersion) -> list[ComponentRequirement]:
    if "components" in getattr(version, "_prefetched_objects_cache", {}):
        return list(version.components.all())
    rows = _remember(version, ("components", version.pk), lambda: tuple(version.components.all()))
    return [copy.copy(row) for row in rows]


def version_fees(version: ProcedureVersion) -> list[FeeRule]:
    if "fees" in getattr(version, "_prefetched_objects_cache", {}):
        return list(version.fees.all())
    rows = _remember(version, ("fees", version.pk), lambda: tuple(version.fees.all()))
    return [copy.copy(row) for row in rows]


def version_steps(
    version_id: int, unit_id: int | None, *, version: ProcedureVersion | None
) -> list[ProcessStep]:
    """The steps of the competent unit's own process, else of the default one, in order (the choice made in
    the one statement that reads them, as catalog.services.process_for_unit makes it). `version`: the version
    row when the caller has it (its status says whether the steps may be kept), else None (read, not kept)."""

    def read():
        process = process_for_unit_id_query(version_id=version_id, unit_id=unit_id)
        return tuple(ProcessStep.objects.filter(process_id=Subquery(process)).order_by("order"))

    if version is None:
        return list(read())
    rows = _remember(version, ("steps", version_id, unit_id), read)
    return [copy.copy(row) for row in rows]
