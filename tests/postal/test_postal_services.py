import json
from datetime import date, timedelta

import pytest
from django.db import transaction

from motcua.core.exceptions import InvalidTransition, NotPermitted, ValidationFailed
from motcua.dossiers.enums import Action, Channel, ReturnMode, Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.postal import (
    PICKUP_ACTION,
    DeliveryRequest,
    ManualPostalAdapter,
    PickupRequest,
    PostalParty,
    PostalUnavailable,
    postal_adapter,
    postal_intake,
    postal_pickup_request,
    postal_pickups,
    postal_result_return,
)
from motcua.dossiers.services import ApplicantData, dossier_transition
from motcua.notifications.models import Message
from tests.factories import intake_data
from tests.postal.helpers import HOME, online_draft, received, result_ready

pytestmark = pytest.mark.django_db


# --- intake by post -----------------------------------------------------------------------------------------
def test_postal_intake_records_the_item_code_and_posting_date(w):
    data = intake_data(w, postal_item_code=" ee 123456789 vn ", postal_posted_on=date(2026, 2, 27))
    dossier = postal_intake(data=data, actor=w.receiver)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.channel) == (Status.RECEIVED, Channel.POSTAL)
    assert (dossier.postal_item_code, dossier.postal_posted_on) == ("EE123456789VN", date(2026, 2, 27))
    assert dossier.code == "H12.99-260302-0001"


def test_postal_intake_needs_both_postal_fields_and_reports_every_problem_at_once(w):
    data = intake_data(w, applicant=ApplicantData(name=" ", phone="0912345678"))
    with pytest.raises(ValidationFailed) as error:
        postal_intake(data=data, actor=w.receiver)
    assert set(error.value.details) == {"applicant.name", "postal_item_code", "postal_posted_on"}
    assert Dossier.objects.count() == 0


def test_postal_intake_refuses_a_posting_date_in_the_future_and_a_malformed_code(w):
    data = intake_data(w, postal_item_code="EE/12", postal_posted_on=date(2026, 3, 3))
    with pytest.raises(ValidationFailed) as error:
        postal_intake(data=data, actor=w.receiver, action=Action.RETURN_FOR_COMPLETION)
    assert error.value.details == {
        "postal_item_code": "Số hiệu bưu gửi gồm 4–40 chữ cái không dấu và chữ số.",
        "postal_posted_on": "Ngày gửi qua bưu chính không được sau ngày hôm nay.",
    }
    assert Dossier.objects.count() == 0


def test_postal_intake_can_return_for_completion_like_the_counter(w):
    data = intake_data(w, postal_item_code="EE123456789VN", postal_posted_on=date(2026, 3, 2))
    dossier = postal_intake(
        data=data, actor=w.receiver, action=Action.RETURN_FOR_COMPLETION, missing_items=["Bản sao CCCD"]
    )
    assert (dossier.status, dossier.channel, dossier.code) == (Status.INCOMPLETE, Channel.POSTAL, None)


# --- return by post -----------------------------------------------------------------------------------------
def test_result_goes_by_post_with_the_tracking_code_on_the_dossier_and_the_control_slip(w, post_office):
    dossier = result_ready(w)
    returned = postal_result_return(dossier=dossier, actor=w.receiver, note="Giao bưu điện tỉnh")
    assert returned.status == Status.RETURNED
    assert returned.return_postal_item_code == "EL0000001VN"
    [request] = post_office.deliveries
    assert request == DeliveryRequest(
        request_id=f"{dossier.code}:delivery:1",
        reference=dossier.code,
        centre_code="H12.99",
        centre_name="Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
        centre_address="",
        recipient=PostalParty(name="Nguyễn Thị Hoa", phone="0912345678", address=HOME),
        contents="Kết quả giải quyết thủ tục hành chính: Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        item_code="",
        note="Giao bưu điện tỉnh",
    )
    event = returned.events.order_by("-seq").first()
    assert event.action == Action.RETURN_RESULT
    assert event.data["postal_delivery"] == {
        "tracking_code": "EL0000001VN",
        "address": HOME,
        "adapter": "test-double",
    }
    # The "returned" message is written in the same transaction and can name the parcel.
    assert Message.objects.filter(dossier=returned, event="returned").exists()


