import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.notifications.models import Message
from motcua.petitions.enums import Action, Privacy, Satisfaction, Status, SubjectKind
from motcua.petitions.models import Petition, PetitionEvent
from motcua.petitions.services import TRANSITIONS, petition_rate, petition_transition
from tests.factories import dossier_world, intake_data
from tests.petitions.helpers import answered, assigned, at, petition_data, submitted

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def w():
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        return dossier_world()


def test_submission_gets_a_daily_code_a_ten_working_day_due_date_and_notifies(w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        first = submitted(w, when=at(2026, 3, 2, 9, 0))
        second = submitted(w, when=at(2026, 3, 2, 9, 5))
    assert (first.code, second.code) == ("PA-260302-0001", "PA-260302-0002")
    assert first.status == Status.RECEIVED
    assert first.receiving_unit == w.centre
    assert first.petitioner_phone == "0912345678"
    # 10 working days from Monday 2 March 09:00 on the centre's calendar: Monday 16 March 09:00.
    assert first.due_at == at(2026, 3, 16, 9, 0) == first.original_due_at
    events = {
        (m.event, m.channel, m.recipient)
        for m in Message.objects.filter(dedupe_key__contains=f":{first.pk}:")
    }
    assert events == {
        ("petition_received", "email", "binh@example.com"),
        ("petition_received", "sms", "0912345678"),
    }
    assert [e.action for e in first.events.all()] == [Action.SUBMIT]


def test_invalid_submission_writes_nothing_and_names_each_field(w):
    data = petition_data(
        subject_kind=SubjectKind.LOCATION,
        title="",
        petitioner_phone="12",
        petitioner_email="khong-hop-le",
        latitude="95",
        longitude="105",
        attachments=[SimpleUploadedFile("a.png", b"MZ not an image", "image/png")],
    )
    with pytest.raises(ValidationFailed) as error:
        from motcua.petitions.services import petition_submit

        petition_submit(data=data)
    assert set(error.value.details) == {
        "title",
        "petitioner_phone",
        "petitioner_email",
        "latitude",
        "location_address",  # no usable coordinates and no address
        "attachments",
    }
    assert Petition.objects.count() == 0 and Message.objects.count() == 0


def test_a_dossier_is_linked_only_with_its_phone_digits_or_by_its_owner(w):
    from motcua.dossiers.services import dossier_intake

    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        with pytest.raises(ValidationFailed) as error:
            submitted(
                w,
                when=at(2026, 3, 2, 9, 0),
                subject_kind=SubjectKind.DOSSIER,
                dossier_code=dossier.code,
                petitioner_phone="0987000111",
            )
        assert "dossier_code" in error.value.details
        petition = submitted(
            w,
            when=at(2026, 3, 2, 9, 0),
            subject_kind=SubjectKind.DOSSIER,
            dossier_code=dossier.code,
            petitioner_phone=dossier.applicant_phone,
        )
    assert petition.dossier == dossier
    assert petition.procedure == w.version.procedure


def test_attachments_are_checked_by_content_and_renamed(w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        petition = submitted(
            w,
            when=at(2026, 3, 2, 9, 0),
            attachments=[SimpleUploadedFile("CCCD Trần Bình.png", PNG, "text/plain")],
        )
    attachment = petition.attachments.get()
    assert attachment.content_type == "image/png"
    assert "Bình" not in attachment.file.name and attachment.file.name.endswith(".png")


def test_assignment_recomputes_the_due_date_on_the_unit_calendar_and_the_unit_answers(w):
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):
        petition = answered(w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 4, 10, 0), publish=True)
    assert petition.status == Status.ANSWERED
    assert petition.unit == w.division and petition.answered_by == w.head
    assert petition.is_published and petition.public_description
    assert Message.objects.filter(event="petition_answered").count() == 2
    body = Message.objects.get(event="petition_answered", channel="email").body
    assert "/phan-anh/danh-gia/" in body


def test_only_the_right_people_act(w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        petition = submitted(w, when=at(2026, 3, 2, 9, 0))
        for actor in (w.commune_receiver, w.head, w.citizen, None):
            with pytest.raises(NotPermitted):
                petition_transition(petition=petition, action=Action.ASSIGN, actor=actor, unit=w.division)
        petition = petition_transition(
            petition=petition, action=Action.ASSIGN, actor=w.receiver, unit=w.division
        )
        with pytest.raises(NotPermitted):  # another unit's specialist
            petition_transition(petition=petition, action=Action.ANSWER, actor=w.builder, answer="x")
        with pytest.raises(InvalidTransition):
            petition_transition(petition=petition, action=Action.RATE, as_petitioner=True, rating="satisfied")
    assert PetitionEvent.objects.filter(petition=petition).count() == 2


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", [a for a in Action.values if a != Action.SUBMIT])
def test_the_transition_table_is_the_only_way(w, status, action):
    """Every (status, action) pair: allowed ones go through the table, others are refused as invalid."""
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        petition = submitted(w, when=at(2026, 3, 2, 9, 0))
        Petition.objects.filter(pk=petition.pk).update(status=status, unit=w.division)
        petition.refresh_from_db()
        if (status, action) not in TRANSITIONS:
            with pytest.raises(InvalidTransition):
                petition_transition(petition=petition, action=action, actor=w.receiver, as_petitioner=True)
        else:
            assert TRANSITIONS[(status, action)][1]


def test_extension_once_with_reason_before_the_due_date_and_notified(w):
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        petition = assigned(w, when=at(2026, 3, 2, 9, 0))
        with pytest.raises(ValidationFailed):
            petition_transition(
                petition=petition, action=Action.EXTEND, actor=w.head, reason="", new_due=None
            )
        with pytest.raises(ValidationFailed):  # more than 10 working days more
            petition_transition(
                petition=petition,
                action=Action.EXTEND,
                actor=w.head,
                reason="Cần xác minh",
                new_due=at(2026, 4, 30, 17, 0),
            )
        petition = petition_transition(
            petition=petition,
            action=Action.EXTEND,
            actor=w.head,
            reason="Cần xác minh tại Sở Xây dựng",
            new_due=at(2026, 3, 20, 17, 0),
        )
        with pytest.raises(InvalidTransition):
            petition_transition(petition=petition, action=Action.EXTEND, actor=w.head, reason="lần hai")
    assert petition.status == Status.EXTENDED
    assert petition.due_at == at(2026, 3, 20, 17, 0)
    assert petition.original_due_at == at(2026, 3, 16, 9, 0)
    assert Message.objects.filter(event="petition_extended").count() == 2


def test_the_petitioner_rates_once_and_that_closes_the_petition(w):
    with time_machine.travel(at(2026, 3, 5, 9, 0), tick=False):
        petition = answered(w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 4, 10, 0))
        petition = petition_rate(petition=petition, rating=Satisfaction.SATISFIED, comment="Cảm ơn")
        with pytest.raises(InvalidTransition):
            petition_rate(petition=petition, rating=Satisfaction.NOT_SATISFIED)
    assert (petition.status, petition.rating) == (Status.CLOSED, Satisfaction.SATISFIED)


