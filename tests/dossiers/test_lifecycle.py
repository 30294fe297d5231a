from datetime import datetime, timedelta

import pytest
import time_machine

from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.dossiers.enums import Action, Outcome, ReturnMode, Status, Timeliness
from motcua.dossiers.models import Dossier, DossierEvent, DossierPause
from motcua.dossiers.selectors import dossier_clock, dossier_get_for_staff, dossier_public_status, initials
from motcua.dossiers.services import dossier_intake, dossier_step_explain, dossier_transition
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world, intake_data

pytestmark = pytest.mark.django_db


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


@pytest.fixture
def w():
    return dossier_world()


def act(dossier, action, actor, **fields):
    return dossier_transition(dossier=dossier, action=action, actor=actor, **fields)


def test_counter_intake_issues_code_due_date_and_first_step(w):
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    assert dossier.status == Status.RECEIVED
    assert dossier.code == "H12.99-260213-0001"
    # Three working days from Friday 13 Feb 10:00 across Tết (16–20 Feb off).
    assert dossier.due_at == at(2026, 2, 25, 10, 0)
    assert dossier.original_due_at == dossier.due_at
    assert dossier.fee_amount == 10000
    assert dossier.current_step.name == "Tiếp nhận hồ sơ"
    assert dossier.current_step.unit == w.centre
    assert dossier.documents.count() == 1
    event = dossier.events.get()
    assert (event.action, event.from_status, event.to_status) == ("receive", "draft", "received")
    assert event.data["code"] == dossier.code
    with time_machine.travel(at(2026, 2, 13, 10, 5), tick=False):
        second = dossier_intake(data=intake_data(w), actor=w.receiver)
    assert second.code == "H12.99-260213-0002"
    # The applicant is reused by ID number.
    assert second.applicant_id == dossier.applicant_id


def test_full_inter_agency_flow_with_every_hand_over_recorded(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False) as clock:
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        dossier = act(dossier, Action.TRANSFER, w.receiver)
        assert dossier.status == Status.PROCESSING
        assert (dossier.current_step.name, dossier.current_step.unit) == ("Phân công xử lý", w.justice)
        dossier = act(dossier, Action.FORWARD, w.head, assignee=w.specialist2)
        assert dossier.current_step.name == "Thẩm định hồ sơ"
        assert dossier.current_step.assignee == w.specialist2
        with pytest.raises(NotPermitted):
            act(dossier, Action.FORWARD, w.specialist)  # assigned to someone else
        with pytest.raises(ValidationFailed):
            act(dossier, Action.ASSIGN, w.head, assignee=w.builder)  # not of this unit
        dossier = act(dossier, Action.ASSIGN, w.head, assignee=w.specialist)
        with pytest.raises(InvalidTransition):
            act(dossier, Action.CLAIM, w.specialist2)  # already taken
        clock.shift(timedelta(hours=2))
        dossier = act(dossier, Action.FORWARD, w.specialist)
        assert dossier.current_step.unit == w.construction  # liên thông
        with pytest.raises(NotPermitted):
            act(dossier, Action.FORWARD, w.specialist)  # not the Department of Construction
        dossier = act(dossier, Action.SEND_BACK, w.builder, note="Thiếu bản vẽ, đề nghị thẩm định lại")
        assert dossier.current_step.name == "Thẩm định hồ sơ"
        dossier = act(dossier, Action.FORWARD, w.specialist)
        dossier = act(dossier, Action.FORWARD, w.builder)
        assert dossier.current_step.name == "Ký duyệt"
        with pytest.raises(InvalidTransition):
            act(dossier, Action.FORWARD, w.leader)
        dossier = act(dossier, Action.APPROVE, w.leader)
        assert dossier.status == Status.RESULT_READY
        assert dossier.outcome == Outcome.APPROVED
        assert dossier.timeliness == Timeliness.EARLY
        assert dossier.current_step.name == "Trả kết quả"
        dossier = act(dossier, Action.RETURN_RESULT, w.receiver)
    assert dossier.status == Status.RETURNED
    assert dossier.current_step is None
    assert list(dossier.events.values_list("action", flat=True)) == [
        "receive",
        "transfer",
        "forward",
        "assign",
        "forward",
        "send_back",
        "forward",
        "forward",
        "approve",
        "return_result",
    ]
    assert list(dossier.events.values_list("seq", flat=True)) == list(range(1, 11))
    assert dossier.steps.filter(finished_at__isnull=True).count() == 0
    assert [s.unit.agency_code for s in dossier.steps.order_by("id")] == [
        "H12.99",
        "H12.04",
        "H12.04",
        "H12.06",
        "H12.04",
        "H12.06",
        "H12.04",
        "H12.99",
    ]


