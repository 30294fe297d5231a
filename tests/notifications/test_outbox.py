"""The outbox is written in the transaction of the dossier change it reports: exactly the expected rows, and
none for a change that rolls back."""

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.core.exceptions import ValidationFailed
from motcua.dossiers.enums import Action
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import dossier_create, dossier_intake
from motcua.notifications.models import Message, MessageStatus
from motcua.notifications.services import message_enqueue, outbox_write_for_dossier_change
from tests.factories import intake_data
from tests.notifications.helpers import EMAIL, PHONE, act, applicant, at, receive

pytestmark = pytest.mark.django_db


def rows(dossier):
    return sorted(
        Message.objects.filter(dossier=dossier).values_list("event", "channel", "recipient", "attachment"),
    )


def test_reception_writes_one_email_with_form01_and_one_sms(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        dossier = receive(w)
    assert rows(dossier) == [
        ("received", "email", EMAIL, "form01"),
        ("received", "sms", PHONE, ""),
    ]
    email = Message.objects.get(dossier=dossier, channel="email")
    assert email.subject == "Hồ sơ H12.99-260302-0001 đã được tiếp nhận"
    assert email.status == MessageStatus.PENDING
    assert email.next_attempt_at == at(2026, 3, 2, 8, 0)
    assert email.user is None  # a counter dossier has no owner account
    event = dossier.events.get()
    assert email.dedupe_key == f"dossier-event:{event.pk}:email"


def test_each_applicant_facing_action_writes_its_messages_and_internal_steps_write_none(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False) as clock:
        dossier = receive(w, applicant=applicant(email=""))  # SMS only
        dossier = act(dossier, Action.TRANSFER, w.receiver)
        dossier = act(dossier, Action.FORWARD, w.head)
        dossier = act(
            dossier, Action.REQUEST_SUPPLEMENT, w.specialist, missing_items=["Bản sao Giấy khai sinh"]
        )
        dossier = act(dossier, Action.SUPPLEMENT, w.receiver)
        dossier = act(dossier, Action.EXTEND, w.leader, note="Cần xác minh", new_due_at=at(2026, 3, 12, 8, 0))
        for actor in (w.specialist, w.builder):
            dossier = act(dossier, Action.FORWARD, actor)
        clock.move_to(at(2026, 3, 9, 9, 0))
        dossier = act(dossier, Action.APPROVE, w.leader)
        dossier = act(dossier, Action.RETURN_RESULT, w.receiver)
    assert list(Message.objects.filter(dossier=dossier).order_by("id").values_list("event", "channel")) == [
        ("received", "sms"),
        ("supplement_requested", "sms"),
        ("extended", "sms"),
        ("result_ready", "sms"),
        ("returned", "sms"),
    ]


def test_pre_reception_outcomes_and_stop_are_reported(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        incomplete = dossier_intake(
            data=intake_data(w, applicant=applicant()),
            actor=w.receiver,
            action=Action.RETURN_FOR_COMPLETION,
            missing_items=["Tờ khai có chữ ký"],
        )
        refused = dossier_intake(
            data=intake_data(w, applicant=applicant()),
            actor=w.receiver,
            action=Action.REFUSE,
            note="Sai thẩm quyền",
        )
        stopped = act(receive(w), Action.STOP, w.receiver, note="Công dân xin rút hồ sơ")
    assert [e for e, _c, _r, _a in rows(incomplete)] == ["returned_for_completion"] * 2
    assert [e for e, _c, _r, _a in rows(refused)] == ["refused"] * 2
    assert [e for e, _c, _r, _a in rows(stopped)] == ["received", "received", "stopped", "stopped"]


def test_a_rolled_back_change_writes_no_message(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        with pytest.raises(RuntimeError), transaction.atomic():
            receive(w)
            assert Message.objects.count() == 2  # written inside the transaction…
            raise RuntimeError("the request failed after the change")
        assert Message.objects.count() == 0  # …and gone with it
        dossier = receive(w)
        before = Message.objects.count()
        dossier = act(dossier, Action.TRANSFER, w.receiver)
        dossier = act(dossier, Action.FORWARD, w.head)
        with pytest.raises(ValidationFailed):
            act(dossier, Action.REQUEST_SUPPLEMENT, w.specialist, missing_items=[])
    assert Message.objects.count() == before
    assert not DossierEvent.objects.filter(action="request_supplement").exists()


def test_a_failing_outbox_write_rolls_the_change_back(w, monkeypatch):
    # The other half of "same transaction": a change never commits without its message.
    def broken(*args, **kwargs):
        raise RuntimeError("template missing")

    monkeypatch.setattr("motcua.notifications.services.render_to_string", broken)
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False), pytest.raises(RuntimeError):
        receive(w)
    assert not DossierEvent.objects.exists()
    assert Message.objects.count() == 0


def test_writing_twice_for_the_same_event_keeps_one_message_per_channel(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        dossier = receive(w)
    event = dossier.events.get()
    outbox_write_for_dossier_change(dossier=dossier, event=event)
    assert Message.objects.filter(dossier=dossier).count() == 2
    with CaptureQueriesContext(connection) as queries:
        again = message_enqueue(
            event="received",
            channel="sms",
            recipient=PHONE,
            context={"dossier": dossier, "event": event, "data": {}},
            dedupe_key=f"dossier-event:{event.pk}:sms",
        )
    assert again is None
    # One statement, no savepoint (each was a round trip), and the transaction goes on unharmed.
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
    assert Message.objects.filter(dossier=dossier).count() == 2


def test_no_contact_details_no_message(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        dossier = receive(w, applicant=applicant(email="", phone=""))
    assert dossier.events.count() == 1
    assert Message.objects.count() == 0


def test_the_owner_account_is_linked_for_the_citizen_page(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        draft = dossier_create(
            data=intake_data(w, applicant=applicant(), channel="online"), actor=w.citizen, owner=w.citizen
        )
        draft = act(draft, Action.SUBMIT, w.citizen)
        act(draft, Action.RECEIVE, w.receiver)
    assert set(Message.objects.values_list("user", flat=True)) == {w.citizen.pk}
