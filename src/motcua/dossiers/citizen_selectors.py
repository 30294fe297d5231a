"""Reads for the citizen's own account ("Hồ sơ của tôi"). Every query is scoped to the owner: another person's
dossier is answered exactly like one that does not exist. Officers' personal data never leaves here: the
timeline names units, not people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from motcua.catalog.models import ProcedureVersion
from motcua.core.exceptions import NotFound
from motcua.org.enums import SERVICE_CENTRE_KINDS, UnitKind
from motcua.org.models import Unit

from .enums import Action, Status
from .models import Dossier, DossierDocument, DossierEvent


def online_receiving_units(*, version: ProcedureVersion) -> list[Unit]:
    """Where an online dossier of this version may be sent: its listed receiving units, or else every
    service centre of the province (phi địa giới). The provincial centre comes first: it is the default."""
    listed = list(version.receiving_units.filter(is_active=True))
    units = listed or list(Unit.objects.filter(kind__in=SERVICE_CENTRE_KINDS, is_active=True))
    return sorted(units, key=lambda unit: (unit.kind != UnitKind.PROVINCIAL_CENTRE, unit.name))


def _owned(user) -> QuerySet[Dossier]:
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return Dossier.objects.filter(owner_id=user.pk)


def dossier_list_for_citizen(*, user) -> QuerySet[Dossier]:
    """The account's dossiers, latest activity first, with what the list shows loaded in a fixed number of
    queries."""
    return (
        _owned(user)
        .select_related("procedure_version__procedure", "receiving_unit", "result")
        .prefetch_related("pauses")
        .order_by("-updated_at", "-id")
    )


def dossier_get_for_citizen(*, user, reference: str) -> Dossier:
    """By code, or `D<id>` (the reference before the centre issues a code). The owner's `D<id>` keeps working
    after the code is issued, so the link in the confirmation still leads to the dossier."""
    reference = (reference or "").strip()
    qs = _owned(user).select_related(
        "procedure_version__procedure", "receiving_unit", "competent_unit", "current_step__unit"
    )
    if reference.startswith("D") and reference[1:].isdigit():
        dossier = qs.filter(pk=int(reference[1:])).first()
    else:
        dossier = qs.filter(code=reference).first() if reference else None
    if dossier is None:
        raise NotFound(f"Không tìm thấy hồ sơ “{reference}”.")
    return dossier


def _last_event(dossier: Dossier, action: str) -> DossierEvent | None:
    return dossier.events.filter(action=action).order_by("-seq").first()


def dossier_missing_items(*, dossier: Dossier, action: str) -> list[str]:
    """The written list (Form 02) of the latest return for completion or supplement request."""
    event = _last_event(dossier, action)
    return [str(item) for item in ((event.data or {}).get("missing_items") or [])] if event else []


def supplement_items(*, dossier: Dossier) -> list[str]:
    """What the supplement request asked for, each item once, in the order written."""
    seen: list[str] = []
    for item in dossier_missing_items(dossier=dossier, action=Action.REQUEST_SUPPLEMENT):
        item = item.strip()
        if item and item not in seen:
            seen.append(item)
    return seen


def completion_items(*, dossier: Dossier) -> list[str]:
    return dossier_missing_items(dossier=dossier, action=Action.RETURN_FOR_COMPLETION)


def dossier_documents_for_citizen(*, dossier: Dossier) -> QuerySet[DossierDocument]:
    return dossier.documents.select_related("requirement", "reused_from").order_by(
        "is_supplement", "order", "id"
    )


def dossier_document_get_for_citizen(*, user, reference: str, document_id) -> DossierDocument:
    dossier = dossier_get_for_citizen(user=user, reference=reference)
    document = dossier.documents.filter(pk=document_id).exclude(file="").first()
    if document is None:
        raise NotFound("Không tìm thấy tệp trong hồ sơ.")
    return document


# --- timeline ------------------------------------------------------------------------------------------------
# Internal hand-overs inside one office (assigning, claiming, explanations) are not the citizen's business.
HIDDEN_ACTIONS = frozenset({Action.ASSIGN, Action.CLAIM, Action.EXPLAIN})


@dataclass
class TimelineEntry:
    at: datetime
    action: str
    unit_name: str
    step_name: str = ""
    note: str = ""
    data: dict = field(default_factory=dict)


def dossier_timeline_for_citizen(*, dossier: Dossier) -> list[TimelineEntry]:
    """The history as the applicant may see it: what happened, when, and in which office."""
    events = (
        dossier.events.exclude(action__in=HIDDEN_ACTIONS)
        .select_related("actor_unit", "to_step__unit")
        .order_by("seq")
    )
    entries = []
    for event in events:
        unit = event.actor_unit or (event.to_step.unit if event.to_step_id else None)
        if unit is None and event.action == Action.SUBMIT:
            unit = dossier.receiving_unit
        entries.append(
            TimelineEntry(
                at=event.at,
                action=event.action,
                unit_name=unit.name if unit else "",
                step_name=event.to_step.name if event.to_step_id else "",
                # Reasons written for the applicant (refusal, stop, pause, extension); never internal notes
                # of forwarding or sending back.
                note=event.note if event.action in _PUBLIC_NOTES else "",
                data={k: v for k, v in (event.data or {}).items() if k in _PUBLIC_DATA},
            )
        )
    return entries


_PUBLIC_NOTES = frozenset(
    {Action.REFUSE, Action.STOP, Action.PAUSE, Action.EXTEND, Action.DENY, Action.SUPPLEMENT}
)
_PUBLIC_DATA = frozenset({"code", "due_at", "missing_items", "new_due_at", "reply_due_at", "outcome"})


def dossier_counts_for_citizen(*, user) -> dict[str, int]:
    """How many dossiers wait for the citizen (drafts, completions, supplements): the list's headline."""
    rows = _owned(user).values_list("status", flat=True)
    counts = {"draft": 0, "action": 0}
    for status in rows:
        if status == Status.DRAFT:
            counts["draft"] += 1
        elif status in (Status.INCOMPLETE, Status.AWAITING_SUPPLEMENT):
            counts["action"] += 1
    return counts


def dossier_with_documents(dossier: Dossier) -> Dossier:
    """Prefetch the documents (and what they reuse) for pages that list them."""
    return (
        Dossier.objects.filter(pk=dossier.pk)
        .select_related("procedure_version__procedure", "receiving_unit", "competent_unit")
        .prefetch_related(Prefetch("documents", queryset=dossier_documents_for_citizen(dossier=dossier)))
        .get()
    )
