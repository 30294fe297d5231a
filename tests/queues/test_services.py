from datetime import timedelta

import pytest
import time_machine

from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.dossiers.services import dossier_intake
from motcua.queues.enums import PriorityReason, TicketAction, TicketSource, TicketStatus
from motcua.queues.models import Ticket, TicketEvent
from motcua.queues.selectors import queue_estimate, waiting_for_counter
from motcua.queues.services import (
    TRANSITIONS,
    ticket_call,
    ticket_call_next,
    ticket_finish,
    ticket_issue,
    ticket_issue_for_checkin,
    ticket_link_dossier,
    ticket_link_dossier_by_code,
    ticket_link_dossier_for_officer,
    ticket_no_show,
    ticket_recall,
    ticket_serve,
    ticket_transfer,
)
from tests.factories import dossier_world, intake_data
from tests.queues.helpers import NOW, queue_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    with time_machine.travel(NOW, tick=False):
        yield queue_setup(dossier_world())


def test_numbers_run_per_letter_and_day(w):
    a1 = ticket_issue(unit=w.centre, group=w.group_a)
    a2 = ticket_issue(unit=w.centre, group=w.group_a)
    b1 = ticket_issue(unit=w.centre, group=w.group_b)
    c1 = ticket_issue(unit=w.commune_centre, group=w.commune_group)
    assert [a1.number, a2.number, b1.number, c1.number] == ["A001", "A002", "B001", "A001"]
    assert a1.source == TicketSource.KIOSK and a1.status == TicketStatus.WAITING and not a1.is_priority
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert ticket_issue(unit=w.centre, group=w.group_a).number == "A001"
    assert TicketEvent.objects.filter(action=TicketAction.ISSUE).count() == 5


def test_issue_refuses_a_group_of_another_unit_and_closed_hours(w):
    with pytest.raises(ValidationFailed):
        ticket_issue(unit=w.centre, group=w.commune_group)
    with (
        time_machine.travel(NOW.replace(hour=17, minute=5), tick=False),
        pytest.raises(ValidationFailed) as e,
    ):
        ticket_issue(unit=w.centre, group=w.group_a)
    assert "hết giờ" in e.value.message
    with time_machine.travel(NOW + timedelta(days=5), tick=False), pytest.raises(ValidationFailed) as e:
        ticket_issue(unit=w.centre, group=w.group_a)  # Saturday
    assert "ngày nghỉ" in e.value.message
    assert Ticket.objects.count() == 0


def test_checkin_contract_priority_and_idempotent(w):
    walk_in = ticket_issue(unit=w.centre, group=w.group_a)
    booked = ticket_issue_for_checkin(unit=w.centre, holder_name="Trần Văn Bình", reference="LH-0001")
    assert booked.number == "A002"
    assert booked.is_priority and booked.priority_reason == PriorityReason.APPOINTMENT
    assert booked.source == TicketSource.APPOINTMENT and booked.holder_name == "Trần Văn Bình"
    assert ticket_issue_for_checkin(unit=w.centre, holder_name="Trần Văn Bình", reference="LH-0001") == booked
    by_code = ticket_issue_for_checkin(unit=w.centre, holder_name="X", reference="LH-0002", group_code="b")
    assert by_code.number == "B001"
    with pytest.raises(ValidationFailed):
        ticket_issue_for_checkin(unit=w.centre, holder_name="X", reference="LH-3", group_code="Z")
    # The booked number is called before the walk-in issued earlier.
    assert ticket_call_next(counter=w.counter1, officer=w.receiver) == booked
    ticket_serve(counter=w.counter1, officer=w.receiver)
    assert ticket_call_next(counter=w.counter1, officer=w.receiver) == walk_in


def test_priority_without_reason_and_estimate(w):
    t1 = ticket_issue(unit=w.centre, group=w.group_a)
    t2 = ticket_issue(unit=w.centre, group=w.group_a)
    elderly = ticket_issue(unit=w.centre, group=w.group_a, is_priority=True)
    assert elderly.priority_reason == PriorityReason.OTHER
    # Two counters, ten default minutes each: t2 has t1 and the priority number ahead.
    estimate = queue_estimate(ticket=t2)
    assert (estimate.people_ahead, estimate.counters, estimate.minutes) == (2, 2, 10)
    assert queue_estimate(ticket=elderly).people_ahead == 0
    assert t1.estimated_wait_minutes == 0 and t2.estimated_wait_minutes == 5


def test_counter_walk_call_recall_serve_finish(w):
    a1 = ticket_issue(unit=w.centre, group=w.group_a)
    b1 = ticket_issue(unit=w.centre, group=w.group_b)
    with pytest.raises(InvalidTransition):
        ticket_recall(counter=w.counter1, officer=w.receiver)
    called = ticket_call_next(counter=w.counter1, officer=w.receiver)
    assert called == a1 and called.status == TicketStatus.CALLED and called.counter == w.counter1
    assert called.called_at == NOW and called.call_count == 1
    # Counter 2 serves A too but nothing else waits in A; B is counter 3's.
    with pytest.raises(NotFound):
        ticket_call_next(counter=w.counter2, officer=w.receiver)
    with pytest.raises(InvalidTransition):
        ticket_call_next(counter=w.counter1, officer=w.receiver)  # still being called
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert ticket_recall(counter=w.counter1, officer=w.receiver).call_count == 2
    with time_machine.travel(NOW + timedelta(minutes=2), tick=False):
        ticket_serve(counter=w.counter1, officer=w.receiver)
    with time_machine.travel(NOW + timedelta(minutes=14), tick=False):
        done = ticket_finish(counter=w.counter1, officer=w.receiver)
    assert done.status == TicketStatus.DONE and (done.finished_at - done.served_at) == timedelta(minutes=12)
    assert ticket_call_next(counter=w.counter3, officer=w.receiver) == b1


