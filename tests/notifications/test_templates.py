"""What the citizen reads: every event's e-mail and SMS, rendered from real dossier changes."""

import pytest
import time_machine

from motcua.dossiers.enums import Action
from motcua.dossiers.services import dossier_intake
from motcua.notifications.models import Message
from tests.factories import intake_data
from tests.notifications.helpers import act, applicant, at, receive

pytestmark = pytest.mark.django_db

# One GSM-7 segment; SMS are written without diacritics on purpose (docs/notifications.md).
SMS_LIMIT = 160
EVENTS = {
    "received",
    "returned_for_completion",
    "refused",
    "supplement_requested",
    "extended",
    "result_ready",
    "returned",
    "stopped",
}


def every_event(w, *, return_mode="counter", email=True):
    """Dossiers that between them go through every event that notifies the applicant."""
    contact = applicant() if email else applicant(email="")
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False) as clock:
        address = "Số 1 Lý Thường Kiệt, phường An Xuyên" if return_mode == "postal" else ""
        dossier = receive(w, applicant=contact, return_mode=return_mode, return_address=address)
        dossier = act(dossier, Action.TRANSFER, w.receiver)
        dossier = act(dossier, Action.FORWARD, w.head)
        dossier = act(
            dossier,
            Action.REQUEST_SUPPLEMENT,
            w.specialist,
            missing_items=["Bản sao Giấy khai sinh", "Tờ khai"],
        )
        dossier = act(dossier, Action.SUPPLEMENT, w.receiver)
        dossier = act(
            dossier, Action.EXTEND, w.leader, note="Cần xác minh nơi cư trú", new_due_at=at(2026, 3, 12, 8, 0)
        )
        for actor in (w.specialist, w.builder):
            dossier = act(dossier, Action.FORWARD, actor)
        clock.move_to(at(2026, 3, 9, 9, 0))
        dossier = act(dossier, Action.APPROVE, w.leader)
        dossier = act(dossier, Action.RETURN_RESULT, w.receiver)
        dossier_intake(
            data=intake_data(w, applicant=contact),
            actor=w.receiver,
            action=Action.RETURN_FOR_COMPLETION,
            missing_items=["Tờ khai có chữ ký"],
        )
        dossier_intake(
            data=intake_data(w, applicant=contact), actor=w.receiver, action=Action.REFUSE, note="Sai"
        )
        act(receive(w, applicant=contact), Action.STOP, w.receiver, note="Công dân xin rút hồ sơ")
    return dossier


def test_every_sms_fits_one_segment_even_with_a_long_agency_code(w):
    # National-format agency codes are longer than the test province's: 25-character dossier codes.
    w.centre.agency_code = "000.00.12.H12"
    w.centre.save()
    for email in (True, False):
        for mode in ("counter", "postal", "online"):
            every_event(w, return_mode=mode, email=email)
    sms = Message.objects.filter(channel="sms")
    assert {m.event for m in sms} == EVENTS
    for message in sms:
        assert message.body.isascii(), message.body
        assert len(message.body) <= SMS_LIMIT, (message.event, len(message.body), message.body)
        assert "{" not in message.body and "None" not in message.body


def test_every_email_is_addressed_signed_and_complete(w):
    dossier = every_event(w)
    emails = Message.objects.filter(channel="email")
    assert {m.event for m in emails} == EVENTS
    for message in emails:
        assert message.subject and "\n" not in message.subject
        assert message.body.startswith("Kính gửi Ông/Bà Nguyễn Thị Hoa,\n\n"), message.body
        assert "Trân trọng,\nTrung tâm Phục vụ hành chính công tỉnh Cà Mau" in message.body
        assert "{" not in message.body and "None" not in message.body
    received = emails.get(event="received", dossier=dossier)
    assert (
        "Mã hồ sơ: H12.99-260302-0001\nTiếp nhận lúc: 08:00 ngày 02/03/2026\nHẹn trả kết quả: 08:00 ngày 05/03/2026"
        in (received.body)
    )
    assert "https://motcua.camau.gov.vn/tra-cuu/?ma=H12.99-260302-0001" in received.body
    supplement = emails.get(event="supplement_requested")
    assert "- Bản sao Giấy khai sinh\n- Tờ khai\n" in supplement.body
    extended = emails.get(event="extended")
    assert extended.subject == "Xin lỗi và hẹn lại ngày trả kết quả hồ sơ H12.99-260302-0001"
    assert "Sở Tư pháp thành thật xin lỗi Ông/Bà" in extended.body
    assert "đúng hẹn ngày 05/03/2026" in extended.body
    assert "Lý do: Cần xác minh nơi cư trú" in extended.body
    assert "Ngày hẹn trả kết quả mới: 08:00 ngày 12/03/2026" in extended.body
    refused = emails.get(event="refused")
    assert "nộp ngày 09/03/2026" in refused.body and "Lý do: Sai" in refused.body
    assert "tra-cuu" not in refused.body  # no code, nothing to look up


def test_sms_texts(w):
    every_event(w)
    text = dict(
        Message.objects.filter(channel="sms", event__in=["received", "extended"]).values_list("event", "body")
    )
    assert text["received"] == (
        "Ho so H12.99-260302-0001 da duoc tiep nhan. Hen tra ket qua luc 08:00 ngay 05/03/2026. "
        "Tra cuu bang ma ho so tren Cong dich vu cong."
    )
    assert text["extended"] == (
        "Xin loi Ong/Ba: ho so H12.99-260302-0001 chua tra ket qua dung hen. Hen moi: 08:00 ngay "
        "12/03/2026. Xem Van ban xin loi (Mau 04) trong thu dien tu."
    )


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("online", 'tải kết quả điện tử tại mục "Hồ sơ của tôi"'),
        ("postal", "gửi qua dịch vụ bưu chính công ích"),
        ("counter", "Mời Ông/Bà đến Trung tâm Phục vụ hành chính công tỉnh Cà Mau nhận kết quả"),
    ],
)
def test_result_ready_says_how_to_get_the_result(w, mode, expected):
    every_event(w, return_mode=mode)
    assert expected in Message.objects.get(channel="email", event="result_ready").body


def test_an_organisation_is_addressed_by_its_name(w):
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        receive(
            w, applicant=applicant(name="Công ty TNHH Minh Phát", kind="organisation", id_number="2001234567")
        )
    body = Message.objects.get(channel="email").body
    assert body.startswith("Kính gửi Công ty TNHH Minh Phát,\n")
    assert "của Quý cơ quan, tổ chức." in body