def test_an_item_code_the_officer_already_holds_is_passed_to_the_post_office(w, post_office):
    returned = postal_result_return(dossier=result_ready(w), actor=w.receiver, item_code="ee 987654321 vn")
    assert post_office.deliveries[0].item_code == "EE987654321VN"
    assert returned.return_postal_item_code == "EE987654321VN"


@pytest.mark.parametrize(
    ("setup", "actor", "error"),
    [
        ("counter_return", "receiver", InvalidTransition),
        ("ready", "commune_receiver", NotPermitted),
        ("ready", "leader", NotPermitted),
        ("ready", "citizen", NotPermitted),
        ("processing", "receiver", InvalidTransition),
    ],
)
def test_nothing_is_booked_with_the_post_office_for_a_return_that_is_refused(
    w, post_office, setup, actor, error
):
    if setup == "counter_return":
        dossier = result_ready(w, return_mode=ReturnMode.COUNTER, return_address="")
    elif setup == "processing":
        dossier = dossier_transition(
            dossier=received(w, return_mode=ReturnMode.POSTAL, return_address=HOME),
            action=Action.TRANSFER,
            actor=w.receiver,
        )
    else:
        dossier = result_ready(w)
    before = (dossier.status, DossierEvent.objects.count())
    with pytest.raises(error):
        postal_result_return(dossier=dossier, actor=getattr(w, actor))
    dossier.refresh_from_db()
    assert (dossier.status, DossierEvent.objects.count()) == before
    assert (post_office.deliveries, dossier.return_postal_item_code) == ([], "")


def test_when_the_post_office_is_down_the_result_stays_ready_to_return(w, post_office):
    dossier = result_ready(w)
    events = DossierEvent.objects.count()
    post_office.is_down = True
    with pytest.raises(PostalUnavailable):
        postal_result_return(dossier=dossier, actor=w.receiver)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_postal_item_code) == (Status.RESULT_READY, "")
    assert DossierEvent.objects.count() == events


def test_a_malformed_item_code_is_refused_before_calling_the_post_office(w, post_office):
    with pytest.raises(ValidationFailed) as error:
        postal_result_return(dossier=result_ready(w), actor=w.receiver, item_code="số 12")
    assert set(error.value.details) == {"postal_item_code"}
    assert post_office.deliveries == []