def test_same_day_procedure_four_on_the_spot_and_1500_rule(w):
    from tests.factories import StaffRoleFactory

    for role in ("specialist", "signing_leader"):
        StaffRoleFactory(user=w.receiver, unit=w.centre, role=role)
    data = intake_data(w, procedure_version=w.same_day)
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        dossier = dossier_intake(data=data, actor=w.receiver)
        assert dossier.due_at == at(2026, 3, 2, 17, 0)
        dossier = act(dossier, Action.TRANSFER, w.receiver)
        dossier = act(dossier, Action.APPROVE, w.receiver)
        dossier = act(dossier, Action.RETURN_RESULT, w.receiver)
    assert dossier.status == Status.RETURNED
    assert dossier.timeliness == Timeliness.ON_TIME
    with time_machine.travel(at(2026, 3, 2, 15, 20), tick=False):
        late = dossier_intake(data=data, actor=w.receiver)
    assert late.due_at == at(2026, 3, 3, 17, 0)


def test_supplement_pauses_the_clock_once(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False) as clock:
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        due = dossier.due_at
        assert due == at(2026, 3, 5, 8, 0)
        dossier = act(dossier, Action.TRANSFER, w.receiver)
        dossier = act(dossier, Action.FORWARD, w.head)
        with pytest.raises(ValidationFailed):
            act(dossier, Action.REQUEST_SUPPLEMENT, w.specialist, missing_items=[])
        dossier = act(
            dossier,
            Action.REQUEST_SUPPLEMENT,
            w.specialist,
            missing_items=["Bản sao Giấy khai sinh", "Xác nhận nơi cư trú"],
        )
        assert dossier.status == Status.AWAITING_SUPPLEMENT
        assert dossier_clock(dossier).is_running is False
        clock.move_to(at(2026, 3, 4, 8, 0))  # two working days later
        assert dossier_clock(dossier).is_overdue is False
        dossier = act(dossier, Action.SUPPLEMENT, w.receiver)
        assert dossier.status == Status.PROCESSING
        assert dossier.due_at == at(2026, 3, 9, 8, 0)
        assert dossier.original_due_at == at(2026, 3, 9, 8, 0)
        pause = DossierPause.objects.get(dossier=dossier)
        assert float(pause.working_hours) == pytest.approx(16)
        with pytest.raises(InvalidTransition):
            act(dossier, Action.REQUEST_SUPPLEMENT, w.specialist, missing_items=["Lần hai"])
    assert DossierEvent.objects.get(dossier=dossier, action="request_supplement").data["missing_items"] == [
        "Bản sao Giấy khai sinh",
        "Xác nhận nơi cư trú",
    ]


