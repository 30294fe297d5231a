"""Reads the officer pages need that the domain does not offer (yet): who may take a step, which actions to
offer, the intake preview. Every dossier reaching these functions was loaded through
`dossier_get_for_staff`; nothing here decides a rule, it only predicts what `dossier_transition` accepts so
the page shows no button that can only fail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.identifiers import phone_normalize
from motcua.accounts.models import User
from motcua.catalog.models import ProcedureVersion, ProcessStep
from motcua.catalog.services import FeeLine, fee_compute
from motcua.dossiers.enums import Action, Channel, ReturnMode, Status
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.permissions import actor_acts_in
from motcua.dossiers.selectors import (
    dossier_process_steps,
    dossier_step_unit,
    is_return_step,
)
from motcua.dossiers.services import dossier_due
from motcua.dossiers.transitions import RULES, Rule, Scope, actions_from
from motcua.org.enums import Role, UnitKind
from motcua.org.models import StaffRole, Unit
from motcua.org.selectors import user_is_staff_member, user_roles
from motcua.workcal.selectors import calendar_for_unit

HANDLER_ROLES = frozenset(
    {Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.SIGNING_LEADER, Role.RECEIVING_OFFICER}
)


# --- who ---------------------------------------------------------------------------------------------------
def receiving_units_for(user) -> list[Unit]:
    """The centres where `user` receives dossiers at the counter."""
    units = {r.unit_id: r.unit for r in user_roles(user) if r.role == Role.RECEIVING_OFFICER}
    return sorted(units.values(), key=lambda unit: unit.agency_code)


def receivable_at(version: ProcedureVersion, units: list[Unit]) -> bool:
    """Whether one of `units` receives `version`; no listed receiving point means every centre does."""
    points = {unit.pk for unit in version.receiving_units.all()}
    return not points or any(unit.pk in points for unit in units)


def is_receiving_officer(user) -> bool:
    return any(r.role == Role.RECEIVING_OFFICER for r in user_roles(user))


def step_candidates(*, unit: Unit, role: str) -> list[User]:
    """Officers who may do a step of `role` in `unit`: its own staff and, for a department, the staff of its
    divisions (the same rule as `permissions.actor_acts_in`)."""
    staff = (
        StaffRole.objects.filter(role=role)
        .filter(Q(unit=unit) | Q(unit__parent=unit, unit__kind=UnitKind.DIVISION))
        .select_related("user")
        .order_by("user__full_name", "user__username")
    )
    seen: dict[int, User] = {}
    for row in staff:
        if row.user.is_active:
            seen.setdefault(row.user_id, row.user)
    return list(seen.values())


def people_by_username(usernames) -> dict[str, str]:
    """Display names for the usernames the control slip records (`DossierEvent.data["assignee"]`)."""
    wanted = {name for name in usernames if name}
    if not wanted:
        return {}
    return {user.username: str(user) for user in User.objects.filter(username__in=wanted)}


# --- online submissions waiting for a reply ------------------------------------------------------------------
# Dossiers that reach the centre without the applicant at the counter; the centre answers each within 8
# working hours of submission (Decree 45/2020), measured by `Dossier.reply_due_at`.
REPLY_CHANNELS = (Channel.ONLINE, Channel.ASSISTED_ONLINE, Channel.POSTAL)


def dossier_reply_worklist(*, user):
    """Submitted dossiers waiting for reception at the centres where `user` receives, most urgent first."""
    units = [unit.pk for unit in receiving_units_for(user)]
    return (
        Dossier.objects.filter(
            status=Status.SUBMITTED, channel__in=REPLY_CHANNELS, receiving_unit_id__in=units
        )
        .select_related("procedure_version__procedure", "receiving_unit")
        .order_by(F("reply_due_at").asc(nulls_last=True), "submitted_at", "id")
    )


@dataclass(frozen=True)
class ReplyClock:
    due_at: datetime | None
    remaining_hours: float | None  # working hours; negative when overdue
    is_overdue: bool


def dossier_reply_clock(dossier: Dossier, *, now: datetime | None = None, calendar=None) -> ReplyClock:
    """The 8-working-hour reply clock of a submitted dossier; it stops mattering once the centre answers."""
    if dossier.status != Status.SUBMITTED or dossier.reply_due_at is None:
        return ReplyClock(dossier.reply_due_at, None, False)
    now = now or timezone.now()
    calendar = calendar or calendar_for_unit(dossier.receiving_unit)
    remaining = calendar.working_hours_between(now, dossier.reply_due_at)
    return ReplyClock(dossier.reply_due_at, round(remaining, 2), now > dossier.reply_due_at)


def dossier_reply_clocks(dossiers, *, now: datetime | None = None) -> dict[int, ReplyClock]:
    """`dossier_reply_clock` for a page of rows, one calendar per receiving unit (no query per row)."""
    now = now or timezone.now()
    calendars: dict[int, object] = {}
    clocks = {}
    for dossier in dossiers:
        if dossier.receiving_unit_id not in calendars:
            calendars[dossier.receiving_unit_id] = calendar_for_unit(dossier.receiving_unit)
        clocks[dossier.pk] = dossier_reply_clock(
            dossier, now=now, calendar=calendars[dossier.receiving_unit_id]
        )
    return clocks


def reply_menu_counts(*, user, now: datetime | None = None) -> dict[str, int] | None:
    """{"waiting", "overdue"} for the menu; None for officers who do not receive."""
    if not is_receiving_officer(user):
        return None
    now = now or timezone.now()
    # One query for both numbers: the menu is on every officer page.
    return (
        dossier_reply_worklist(user=user)
        .order_by()
        .aggregate(waiting=Count("pk"), overdue=Count("pk", filter=Q(reply_due_at__lt=now)))
    )


# --- assisted online -------------------------------------------------------------------------------------------
def citizen_account_for_counter(*, phone: str = "", id_number: str = ""):
    """The citizen's own account, found by the ID number or the mobile number it has verified; None unless
    exactly one active citizen (not an officer) matches. Unverified details never link a dossier: anyone can
    type someone else's number into their own profile."""
    wanted = Q(pk__in=[])
    id_number = (id_number or "").strip()
    if id_number:
        wanted |= Q(id_number=id_number, is_id_number_verified=True)
    mobile = phone_normalize(phone or "")
    if mobile:
        wanted |= Q(phone=mobile, is_phone_verified=True)
    found = [
        user for user in User.objects.filter(wanted, is_active=True)[:3] if not user_is_staff_member(user)
    ]
    return found[0] if len(found) == 1 else None