# --- pick-up -------------------------------------------------------------------------------------------------
def test_the_applicant_asks_for_the_papers_of_their_draft_to_be_collected(w, post_office):
    draft = online_draft(w)
    event = postal_pickup_request(dossier=draft, actor=w.citizen, note="Gọi trước 30 phút")
    assert (event.action, event.from_status, event.to_status, event.actor, event.actor_unit) == (
        PICKUP_ACTION,
        Status.DRAFT,
        Status.DRAFT,
        w.citizen,
        None,
    )
    assert event.data == {
        "postal_pickup": {"tracking_code": "PU0000001VN", "address": HOME, "adapter": "test-double"}
    }
    [request] = post_office.pickups
    assert request == PickupRequest(
        request_id=f"D{draft.pk}:pickup:1",
        reference=f"D{draft.pk}",
        centre_code="H12.99",
        centre_name="Trung tâm Phục vụ hành chính công tỉnh Cà Mau",
        centre_address="",
        sender=PostalParty(name="Trần Thị Mai", phone="0988111222", address=HOME),
        contents="Hồ sơ thủ tục hành chính: Thủ tục cấp Giấy xác nhận tình trạng hôn nhân",
        note="Gọi trước 30 phút",
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_an_officer_asks_for_a_pickup_once_a_day_per_dossier(w, post_office, clock):
    dossier = received(w)
    postal_pickup_request(dossier=dossier, actor=w.receiver, address="Ấp 3, xã Tân Thành")
    with pytest.raises(InvalidTransition) as error:
        postal_pickup_request(dossier=dossier, actor=w.receiver)
    assert "PU0000001VN" in error.value.message
    clock.shift(timedelta(days=1))
    event = postal_pickup_request(dossier=dossier, actor=w.receiver)
    assert event.actor_unit == w.centre
    assert [p.request_id for p in post_office.pickups] == [
        f"{dossier.code}:pickup:1",
        f"{dossier.code}:pickup:2",
    ]
    assert [(row["tracking_code"], row["address"]) for row in postal_pickups(dossier=dossier)] == [
        ("PU0000001VN", "Ấp 3, xã Tân Thành"),
        ("PU0000002VN", "Phường An Xuyên, tỉnh Cà Mau"),
    ]


@pytest.mark.parametrize(
    ("who", "state", "error"),
    [
        ("other_citizen", "draft", NotPermitted),
        ("commune_receiver", "received", NotPermitted),
        ("specialist", "received", NotPermitted),
        ("receiver", "draft", InvalidTransition),  # the centre acts once the applicant has sent it
        ("receiver", "returned", InvalidTransition),
    ],
)
def test_pickups_refused(w, post_office, who, state, error):
    if state == "draft":
        dossier = online_draft(w)
    elif state == "returned":
        dossier = postal_result_return(dossier=result_ready(w), actor=w.receiver)
        post_office.reset()
    else:
        dossier = received(w)
    events = DossierEvent.objects.count()
    with pytest.raises(error):
        postal_pickup_request(dossier=dossier, actor=getattr(w, who))
    assert (post_office.pickups, DossierEvent.objects.count()) == ([], events)


def test_a_pickup_needs_an_address(w, post_office):
    dossier = received(w, applicant=ApplicantData(name="Lê Văn Nam", phone="0911222333"))
    with pytest.raises(ValidationFailed) as error:
        postal_pickup_request(dossier=dossier, actor=w.receiver, address="  ")
    assert error.value.details == {"address": "Nhập địa chỉ thu gom."}
    assert post_office.pickups == []


# --- the manual adapter -----------------------------------------------------------------------------------------
def test_manual_adapter_writes_the_days_list_once_committed(w, settings, django_capture_on_commit_callbacks):
    dossier = received(w)
    with django_capture_on_commit_callbacks(execute=True):
        postal_pickup_request(dossier=dossier, actor=w.receiver)
        returned = postal_result_return(dossier=result_ready(w), actor=w.receiver)
    assert returned.return_postal_item_code == f"PT-{returned.code}"
    lines = (settings.MOTCUA_POSTAL_MANUAL_DIR / "2026-03-02.jsonl").read_text(encoding="utf-8").splitlines()
    first, second = (json.loads(line) for line in lines)
    assert (first["kind"], first["tracking_code"], first["reference"]) == (
        "pickup",
        f"TG-{dossier.code}-1",
        dossier.code,
    )
    assert first["sender"] == {
        "name": "Nguyễn Thị Hoa",
        "phone": "0912345678",
        "address": "Phường An Xuyên, tỉnh Cà Mau",
    }
    assert (second["kind"], second["tracking_code"], second["recipient"]["address"]) == (
        "delivery",
        f"PT-{returned.code}",
        HOME,
    )


def test_manual_adapter_leaves_nothing_for_a_rolled_back_change(settings, django_capture_on_commit_callbacks):
    request = PickupRequest(
        request_id="D1:pickup:1",
        reference="D1",
        centre_code="H12.99",
        centre_name="Trung tâm",
        centre_address="",
        sender=PostalParty(name="A", phone="0912345678", address="B"),
        contents="Hồ sơ",
    )
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                assert ManualPostalAdapter().pickup_request(request) == "TG-D1-1"
                raise RuntimeError("refused after the request")
        except RuntimeError:
            pass
    assert not (settings.MOTCUA_POSTAL_MANUAL_DIR / "2026-03-02.jsonl").exists()


def test_the_adapter_is_the_configured_one(settings):
    assert isinstance(postal_adapter(), ManualPostalAdapter)
    settings.MOTCUA_POSTAL_ADAPTER = "motcua.dossiers.models.Dossier"
    with pytest.raises(TypeError):
        postal_adapter()