def test_extension_once_one_working_day_before_due_and_original_date_decides(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False) as clock:
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        dossier = act(dossier, Action.TRANSFER, w.receiver)
        with pytest.raises(ValidationFailed):
            act(dossier, Action.EXTEND, w.leader, new_due_at=at(2026, 3, 10, 8, 0))  # no reason
        with pytest.raises(NotPermitted):
            act(dossier, Action.EXTEND, w.specialist, note="Cần xác minh", new_due_at=at(2026, 3, 10, 8, 0))
        dossier = act(
            dossier,
            Action.EXTEND,
            w.leader,
            note="Cần xác minh tại nơi cư trú trước đây",
            new_due_at=at(2026, 3, 10, 8, 0),
        )
        assert dossier.due_at == at(2026, 3, 10, 8, 0)
        assert dossier.original_due_at == at(2026, 3, 5, 8, 0)
        with pytest.raises(InvalidTransition):
            act(dossier, Action.EXTEND, w.leader, note="Lần hai", new_due_at=at(2026, 3, 12, 8, 0))
        for actor in (w.head, w.specialist, w.builder):
            dossier = act(dossier, Action.FORWARD, actor)
        clock.move_to(at(2026, 3, 9, 9, 0))
        dossier = act(dossier, Action.APPROVE, w.leader)
    assert dossier.timeliness == Timeliness.LATE


def test_extension_refused_less_than_one_working_day_before_due(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False) as clock:
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        dossier = act(dossier, Action.TRANSFER, w.receiver)
        clock.move_to(at(2026, 3, 4, 9, 0))  # due 5 Mar 08:00: only 7 working hours left
        with pytest.raises(InvalidTransition, match="01 ngày làm việc"):
            act(dossier, Action.EXTEND, w.leader, note="Trễ", new_due_at=at(2026, 3, 10, 8, 0))


def test_late_step_asks_for_an_explanation(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False) as clock:
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        dossier = act(dossier, Action.TRANSFER, w.receiver)
        clock.move_to(at(2026, 3, 3, 8, 0))  # the 2-hour assignment step took a day
        dossier = act(dossier, Action.FORWARD, w.head)
        late_step = dossier.steps.get(name="Phân công xử lý")
        assert late_step.timeliness == Timeliness.LATE
        assert late_step.needs_explanation
        assert dossier.events.last().data["late_step"] == late_step.pk
        with pytest.raises(NotPermitted):
            dossier_step_explain(dossier=dossier, step_id=late_step.pk, actor=w.builder, explanation="x")
        dossier_step_explain(
            dossier=dossier,
            step_id=late_step.pk,
            actor=w.head,
            explanation="Lãnh đạo phòng đi công tác, phân công chậm.",
        )
    late_step.refresh_from_db()
    assert not late_step.needs_explanation
    assert dossier.events.last().action == "explain"