# --- actions -----------------------------------------------------------------------------------------------
# Buttons read best with the usual next move first and the ones that end or undo the work last.
_ORDER = [
    Action.RECEIVE,
    Action.TRANSFER,
    Action.FORWARD,
    Action.APPROVE,
    Action.SUPPLEMENT,
    Action.RESUME,
    Action.RETURN_RESULT,
    Action.CLAIM,
    Action.ASSIGN,
    Action.SEND_BACK,
    Action.REQUEST_SUPPLEMENT,
    Action.RETURN_FOR_COMPLETION,
    Action.PAUSE,
    Action.EXTEND,
    Action.DENY,
    Action.REFUSE,
    Action.STOP,
]
_PRIMARY = frozenset(
    {
        Action.RECEIVE,
        Action.TRANSFER,
        Action.CLAIM,
        Action.FORWARD,
        Action.APPROVE,
        Action.SUPPLEMENT,
        Action.RESUME,
        Action.RETURN_RESULT,
    }
)
_DANGER = frozenset({Action.DENY, Action.REFUSE, Action.STOP})
_COMMENTED = frozenset(
    {
        Action.FORWARD,
        Action.ASSIGN,
        Action.APPROVE,
        Action.REQUEST_SUPPLEMENT,
        Action.RETURN_FOR_COMPLETION,
    }
)