def test_call_next_finishes_the_ticket_being_served(w):
    a1 = ticket_issue(unit=w.centre, group=w.group_a)
    a2 = ticket_issue(unit=w.centre, group=w.group_a)
    ticket_call_next(counter=w.counter1, officer=w.receiver)
    ticket_serve(counter=w.counter1, officer=w.receiver)
    assert ticket_call_next(counter=w.counter1, officer=w.receiver) == a2
    a1.refresh_from_db()
    assert a1.status == TicketStatus.DONE


def test_no_show_and_call_out_of_turn(w):
    a1 = ticket_issue(unit=w.centre, group=w.group_a)
    a2 = ticket_issue(unit=w.centre, group=w.group_a)
    assert ticket_call(counter=w.counter1, officer=w.receiver, ticket_id=a2.pk) == a2
    assert ticket_no_show(counter=w.counter1, officer=w.receiver).status == TicketStatus.NO_SHOW
    with pytest.raises(NotFound):
        ticket_call(counter=w.counter3, officer=w.receiver, ticket_id=a1.pk)  # not counter 3's line
    assert ticket_call_next(counter=w.counter2, officer=w.receiver) == a1


def test_transfer_to_group_or_counter_keeps_number_and_place(w):
    a1 = ticket_issue(unit=w.centre, group=w.group_a)
    b1 = ticket_issue(unit=w.centre, group=w.group_b)
    ticket_call_next(counter=w.counter1, officer=w.receiver)
    moved = ticket_transfer(counter=w.counter1, officer=w.receiver, group=w.group_b)
    assert (moved.number, moved.group, moved.status, moved.counter) == ("A001", w.group_b, "waiting", None)
    # Issued before B001, so it keeps its place at the head of B.
    assert list(waiting_for_counter(counter=w.counter3, day=NOW.date())) == [a1, b1]
    ticket_call_next(counter=w.counter3, officer=w.receiver)
    ticket_transfer(counter=w.counter3, officer=w.receiver, target_counter=w.counter2)
    assert list(waiting_for_counter(counter=w.counter1, day=NOW.date())) == []
    assert ticket_call_next(counter=w.counter2, officer=w.receiver) == a1
    with pytest.raises(ValidationFailed):
        ticket_transfer(counter=w.counter2, officer=w.receiver, target_counter=w.commune_counter)
    with pytest.raises(ValidationFailed):
        ticket_transfer(counter=w.counter2, officer=w.receiver)


@pytest.mark.parametrize("action", list(TRANSITIONS))
@pytest.mark.parametrize("status", list(TicketStatus.values))
def test_transition_table(w, action, status):
    """Every (state, action) pair: allowed ones change state, the others raise and change nothing."""
    from motcua.queues import services

    ticket = ticket_issue(unit=w.centre, group=w.group_a)
    Ticket.objects.filter(pk=ticket.pk).update(status=status)
    ticket.refresh_from_db()
    sources, target = TRANSITIONS[action]
    if status in sources:
        services._apply(ticket, action, at=NOW)
        assert ticket.status == target
    else:
        with pytest.raises(InvalidTransition):
            services._apply(ticket, action, at=NOW)


def test_link_dossier_by_hook_and_by_code(w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket_issue(unit=w.centre, group=w.group_a)
    assert (
        ticket_link_dossier_for_officer(
            officer=w.receiver, dossier=dossier_intake(data=intake_data(w), actor=w.receiver)
        )
        is None
    )
    ticket_call_next(counter=w.counter1, officer=w.receiver)
    ticket_serve(counter=w.counter1, officer=w.receiver)
    dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    linked = ticket_link_dossier_for_officer(officer=w.receiver, dossier=dossier)
    assert list(linked.dossiers.all()) == [dossier]
    other = dossier_intake(data=intake_data(w), actor=w.receiver)
    assert ticket_link_dossier_by_code(counter=w.counter1, officer=w.receiver, code=other.code) == linked
    assert set(linked.dossiers.all()) == {dossier, other}
    ticket_link_dossier(ticket=linked, dossier=other, actor=w.receiver)  # twice: once
    assert TicketEvent.objects.filter(action=TicketAction.LINK_DOSSIER).count() == 2
    with pytest.raises(ValidationFailed):
        ticket_link_dossier_by_code(counter=w.counter1, officer=w.receiver, code="H12.99-000000-9999")
    commune = dossier_intake(data=intake_data(w, receiving_unit=w.commune_centre), actor=w.commune_receiver)
    with pytest.raises(NotPermitted):
        ticket_link_dossier(ticket=linked, dossier=commune, actor=w.receiver)