def test_stop_only_before_a_result_and_with_reason(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        with pytest.raises(ValidationFailed):
            act(dossier, Action.STOP, w.receiver)
        stopped = act(dossier, Action.STOP, w.receiver, note="Công dân xin rút hồ sơ")
        assert stopped.status == Status.STOPPED
        assert stopped.steps.filter(finished_at__isnull=True).count() == 0


def test_counter_return_for_completion_and_refusal_issue_no_code(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        with pytest.raises(ValidationFailed):
            dossier_intake(data=intake_data(w), actor=w.receiver, action=Action.RETURN_FOR_COMPLETION)
        assert Dossier.objects.count() == 0  # nothing half-written
        incomplete = dossier_intake(
            data=intake_data(w),
            actor=w.receiver,
            action=Action.RETURN_FOR_COMPLETION,
            missing_items=["Tờ khai có chữ ký"],
        )
        refused = dossier_intake(
            data=intake_data(w),
            actor=w.receiver,
            action=Action.REFUSE,
            note="Không thuộc thẩm quyền giải quyết",
        )
    assert (incomplete.status, incomplete.code) == (Status.INCOMPLETE, None)
    assert (refused.status, refused.code) == (Status.REFUSED, None)
    assert dossier_get_for_staff(user=w.receiver, reference=incomplete.reference) == incomplete


def test_intake_validation_is_clear_and_writes_nothing(w):
    bad = intake_data(w, return_mode=ReturnMode.POSTAL, return_address="")
    bad.applicant.name = " "
    bad.applicant.phone = "12"
    with pytest.raises(ValidationFailed) as error:
        dossier_intake(data=bad, actor=w.receiver)
    assert set(error.value.details) == {"applicant.name", "applicant.phone", "return_address"}
    assert Dossier.objects.count() == 0
    with pytest.raises(NotPermitted):
        dossier_intake(data=intake_data(w), actor=w.commune_receiver)  # not their centre
    assert Dossier.objects.count() == 0


def test_staff_scope_and_public_status(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    assert dossier_get_for_staff(user=w.supervisor, reference=dossier.code) == dossier
    assert dossier_get_for_staff(user=w.head, reference=dossier.code) == dossier  # competent department
    from motcua.core.exceptions import NotFound

    for outsider in (w.commune_receiver, w.citizen):
        with pytest.raises(NotFound):
            dossier_get_for_staff(user=outsider, reference=dossier.code)
    found = dossier_public_status(code=dossier.code.lower(), phone_last4="5678")
    assert found == dossier
    for code, phone in ((dossier.code, "1111"), ("H12.99-260302-9999", "5678"), ("x", "5678")):
        with pytest.raises(NotFound) as error:
            dossier_public_status(code=code, phone_last4=phone)
        assert error.value.message == "Không tìm thấy hồ sơ với mã và số điện thoại đã nhập."
    assert initials("Nguyễn Thị Hoa") == "N. T. H."


def test_overdue_is_derived_from_the_clock(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False) as clock:
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
        assert dossier_clock(dossier).remaining_hours == pytest.approx(24)
        clock.move_to(at(2026, 3, 5, 10, 0))
        state = dossier_clock(dossier)
        assert state.is_overdue and state.remaining_hours == pytest.approx(-2)


def test_search_by_name_with_or_without_diacritics_phone_and_id(w):
    from motcua.dossiers.selectors import dossier_search

    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    for q in ("Nguyễn Thị Hoa", "nguyen thi hoa", "HOA", "5678", "096123456789", dossier.code):
        assert list(dossier_search(user=w.receiver, q=q)) == [dossier], q
    assert list(dossier_search(user=w.commune_receiver, q="hoa")) == []


def test_counter_intake_refused_for_an_online_only_procedure(w):
    w.version.is_counter_intake_allowed = False
    w.version.save()
    with pytest.raises(ValidationFailed) as error:
        dossier_intake(data=intake_data(w), actor=w.receiver)
    assert "channel" in error.value.details


def test_officers_wait_until_an_online_draft_is_submitted(w):
    from motcua.dossiers.enums import Channel
    from motcua.dossiers.services import dossier_create

    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        draft = dossier_create(data=intake_data(w, channel=Channel.ONLINE), actor=w.citizen, owner=w.citizen)
        with pytest.raises(InvalidTransition):
            act(draft, Action.RECEIVE, w.receiver)
        with pytest.raises(NotPermitted):
            act(draft, Action.SUBMIT, w.other_citizen)
        submitted = act(draft, Action.SUBMIT, w.citizen)
        received = act(submitted, Action.RECEIVE, w.receiver)
    assert received.status == Status.RECEIVED and received.code


def test_a_commune_centre_receives_for_its_own_commune_by_default(w):
    from tests.factories import UnitFactory

    commune = UnitFactory(
        agency_code="H12.51", kind="commune", parent=w.province, name="UBND phường Tân Thành"
    )
    w.commune_centre.parent = commune
    w.commune_centre.save()
    w.version.competent_units.add(commune)  # now two competent units: the justice department and the commune
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        at_commune = dossier_intake(
            data=intake_data(w, receiving_unit=w.commune_centre), actor=w.commune_receiver
        )
        with pytest.raises(ValidationFailed) as error:
            dossier_intake(data=intake_data(w), actor=w.receiver)  # the provincial centre must choose
    assert at_commune.competent_unit == commune
    assert "competent_unit" in error.value.details
