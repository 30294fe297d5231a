"""The dossier lifecycle as data (DESIGN §8): which action moves which state to which, who may do it, in
which unit, and which form it produces. `services.dossier_transition` is the only code that applies it."""

from dataclasses import dataclass
from enum import StrEnum

from motcua.org.enums import Role

from .enums import Action, Status


class Scope(StrEnum):
    """Where the actor must hold one of the roles."""

    RECEIVING = "receiving"  # the dossier's receiving centre
    STEP = "step"  # the unit of the dossier's current step
    OWNER = "owner"  # the applicant's own account


@dataclass(frozen=True)
class Rule:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the state does not change
    roles: frozenset[Role]
    scope: Scope
    form: str | None = None
    needs_note: bool = False
    # Online: the applicant's own account may also act (answering a supplement request from home).
    owner_may: bool = False


S = Status
_PRE_RECEPTION = frozenset({S.DRAFT, S.SUBMITTED})
# "any open state": everything until a result is issued (Decree 118 Art. 21: stop only while no result).
_STOPPABLE = frozenset(
    {S.DRAFT, S.SUBMITTED, S.INCOMPLETE, S.RECEIVED, S.PROCESSING, S.AWAITING_SUPPLEMENT, S.PAUSED}
)
_RECEIVER = frozenset({Role.RECEIVING_OFFICER})
_LEADERS = frozenset({Role.HEAD_OF_DIVISION, Role.SIGNING_LEADER})
_ANY_HANDLER = frozenset(
    {Role.SPECIALIST, Role.HEAD_OF_DIVISION, Role.SIGNING_LEADER, Role.RECEIVING_OFFICER}
)

TABLE: tuple[Rule, ...] = (
    Rule(Action.SUBMIT, frozenset({S.DRAFT, S.INCOMPLETE}), S.SUBMITTED, frozenset(), Scope.OWNER),
    Rule(Action.RECEIVE, _PRE_RECEPTION, S.RECEIVED, _RECEIVER, Scope.RECEIVING, form="01"),
    Rule(Action.RETURN_FOR_COMPLETION, _PRE_RECEPTION, S.INCOMPLETE, _RECEIVER, Scope.RECEIVING, form="02"),
    Rule(Action.REFUSE, _PRE_RECEPTION, S.REFUSED, _RECEIVER, Scope.RECEIVING, form="03", needs_note=True),
    Rule(Action.TRANSFER, frozenset({S.RECEIVED}), S.PROCESSING, _RECEIVER, Scope.RECEIVING),
    # The step's own role acts; the head of division assigns within the pool.
    Rule(
        Action.ASSIGN,
        frozenset({S.PROCESSING}),
        None,
        frozenset({Role.HEAD_OF_DIVISION, Role.SIGNING_LEADER}),
        Scope.STEP,
    ),
    Rule(Action.CLAIM, frozenset({S.PROCESSING}), None, _ANY_HANDLER, Scope.STEP),
    Rule(Action.FORWARD, frozenset({S.PROCESSING}), S.PROCESSING, _ANY_HANDLER, Scope.STEP),
    Rule(
        Action.SEND_BACK, frozenset({S.PROCESSING}), S.PROCESSING, _ANY_HANDLER, Scope.STEP, needs_note=True
    ),
    Rule(
        Action.REQUEST_SUPPLEMENT,
        frozenset({S.PROCESSING}),
        S.AWAITING_SUPPLEMENT,
        _ANY_HANDLER,
        Scope.STEP,
        form="02",
    ),
    Rule(
        Action.SUPPLEMENT,
        frozenset({S.AWAITING_SUPPLEMENT}),
        S.PROCESSING,
        _RECEIVER,
        Scope.RECEIVING,
        owner_may=True,
    ),
    Rule(Action.PAUSE, frozenset({S.PROCESSING}), S.PAUSED, _ANY_HANDLER, Scope.STEP, needs_note=True),
    Rule(Action.RESUME, frozenset({S.PAUSED}), S.PROCESSING, _ANY_HANDLER, Scope.STEP),
    Rule(
        Action.EXTEND,
        frozenset({S.PROCESSING}),
        S.PROCESSING,
        _LEADERS,
        Scope.STEP,
        form="04",
        needs_note=True,
    ),
    Rule(
        Action.APPROVE,
        frozenset({S.PROCESSING}),
        S.RESULT_READY,
        frozenset({Role.SIGNING_LEADER}),
        Scope.STEP,
    ),
    Rule(
        Action.DENY,
        frozenset({S.PROCESSING}),
        S.RESULT_READY,
        frozenset({Role.SIGNING_LEADER}),
        Scope.STEP,
        needs_note=True,
    ),
    Rule(Action.RETURN_RESULT, frozenset({S.RESULT_READY}), S.RETURNED, _RECEIVER, Scope.RECEIVING),
    Rule(Action.STOP, _STOPPABLE, S.STOPPED, _RECEIVER, Scope.RECEIVING, form="05", needs_note=True),
)

RULES: dict[Action, Rule] = {rule.action: rule for rule in TABLE}
# History lines written by their own services (services.dossier_event_record, explanations of lateness):
# they change no status, so they are not transitions.
RECORD_ONLY_ACTIONS = frozenset({Action.EXPLAIN, Action.RESULT_ATTACH, Action.POSTAL_PICKUP})
assert len(RULES) == len(TABLE), "one rule per action"


def rule_for(action: str) -> Rule | None:
    try:
        return RULES.get(Action(action))
    except ValueError:
        return None


def actions_from(status: str) -> list[Action]:
    return [rule.action for rule in TABLE if status in rule.sources]