def test_a_private_petition_is_never_published(w):
    with time_machine.travel(at(2026, 3, 4, 10, 0), tick=False):
        petition = answered(
            w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 4, 10, 0), privacy=Privacy.PRIVATE
        )
        with pytest.raises(InvalidTransition):
            petition_transition(
                petition=petition, action=Action.PUBLISH, actor=w.receiver, public_description="x"
            )
    petition.refresh_from_db()
    assert not petition.is_published


def test_rejection_needs_a_reason_and_tells_the_petitioner(w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        petition = submitted(w, when=at(2026, 3, 2, 9, 0))
        with pytest.raises(ValidationFailed):
            petition_transition(petition=petition, action=Action.REJECT, actor=w.receiver, reason=" ")
        petition = petition_transition(
            petition=petition,
            action=Action.REJECT,
            actor=w.receiver,
            reason="Nội dung là khiếu nại về đất đai.",
        )
    assert petition.status == Status.REJECTED
    assert Message.objects.filter(event="petition_rejected").count() == 2


def test_every_petition_sms_fits_one_segment(w):
    with time_machine.travel(at(2026, 3, 10, 9, 0), tick=False):
        petition = assigned(w, when=at(2026, 3, 2, 9, 0))
        petition_transition(
            petition=petition,
            action=Action.EXTEND,
            actor=w.head,
            reason="Cần xác minh",
            new_due=at(2026, 3, 20, 17, 0),
        )
        petition_transition(petition=petition, action=Action.ANSWER, actor=w.head, answer="Đã xử lý.")
        other = submitted(w, when=at(2026, 3, 10, 9, 0), petitioner_email="")
        petition_transition(petition=other, action=Action.REJECT, actor=w.receiver, reason="Ngoài phạm vi")
    sms = Message.objects.filter(channel="sms", event__startswith="petition_")
    assert {m.event for m in sms} == {
        "petition_received",
        "petition_extended",
        "petition_answered",
        "petition_rejected",
    }
    for message in sms:
        assert len(message.body) <= 160, (message.event, message.body)
        assert message.body.isascii(), message.body


def test_766_group_f_counts_petitions_on_time_and_satisfied(w):
    from datetime import date

    from motcua.reports.index766 import State, index766

    march = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
    with time_machine.travel(at(2026, 3, 31, 12, 0), tick=False):
        before = {r.indicator.code: r for g in index766(**march).groups for r in g.indicators}
        assert before["PETITION_PROCESSING_ON_TIME"].state == State.NOT_COMPUTED  # no petition data at all
        # On time and rated satisfied; answered late (original due 16 March); still open and overdue;
        # on time but rated not satisfied; rejected (out of scope, not counted).
        good = answered(w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 4, 10, 0))
        petition_rate(petition=good, rating=Satisfaction.SATISFIED, at=at(2026, 3, 5, 9, 0))
        answered(w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 20, 10, 0))
        assigned(w, when=at(2026, 3, 3, 9, 0))
        unhappy = answered(w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 4, 10, 0))
        petition_rate(petition=unhappy, rating=Satisfaction.NOT_SATISFIED, at=at(2026, 3, 5, 9, 0))
        rejected = submitted(w, when=at(2026, 3, 2, 9, 0))
        petition_transition(petition=rejected, action=Action.REJECT, actor=w.receiver, reason="Khiếu nại")
        results = {r.indicator.code: r for g in index766(**march).groups for r in g.indicators}
        on_time = results["PETITION_PROCESSING_ON_TIME"]
        assert (on_time.state, on_time.numerator, on_time.denominator, on_time.points) == (
            "computed",
            2,
            4,
            3.0,
        )
        satisfied = results["PETITION_HANDLING_SATISFACTION"]
        assert (satisfied.numerator, satisfied.denominator, satisfied.points) == (1, 4, 1.5)
        # A unit without petitions in the period gets the full 6 points for timeliness (legal-spec §3.2 F).
        empty = index766(**march, unit=w.commune_centre)
        empty_results = {r.indicator.code: r for g in empty.groups for r in g.indicators}
        assert empty_results["PETITION_PROCESSING_ON_TIME"].points == 6
        assert empty_results["PETITION_HANDLING_SATISFACTION"].state == State.NO_DATA
