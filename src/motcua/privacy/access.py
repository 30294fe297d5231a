"""The staff access log: written by every interface that shows, prints, exports or searches personal data.

The row is written in the request, before the data leaves the server, with one INSERT. If it cannot be written
the request fails: data shown without its log line would be the silent loss the law's audit duty forbids."""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.db.models import Q, QuerySet

from motcua.org.enums import Role
from motcua.org.selectors import unit_subtree_ids, user_roles, user_unit_ids

from .enums import AccessChannel, AccessKind, SearchTermKind
from .models import PersonalDataAccess

# A dossier code ("H12.99-260302-0001") or the reference of a draft ("D42") names no person.
_CODE = re.compile(r"^(?:D\d+|[A-Z]\d{2}(?:\.\d{2})*-\d{6}-\d{4})$", re.IGNORECASE)
_CODE_PART = re.compile(r"^[A-Z]\d{2}(?:\.\d{2})*(?:-\d*)*$", re.IGNORECASE)


def search_term_kind(q: str) -> str | None:
    """The kind of personal data a search term is, or None for a dossier code (which names nobody)."""
    q = (q or "").strip()
    if not q or _CODE.match(q) or _CODE_PART.match(q):
        return None
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 4 and len(digits) >= len(q.replace(" ", "")) - 3:
        return SearchTermKind.NUMBER
    return SearchTermKind.NAME


def client_hash(ip: str) -> str:
    """A keyed hash of the client address: the same machine is recognisable in the log, the address is not."""
    if not ip:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()[:16]


def _actor_unit_id(actor, dossier=None, unit=None) -> int | None:
    """The unit in which the officer acted: the one of their units that sees the dossier (or the exported
    unit), else their first unit."""
    roles = user_roles(actor)
    if not roles:
        return None
    targets = set()
    if unit is not None:
        targets.add(unit.pk)
    if dossier is not None:
        targets |= {dossier.receiving_unit_id, dossier.competent_unit_id}
        step = dossier._state.fields_cache.get("current_step")  # only when loaded: no query for it
        if step is not None:
            targets.add(step.unit_id)
    targets.discard(None)
    for role in roles:
        if role.unit_id in targets:
            return role.unit_id
    for role in roles:
        if targets & unit_subtree_ids([role.unit_id]):
            return role.unit_id
    return roles[0].unit_id


def personal_data_access_record(
    *,
    actor,
    kind: str,
    route: str,
    channel: str = AccessChannel.WEB,
    dossier=None,
    subject=None,
    unit=None,
    detail: str = "",
    ip: str = "",
) -> PersonalDataAccess:
    """Record one access by a staff member. `detail` must not carry personal data (callers pass a form number,
    a date range, or `search_term_kind`)."""
    if kind not in AccessKind.values:
        raise ValueError(f"unknown access kind {kind!r}")
    if subject is None and dossier is not None:
        subject_id = dossier.owner_id
    else:
        subject_id = subject.pk if subject is not None else None
    return PersonalDataAccess.objects.create(
        actor=actor,
        actor_username=actor.get_username(),
        unit_id=_actor_unit_id(actor, dossier, unit),
        kind=kind,
        channel=channel,
        dossier=dossier,
        subject_id=subject_id,
        route=route[:100],
        detail=str(detail)[:200],
        client_hash=client_hash(ip),
    )


def personal_data_search_record(*, actor, q: str, route: str, channel: str = AccessChannel.WEB, ip: str = ""):
    """Record that an officer searched by name, phone or ID number: the fact and the kind, never the term."""
    term_kind = search_term_kind(q)
    if term_kind is None:
        return None
    return personal_data_access_record(
        actor=actor,
        kind=AccessKind.SEARCH,
        route=route,
        channel=channel,
        detail=str(SearchTermKind(term_kind).label),
        ip=ip,
    )


# --- reads ------------------------------------------------------------------------------------------------------
LOG_READER_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)


def can_read_access_log(user) -> bool:
    """For the menu: from the roles already loaded, no query."""
    return any(role.role in LOG_READER_ROLES for role in user_roles(user))


def access_log_readable_unit_ids(*, user) -> set[int]:
    """Units whose staff's accesses `user` may read: a supervisor or administrator reads their unit and the
    units below it."""
    return user_unit_ids(user, roles=LOG_READER_ROLES)


def access_list_for_supervisor(*, user, dossier_code: str = "") -> QuerySet[PersonalDataAccess]:
    unit_ids = access_log_readable_unit_ids(user=user)
    qs = PersonalDataAccess.objects.filter(unit_id__in=unit_ids).select_related("unit", "dossier", "actor")
    if dossier_code:
        qs = qs.filter(dossier__code=dossier_code.strip())
    return qs.order_by("-at", "-id")


def access_list_for_subject(*, user) -> QuerySet[PersonalDataAccess]:
    """Who saw the citizen's data: accesses recorded against their account or against a dossier they own.
    Searches are not listed: they name nobody."""
    if not getattr(user, "is_authenticated", False):
        return PersonalDataAccess.objects.none()
    return (
        PersonalDataAccess.objects.filter(Q(subject_id=user.pk) | Q(dossier__owner_id=user.pk))
        .exclude(kind=AccessKind.SEARCH)
        .select_related("unit", "dossier")
        .order_by("-at", "-id")
    )
