"""Reads of petitions: each interface loads a petition only through a fetcher scoped to its actor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import NotFound
from motcua.org.models import Unit
from motcua.org.selectors import unit_subtree_ids, user_unit_ids

from .enums import OPEN_STATUSES, Action, Satisfaction, Status, SubjectKind
from .models import Petition, PetitionEvent
from .services import TRANSITIONS, Who, petition_actor_kinds
from .tokens import petition_rating_id

CODE_PATTERN = re.compile(r"^PA-\d{6}-\d{4,}$")
_RELATED = ("receiving_unit", "unit", "procedure", "dossier")


def not_found_message(code: str) -> str:
    return _("Không tìm thấy phản ánh, kiến nghị “%(code)s”.") % {"code": code}


def lookup_not_found_message() -> str:
    return _(
        "Không tìm thấy phản ánh với mã và số điện thoại đã nhập. Kiểm tra lại mã và 4 số cuối điện thoại."
    )


# --- officers -------------------------------------------------------------------------------------------------
def petition_queryset_for_staff(user) -> QuerySet[Petition]:
    """Petitions received by a centre where the officer works, or assigned to their unit; supervisors,
    administrators and viewers see their whole subtree (as for dossiers)."""
    units = user_unit_ids(user)
    if not units:
        return Petition.objects.none()
    return Petition.objects.select_related(*_RELATED).filter(
        Q(receiving_unit_id__in=units) | Q(unit_id__in=units)
    )


def petition_get_for_staff(*, user, code: str) -> Petition:
    petition = petition_queryset_for_staff(user).filter(code=(code or "").strip()).first()
    if petition is None:
        raise NotFound(not_found_message(code))
    return petition


WORKLISTS = ("todo", "overdue", "answered", "all")


def petition_worklist(*, user, worklist: str = "todo", q: str = "", now: datetime | None = None):
    """Open petitions with the overdue ones first, then by due date; `q` filters by code or title."""
    now = now or timezone.now()
    qs = petition_queryset_for_staff(user)
    if worklist == "todo":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif worklist == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    elif worklist == "answered":
        qs = qs.filter(status__in=(Status.ANSWERED, Status.CLOSED))
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(title__icontains=q))
    overdue_first = Case(
        When(status__in=OPEN_STATUSES, due_at__lt=now, then=Value(0)),
        When(status__in=OPEN_STATUSES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(rank=overdue_first).order_by("rank", "due_at", "id")


def petition_search(
    *, user, status: str | None = None, overdue: bool | None = None, q: str = "", now: datetime | None = None
) -> QuerySet[Petition]:
    """The officer's whole scope in worklist order (overdue first, then by due date), for the API: `status`
    is one internal status, `overdue` True keeps the open petitions past their due time, False the others."""
    now = now or timezone.now()
    qs = petition_worklist(user=user, worklist="all", q=q, now=now)
    if status:
        qs = qs.filter(status=status)
    late = Q(status__in=OPEN_STATUSES, due_at__lt=now)
    if overdue is True:
        qs = qs.filter(late)
    elif overdue is False:
        qs = qs.exclude(late)
    return qs


def petition_is_overdue(petition: Petition, *, now: datetime | None = None) -> bool:
    return petition.status in OPEN_STATUSES and petition.due_at < (now or timezone.now())


def petition_actions_for(*, user, petition: Petition) -> list[str]:
    """The actions the officer may take now, in the order the page offers them."""
    kinds = petition_actor_kinds(actor=user, petition=petition)
    actions = []
    for action in Action.values:
        rule = TRANSITIONS.get((petition.status, action))
        if rule is None or not rule[1] & kinds or Who.PETITIONER in rule[1]:
            continue
        if action == Action.PUBLISH and (petition.is_published or petition.privacy != "public"):
            continue
        actions.append(action)
    return actions


def petition_history(*, petition: Petition) -> QuerySet[PetitionEvent]:
    return petition.events.select_related("actor", "unit").order_by("seq")


def petition_assignable_units() -> QuerySet[Unit]:
    return Unit.objects.filter(is_active=True).order_by("agency_code")


def petition_menu_count(*, user, now: datetime | None = None) -> int:
    return petition_queryset_for_staff(user).filter(status__in=OPEN_STATUSES).count()


# --- the public and the petitioner ----------------------------------------------------------------------------
def petition_public_list(*, q: str = "", kind: str = "") -> QuerySet[Petition]:
    qs = Petition.objects.select_related("unit", "procedure").filter(is_published=True)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(code__iexact=q)
            | Q(title__icontains=q)
            | Q(public_description__icontains=q)
            | Q(answer__icontains=q)
        )
    if kind in SubjectKind.values:
        qs = qs.filter(subject_kind=kind)
    return qs.order_by("-published_at", "-id")


def petition_public_get(*, code: str) -> Petition | None:
    return Petition.objects.select_related(*_RELATED).filter(code=code, is_published=True).first()


def petition_for_petitioner(*, code: str, phone_last4: str) -> Petition:
    """The code and the last four digits of the petitioner's phone; a wrong phone gets exactly the answer an
    unknown code gets."""
    code = (code or "").strip().upper()
    digits = re.sub(r"\D", "", phone_last4 or "")
    petition = None
    if CODE_PATTERN.match(code) and len(digits) == 4:
        candidate = Petition.objects.select_related(*_RELATED).filter(code=code).first()
        if candidate is not None and candidate.petitioner_phone.endswith(digits):
            petition = candidate
    if petition is None:
        raise NotFound(lookup_not_found_message())
    return petition


def petition_for_owner(*, user, code: str) -> Petition | None:
    if user is None or not user.is_authenticated:
        return None
    return Petition.objects.select_related(*_RELATED).filter(code=code, user=user).first()


def petition_for_rating_token(*, token: str) -> Petition:
    petition = Petition.objects.select_related(*_RELATED).filter(pk=petition_rating_id(token=token)).first()
    if petition is None:
        raise NotFound(_("Đường dẫn đánh giá không hợp lệ."))
    return petition


def petition_list_for_owner(*, user) -> QuerySet[Petition]:
    return Petition.objects.select_related("unit").filter(user=user).order_by("-received_at")


# --- Decision 766, group F ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PetitionFigures:
    handled: int  # petitions of the period, out of scope ones excluded
    on_time: int  # answered by the original due time, or still open and not yet due at the period's end
    satisfactory: int  # handled, not rated unsatisfied and not overdue
    about_procedures: int
    about_staff: int


def petitions_exist() -> bool:
    return Petition.objects.exists()


def petition_figures(
    *, unit: Unit | None, start: datetime, end: datetime, subtree: set[int] | None = None
) -> PetitionFigures:
    """Petitions received in [start, end) of the unit's subtree (as receiving centre or handling unit).
    On time is measured against the original due date: an extension explains a delay, it does not erase it
    (the same rule as for dossiers). legal-spec §3.2 F. `subtree`: the unit's subtree when the caller has it.
    One query: the 766 index asks this of every unit of a province on each load of the dashboard."""
    qs = Petition.objects.filter(received_at__gte=start, received_at__lt=end).exclude(status=Status.REJECTED)
    if unit is not None:
        subtree = subtree if subtree is not None else unit_subtree_ids([unit.pk])
        qs = qs.filter(Q(unit_id__in=subtree) | Q(receiving_unit_id__in=subtree))
    answered_on_time = Q(answered_at__isnull=False, answered_at__lte=F("original_due_at"))
    open_within = Q(answered_at__isnull=True, original_due_at__gte=end)
    late = Q(answered_at__isnull=False, answered_at__gt=F("original_due_at")) | Q(
        answered_at__isnull=True, original_due_at__lt=end
    )
    counts = qs.order_by().aggregate(
        handled=Count("pk"),
        on_time=Count("pk", filter=answered_on_time | open_within),
        satisfactory=Count("pk", filter=~late & ~Q(rating=Satisfaction.NOT_SATISFIED)),
        about_procedures=Count("pk", filter=Q(subject_kind__in=(SubjectKind.PROCEDURE, SubjectKind.DOSSIER))),
        about_staff=Count("pk", filter=Q(subject_kind=SubjectKind.OFFICER_CONDUCT)),
    )
    return PetitionFigures(**counts)
