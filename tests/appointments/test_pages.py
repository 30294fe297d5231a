import pytest
import time_machine

from motcua.appointments.enums import AppointmentStatus
from motcua.appointments.models import Appointment, ClosedDay
from motcua.notifications.models import Message
from motcua.org.enums import Role
from tests.factories import StaffRoleFactory, dossier_world

from .helpers import NOW, TUESDAY_0800, guidance, postal, queue_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock):
    return dossier_world()


def test_booking_step_by_step_without_javascript(client, w):
    service = guidance(w)
    start = client.get("/dat-lich/?don_vi=H12.99")
    assert start.status_code == 302 and start["Location"] == "/dat-lich/H12.99/"
    assert (
        client.get(f"/dat-lich/H12.99/?dich_vu={service.pk}")["Location"]
        == f"/dat-lich/dich-vu/{service.pk}/"
    )
    days = client.get(f"/dat-lich/dich-vu/{service.pk}/")
    assert "03/03/2026" in days.content.decode() and "07/03/2026" not in days.content.decode()
    time_page = f"/dat-lich/dich-vu/{service.pk}/2026-03-03/"
    assert client.get(f"{time_page}?gio=08:00")["Location"] == "/dat-lich/thong-tin/"
    missing = client.post("/dat-lich/thong-tin/", {"holder_name": ""})
    assert missing.status_code == 422 and "Nhập họ và tên người đến hẹn." in missing.content.decode()
    details = client.post("/dat-lich/thong-tin/", {"holder_name": "Trần Thị Mai", "phone": "0912345678"})
    assert details["Location"] == "/dat-lich/kiem-tra/"
    check = client.get("/dat-lich/kiem-tra/")
    assert "Trần Thị Mai" in check.content.decode() and "08:00" in check.content.decode()
    assert client.post("/dat-lich/kiem-tra/")["Location"] == "/dat-lich/da-dat/"
    booking = Appointment.objects.get()
    assert booking.start_at == TUESDAY_0800 and booking.user is None
    done = client.get("/dat-lich/da-dat/").content.decode()
    assert booking.code in done
    # The browser that booked may manage it; the phone got a confirmation.
    assert client.get(f"/dat-lich/hen/{booking.code}/").status_code == 200
    assert Message.objects.filter(event="appointment_booked", channel="sms").count() == 1


def test_a_place_taken_meanwhile_is_explained_on_the_check_page(client, w):
    service = guidance(w, capacity=1)
    client.get(f"/dat-lich/dich-vu/{service.pk}/2026-03-03/?gio=08:00")
    client.post("/dat-lich/thong-tin/", {"holder_name": "Trần Thị Mai", "phone": "0912345678"})
    Appointment.objects.create(
        service=service,
        unit=w.centre,
        code="TAKEN23456",
        start_at=TUESDAY_0800,
        end_at=TUESDAY_0800.replace(minute=30),
        holder_name="X",
        phone="0911000001",
    )
    response = client.post("/dat-lich/kiem-tra/")
    assert response.status_code == 409 and "vừa hết chỗ" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_postal_booking_asks_for_the_address(client, w, settings, tmp_path):
    settings.MOTCUA_POSTAL_MANUAL_DIR = tmp_path
    service = postal(w)
    client.get(f"/dat-lich/dich-vu/{service.pk}/2026-03-03/?gio=08:00")
    response = client.post("/dat-lich/thong-tin/", {"holder_name": "Trần Thị Mai", "phone": "0912345678"})
    assert response.status_code == 422
    client.post(
        "/dat-lich/thong-tin/",
        {"holder_name": "Trần Thị Mai", "phone": "0912345678", "address": "12 Lý Thường Kiệt"},
    )
    client.post("/dat-lich/kiem-tra/")
    assert Appointment.objects.get().postal_tracking_code.startswith("TG-")


def test_find_cancel_and_reschedule_with_code_and_digits(client, w):
    from motcua.appointments.services import appointment_book

    from .helpers import data

    booking = appointment_book(service=guidance(w), start_at=TUESDAY_0800, data=data())
    assert client.get(f"/dat-lich/hen/{booking.code}/").status_code == 404
    assert client.post("/dat-lich/quan-ly/", {"ma": booking.code, "so": "0000"}).status_code == 404
    found = client.post("/dat-lich/quan-ly/", {"ma": booking.code.lower(), "so": "5678"})
    assert found["Location"] == f"/dat-lich/hen/{booking.code}/"
    day = client.get(f"/dat-lich/hen/{booking.code}/doi-lich/?ngay=2026-03-04")
    assert day.status_code == 200 and "08:00" in day.content.decode()
    moved = client.post(f"/dat-lich/hen/{booking.code}/doi-lich/", {"ngay": "2026-03-04", "gio": "08:00"})
    assert moved.status_code == 302
    booking.refresh_from_db()
    assert booking.start_at.day == 4
    assert client.post(f"/dat-lich/hen/{booking.code}/huy/", {"ly_do": "Bận"}).status_code == 302
    booking.refresh_from_db()
    assert booking.status == AppointmentStatus.CANCELLED and booking.cancel_reason == "Bận"


def test_kiosk_check_in_by_phone_number(client, w, clock):
    from motcua.appointments.services import appointment_book

    from .helpers import data

    booking = appointment_book(service=guidance(w), start_at=TUESDAY_0800, data=data())
    queue_group(w.centre)
    clock.move_to(TUESDAY_0800.replace(hour=7, minute=50))
    response = client.post("/dat-lich/H12.99/check-in/", {"ma": "0912 345 678"})
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == AppointmentStatus.CHECKED_IN
    page = response.content.decode()
    assert booking.queue_ticket in page and "T. T. M." in page and "Trần Thị Mai" not in page


def test_officer_day_list_and_closing_a_day(client, w):
    from motcua.appointments.services import appointment_book

    from .helpers import data

    booking = appointment_book(service=guidance(w), start_at=TUESDAY_0800, data=data())
    client.force_login(w.receiver)
    page = client.get("/can-bo/lich-hen/?ngay=2026-03-03").content.decode()
    assert booking.code in page and "Trần Thị Mai" in page
    StaffRoleFactory(user=w.receiver, unit=w.centre, role=Role.SIGNING_LEADER)
    form = {"don_vi": "H12.99", "ngay": "2026-03-03", "reason": "Hội nghị toàn tỉnh"}
    warning = client.post("/can-bo/lich-hen/dong-ngay/", form)
    assert warning.status_code == 200 and "1 lịch hẹn" in warning.content.decode()
    assert not ClosedDay.objects.exists()
    closed = client.post("/can-bo/lich-hen/dong-ngay/", {**form, "xac_nhan": "1"})
    assert closed.status_code == 302
    booking.refresh_from_db()
    assert booking.status == AppointmentStatus.CANCELLED
    assert Message.objects.filter(event="appointment_closed").count() == 2