@dataclass
class ActionOption:
    action: Action
    rule: Rule
    label: str
    target: str = ""  # where the dossier goes, in words
    needs_note: bool = False
    needs_missing_items: bool = False
    needs_new_due: bool = False
    assignees: list[User] | None = None
    assignee_required: bool = False
    back_steps: list[ProcessStep] = field(default_factory=list)
    # Returning a result the applicant asked to receive by post: the post office is asked to deliver it.
    postal_return_address: str = ""
    # Filled by the page when this action was just refused, so its form shows why and keeps the input.
    error: str = ""
    field_errors: dict = field(default_factory=dict)
    posted: dict = field(default_factory=dict)

    @property
    def value(self) -> str:
        return self.action.value

    @property
    def is_primary(self) -> bool:
        return self.action in _PRIMARY

    @property
    def is_danger(self) -> bool:
        return self.action in _DANGER

    @property
    def takes_comment(self) -> bool:
        """An optional comment that travels with the dossier (ý kiến) where officers usually write one."""
        return not self.needs_note and self.action in _COMMENTED

    @property
    def has_fields(self) -> bool:
        return bool(
            self.needs_note
            or self.takes_comment
            or self.needs_missing_items
            or self.needs_new_due
            or self.assignees is not None
            or self.back_steps
            or self.postal_return_address
        )


def _acting_unit(dossier: Dossier, rule: Rule) -> Unit | None:
    if rule.scope == Scope.RECEIVING:
        return dossier.receiving_unit
    if rule.scope == Scope.STEP and dossier.current_step_id:
        return dossier.current_step.unit
    return None


def _may_work_step(user, step: DossierStep) -> bool:
    if not actor_acts_in(user, {step.role}, step.unit):
        return False
    return step.assignee_id is None or step.assignee_id == user.pk


def dossier_actions_for_staff(*, user, dossier: Dossier, history: list[DossierEvent]) -> list[ActionOption]:
    """The actions of `dossier.status` that `user` could carry out now, with what each form needs."""
    if dossier.status == Status.DRAFT:  # the applicant has not submitted it yet
        return []
    done = {event.action for event in history}
    step = dossier.current_step
    steps: list[ProcessStep] | None = None
    options: list[ActionOption] = []
    for action in actions_from(dossier.status):
        rule = RULES[action]
        if rule.scope == Scope.OWNER:
            continue
        unit = _acting_unit(dossier, rule)
        if unit is None or not actor_acts_in(user, rule.roles, unit):
            continue
        if (
            rule.scope == Scope.STEP
            and action not in (Action.ASSIGN, Action.CLAIM, Action.EXTEND)
            and not _may_work_step(user, step)
        ):
            continue
        option = ActionOption(action=action, rule=rule, label=str(action.label), needs_note=rule.needs_note)
        if action == Action.CLAIM and (step.assignee_id or not actor_acts_in(user, {step.role}, step.unit)):
            continue
        if action in (Action.FORWARD, Action.SEND_BACK, Action.TRANSFER):
            steps = steps if steps is not None else dossier_process_steps(dossier)
        if action == Action.TRANSFER:
            after = step.order if step is not None else None
            following = [s for s in steps if after is None or s.order > after]
            if not following:
                continue
            option.target = f"{following[0].name} — {dossier_step_unit(dossier, following[0])}"
        elif action == Action.FORWARD:
            following = [s for s in steps if s.order > step.order]
            if not following or is_return_step(following[0]):
                continue
            if step.role == Role.SIGNING_LEADER and not any(s.role == Role.SIGNING_LEADER for s in following):
                continue
            nxt = following[0]
            nxt_unit = dossier_step_unit(dossier, nxt)
            option.target = f"{nxt.name} — {nxt_unit}"
            option.assignees = step_candidates(unit=nxt_unit, role=nxt.role)
        elif action == Action.SEND_BACK:
            option.back_steps = [s for s in steps if s.order < step.order]
            if not option.back_steps:
                continue
        elif action == Action.ASSIGN:
            option.assignees = step_candidates(unit=step.unit, role=step.role)
            option.assignee_required = True
            option.target = step.name
        elif action in (Action.REQUEST_SUPPLEMENT, Action.RETURN_FOR_COMPLETION):
            if action in done:  # Decree 118 Art. 11: one written request, once
                continue
            option.needs_missing_items = True
        elif action == Action.EXTEND:
            if dossier.extended_due_at is not None:
                continue
            option.needs_new_due = True
        elif action == Action.RETURN_RESULT and dossier.return_mode == ReturnMode.POSTAL:
            option.postal_return_address = dossier.return_address or "—"
            option.label = str(_("Trả kết quả qua bưu chính"))
        options.append(option)
    options.sort(key=lambda o: _ORDER.index(o.action) if o.action in _ORDER else len(_ORDER))
    return options


