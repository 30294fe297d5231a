"""Every (state, action) pair: allowed pairs go through, forbidden pairs are refused with InvalidTransition
and change nothing."""

from datetime import datetime

import pytest
import time_machine

from motcua.core.exceptions import InvalidTransition
from motcua.dossiers.enums import Action, Status
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_create, dossier_intake, dossier_transition
from motcua.dossiers.transitions import RECORD_ONLY_ACTIONS, RULES, TABLE
from motcua.org.enums import Role
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import StaffRoleFactory, dossier_world, intake_data

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)
DUE_LATER = datetime(2026, 3, 12, 8, 0, tzinfo=LOCAL_TZ)

# What each action needs besides its state, so that an allowed pair succeeds.
FIELDS = {
    Action.RETURN_FOR_COMPLETION: {"missing_items": ["Tờ khai"]},
    Action.REQUEST_SUPPLEMENT: {"missing_items": ["Bản sao giấy tờ"]},
    Action.EXTEND: {"new_due_at": DUE_LATER},
    Action.SEND_BACK: {"to_step": 2},
}


def _superuser_world():
    w = dossier_world()
    for unit in (w.centre, w.justice, w.construction):
        for role in Role:
            if not (unit == w.centre and role == Role.RECEIVING_OFFICER):
                StaffRoleFactory(user=w.receiver, unit=unit, role=role)
    if hasattr(w.receiver, "_motcua_roles"):
        del w.receiver._motcua_roles  # roles changed: drop the per-request cache
    w.fields = {**FIELDS, Action.ASSIGN: {"assignee": w.receiver}}
    return w


def _act(w, dossier, action):
    return dossier_transition(
        dossier=dossier, action=action, actor=w.receiver, note="Lý do", **w.fields.get(action, {})
    )


def _in_state(w, status: Status) -> Dossier:
    """Reach `status` through the real services."""
    data = intake_data(w)
    if status == Status.DRAFT:
        return dossier_create(data=data, actor=w.receiver, owner=w.receiver)
    if status in (Status.SUBMITTED, Status.INCOMPLETE, Status.REFUSED):
        dossier = dossier_create(data=data, actor=w.receiver, owner=w.receiver)
        if status == Status.SUBMITTED:
            return _act(w, dossier, Action.SUBMIT)
        return _act(
            w, dossier, Action.RETURN_FOR_COMPLETION if status == Status.INCOMPLETE else Action.REFUSE
        )
    dossier = dossier_intake(data=data, actor=w.receiver)
    if status == Status.RECEIVED:
        return dossier
    if status == Status.STOPPED:
        return _act(w, dossier, Action.STOP)
    dossier = _act(w, dossier, Action.TRANSFER)
    dossier = _act(w, dossier, Action.FORWARD)  # to the appraisal step, so send_back has somewhere to go
    if status == Status.PROCESSING:
        return dossier
    if status == Status.AWAITING_SUPPLEMENT:
        return _act(w, dossier, Action.REQUEST_SUPPLEMENT)
    if status == Status.PAUSED:
        return _act(w, dossier, Action.PAUSE)
    dossier = _act(w, dossier, Action.APPROVE)
    if status == Status.RESULT_READY:
        return dossier
    assert status == Status.RETURNED
    return _act(w, dossier, Action.RETURN_RESULT)


PAIRS = [(status, rule.action) for status in Status for rule in TABLE]


@pytest.mark.parametrize(("status", "action"), PAIRS, ids=[f"{s.value}-{a.value}" for s, a in PAIRS])
def test_transition_pair(status, action):
    with time_machine.travel(NOW, tick=False):
        w = _superuser_world()
        dossier = _in_state(w, status)
        assert dossier.status == status
        rule = RULES[action]
        events_before = dossier.events.count()
        if status in rule.sources:
            result = _act(w, dossier, action)
            expected = rule.target if rule.target is not None else status
            assert result.status == expected
            assert result.events.count() == events_before + 1
            assert result.events.order_by("-seq").first().action == action
        else:
            with pytest.raises(InvalidTransition):
                _act(w, dossier, action)
            dossier.refresh_from_db()
            assert dossier.status == status
            assert dossier.events.count() == events_before


def test_every_state_and_action_is_in_the_table():
    assert {rule.action for rule in TABLE} == set(Action) - RECORD_ONLY_ACTIONS
    reachable = {rule.target for rule in TABLE if rule.target} | {Status.DRAFT}
    assert reachable == set(Status)