def explainable_step_ids(*, user, steps: list[DossierStep]) -> set[int]:
    """Late steps without an explanation that `user`'s unit may explain."""
    return {s.pk for s in steps if s.needs_explanation and actor_acts_in(user, HANDLER_ROLES, s.unit)}


# --- forms (Circular 03/2025 numbering) ---------------------------------------------------------------------
FORM_TITLES = {
    "01": _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "02": _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "03": _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    "04": _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "05": _("Phiếu dừng thực hiện giải quyết hồ sơ"),
    "06": _("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
}
PRINT_LABELS = {
    "01": _("In phiếu hẹn (Mẫu 01)"),
    "02": _("In phiếu hướng dẫn bổ sung (Mẫu 02)"),
    "03": _("In phiếu từ chối tiếp nhận (Mẫu 03)"),
    "04": _("In phiếu xin lỗi và hẹn lại (Mẫu 04)"),
    "05": _("In phiếu dừng giải quyết (Mẫu 05)"),
    "06": _("In phiếu kiểm soát quá trình (Mẫu 06)"),
}


def dossier_form_numbers(*, dossier: Dossier, history: list[DossierEvent]) -> list[str]:
    """The forms this dossier has produced so far, in number order."""
    actions = {event.action for event in history}
    numbers = []
    if dossier.code:
        numbers.append("01")
    if actions & {Action.RETURN_FOR_COMPLETION, Action.REQUEST_SUPPLEMENT}:
        numbers.append("02")
    if dossier.status == Status.REFUSED:
        numbers.append("03")
    if dossier.extended_due_at is not None:
        numbers.append("04")
    if dossier.status == Status.STOPPED:
        numbers.append("05")
    if dossier.code:
        numbers.append("06")
    return numbers


# --- clocks ------------------------------------------------------------------------------------------------
# --- intake preview ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IntakePreview:
    received_at: datetime
    due_at: datetime | None
    counting_from: datetime | None
    is_after_cutoff: bool
    cutoff: time
    fee_total: int
    fee_lines: list[FeeLine]
    problem: str = ""


def intake_preview(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    pages: int = 0,
    sets: int = 1,
    is_fee_exempt: bool = False,
    now: datetime | None = None,
) -> IntakePreview:
    """What receiving now would produce: the appointment (`dossier_due` on the receiving centre's calendar,
    exactly as `dossier_intake` computes it) and the fee (`fee_compute` with the same arguments)."""
    now = now or timezone.now()
    calendar = calendar_for_unit(receiving_unit)
    fee_total, fee_lines = fee_compute(
        version=version, pages=max(pages, 1), copies=max(sets, 1), is_exempt=is_fee_exempt
    )
    problem = ""
    try:
        due = dossier_due(version=version, calendar=calendar, received_at=now)
        counting_from = calendar.counting_start(now, apply_cutoff=True)
    except ValueError:
        due = counting_from = None
        problem = str(_("Không tính được ngày hẹn trả với thời hạn của thủ tục này."))
    return IntakePreview(
        received_at=now,
        due_at=due,
        counting_from=counting_from,
        is_after_cutoff=calendar.is_after_cutoff(now),
        cutoff=calendar.cutoff,
        fee_total=fee_total,
        fee_lines=fee_lines,
        problem=problem,
    )
