from datetime import date, datetime, time, timedelta

import pytest
import time_machine

from motcua.appointments.enums import AppointmentStatus, CancelledBy
from motcua.appointments.models import Appointment, ClosedDay
from motcua.appointments.selectors import appointment_for_holder, day_list, slot_list
from motcua.appointments.services import (
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_mark,
    appointment_reschedule,
    closed_day_create,
    closed_day_preview,
    reminders_enqueue,
)
from motcua.core.exceptions import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from motcua.notifications.models import Message
from motcua.workcal.calendar import LOCAL_TZ
from motcua.workcal.enums import OverrideKind
from motcua.workcal.models import CalendarOverride
from tests.factories import dossier_world

from .helpers import NOW, TUESDAY_0800, data, guidance, postal, queue_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock):
    return dossier_world()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def test_slots_follow_office_hours_and_skip_the_past(w):
    service = guidance(w)
    today = slot_list(service=service, start=date(2026, 3, 2), end=date(2026, 3, 2))
    # 09:00 now, 30 minutes' notice: the morning from 09:30 to 11:00, the afternoon 13:00–17:00.
    assert [s.start.strftime("%H:%M") for s in today][:4] == ["09:30", "10:00", "10:30", "13:00"]
    assert len(today) == 3 + 8
    tuesday = slot_list(service=service, start=date(2026, 3, 3), end=date(2026, 3, 3))
    assert len(tuesday) == 16 and tuesday[0].start == TUESDAY_0800.replace(hour=7)
    assert tuesday[-1].end == at(date(2026, 3, 3), 17)


def test_weekends_holidays_days_off_and_closed_days_have_no_slots(w):
    service = guidance(w, horizon_days=60)
    days = {d for d, _ in day_list(service=service)}
    assert date(2026, 3, 7) not in days and date(2026, 3, 8) not in days  # weekend
    assert date(2026, 4, 27) not in days  # Hùng Kings' day 2026 (10/3 lunar), from the holidays library
    CalendarOverride.objects.create(date=date(2026, 3, 4), kind=OverrideKind.DAY_OFF, name="Nghỉ bù")
    ClosedDay.objects.create(unit=w.centre, date=date(2026, 3, 5), reason="Hội nghị")
    days = {d for d, _ in day_list(service=service)}
    assert date(2026, 3, 4) not in days and date(2026, 3, 5) not in days
    assert date(2026, 3, 6) in days
    # Beyond the horizon nothing is offered.
    assert max(days) <= date(2026, 3, 2) + timedelta(days=60)


def test_book_writes_the_booking_and_a_confirmation(w):
    booking = appointment_book(service=guidance(w), start_at=TUESDAY_0800, data=data(), user=w.citizen)
    assert booking.status == AppointmentStatus.BOOKED
    assert booking.phone == "0912345678" and booking.user == w.citizen
    assert len(booking.code) == 10 and booking.end_at == TUESDAY_0800 + timedelta(minutes=30)
    messages = Message.objects.filter(event="appointment_booked")
    assert {m.channel for m in messages} == {"email", "sms"}
    sms = messages.get(channel="sms").body
    assert booking.code in sms and "08:00 ngay 03/03/2026" in sms and len(sms) <= 160 and sms.isascii()


def test_capacity_is_per_slot_and_the_last_place_goes_once(w):
    service = guidance(w, capacity=2)
    appointment_book(service=service, start_at=TUESDAY_0800, data=data(phone="0911000001"))
    appointment_book(service=service, start_at=TUESDAY_0800, data=data(phone="0911000002"))
    with pytest.raises(InvalidTransition, match="hết chỗ"):
        appointment_book(service=service, start_at=TUESDAY_0800, data=data(phone="0911000003"))
    assert Appointment.objects.count() == 2
    slot = slot_list(service=service, start=date(2026, 3, 3), end=date(2026, 3, 3))[2]
    assert slot.start == TUESDAY_0800 and slot.remaining == 0


def test_a_time_that_is_not_a_slot_is_refused(w):
    service = guidance(w)
    for start in (
        at(date(2026, 3, 3), 8, 10),  # not on the grid
        at(date(2026, 3, 3), 12, 0),  # lunch
        at(date(2026, 3, 7), 8, 0),  # Saturday
        at(date(2026, 3, 2), 9, 0),  # now
        at(date(2026, 4, 1), 8, 0),  # beyond the horizon
    ):
        with pytest.raises(ValidationFailed):
            appointment_book(service=service, start_at=start, data=data())
    assert not Appointment.objects.exists() and not Message.objects.exists()


def test_limit_per_person_by_phone_or_account(w):
    service = guidance(w, max_active_per_person=1)
    appointment_book(service=service, start_at=TUESDAY_0800, data=data(), user=w.citizen)
    with pytest.raises(InvalidTransition, match="tối đa 1"):
        appointment_book(service=service, start_at=TUESDAY_0800 + timedelta(hours=1), data=data())
    with pytest.raises(InvalidTransition, match="tối đa 1"):
        appointment_book(
            service=service,
            start_at=TUESDAY_0800 + timedelta(hours=1),
            data=data(phone="0988777666"),
            user=w.citizen,
        )
    other = appointment_book(
        service=service, start_at=TUESDAY_0800 + timedelta(hours=1), data=data(phone="0988777666")
    )
    assert other.pk


def test_invalid_details_are_listed_together(w):
    with pytest.raises(ValidationFailed) as error:
        appointment_book(
            service=postal(w), start_at=TUESDAY_0800, data=data(holder_name=" ", phone="12", email="x@")
        )
    assert set(error.value.details) == {"holder_name", "phone", "email", "address"}


def test_postal_pickup_asks_the_post_office_with_the_booking_code(w, settings, tmp_path):
    settings.MOTCUA_POSTAL_MANUAL_DIR = tmp_path
    booking = appointment_book(
        service=postal(w), start_at=TUESDAY_0800, data=data(address="12 Lý Thường Kiệt, phường An Xuyên")
    )
    assert booking.postal_tracking_code == f"TG-{booking.code}-1"


def test_postal_outage_books_nothing(w, settings):
    settings.MOTCUA_POSTAL_ADAPTER = "tests.appointments.helpers_postal.DownAdapter"
    from motcua.dossiers.postal import PostalUnavailable

    with pytest.raises(PostalUnavailable):
        appointment_book(service=postal(w), start_at=TUESDAY_0800, data=data(address="12 Lý Thường Kiệt"))
    assert not Appointment.objects.exists() and not Message.objects.exists()


def test_cancel_by_holder_frees_the_place(w):
    service = guidance(w, capacity=1)
    booking = appointment_book(service=service, start_at=TUESDAY_0800, data=data())
    found = appointment_for_holder(code=booking.code.lower(), phone_last4="5678")
    cancelled = appointment_cancel(appointment=found)
    assert cancelled.status == AppointmentStatus.CANCELLED and cancelled.cancelled_by == CancelledBy.HOLDER
    assert Message.objects.filter(event="appointment_cancelled").count() == 2
    assert appointment_book(service=service, start_at=TUESDAY_0800, data=data(phone="0911000001"))
    with pytest.raises(InvalidTransition):
        appointment_cancel(appointment=cancelled)


def test_wrong_phone_digits_look_like_an_unknown_code(w):
    booking = appointment_book(service=guidance(w), start_at=TUESDAY_0800, data=data())
    with pytest.raises(NotFound) as wrong:
        appointment_for_holder(code=booking.code, phone_last4="0000")
    with pytest.raises(NotFound) as unknown:
        appointment_for_holder(code="AAAAAAAAAA", phone_last4="5678")
    assert wrong.value.message == unknown.value.message


def test_officer_cancel_needs_the_unit(w):
    booking = appointment_book(service=guidance(w), start_at=TUESDAY_0800, data=data())
    with pytest.raises(NotPermitted):
        appointment_cancel(appointment=booking, actor=w.commune_receiver, by_centre=True)
    done = appointment_cancel(appointment=booking, actor=w.receiver, by_centre=True, reason="Theo yêu cầu")
    assert done.cancelled_by == CancelledBy.CENTRE


def test_reschedule_moves_within_capacity_and_keeps_the_code(w):
    service = guidance(w, capacity=1)
    booking = appointment_book(service=service, start_at=TUESDAY_0800, data=data())
    full = TUESDAY_0800 + timedelta(hours=1)
    appointment_book(service=service, start_at=full, data=data(phone="0911000001"))
    with pytest.raises(InvalidTransition, match="hết chỗ"):
        appointment_reschedule(appointment=booking, start_at=full)
    moved = appointment_reschedule(appointment=booking, start_at=TUESDAY_0800 + timedelta(minutes=30))
    assert moved.code == booking.code and moved.start_at == TUESDAY_0800 + timedelta(minutes=30)
    assert moved.reschedule_count == 1
    sms = Message.objects.get(event="appointment_rescheduled", channel="sms").body
    assert "08:30 ngay 03/03/2026" in sms and len(sms) <= 160
    # The freed 08:00 place can be taken again.
    appointment_book(service=service, start_at=TUESDAY_0800, data=data(phone="0911000002"))


def test_check_in_on_the_day_issues_a_priority_ticket(w, clock):
    booking = appointment_book(service=guidance(w), start_at=TUESDAY_0800, data=data())
    queue_group(w.centre)
    with pytest.raises(InvalidTransition, match="03/03/2026"):
        appointment_check_in(appointment=booking)
    clock.move_to(TUESDAY_0800 - timedelta(minutes=20))
    with pytest.raises(NotPermitted):
        appointment_check_in(appointment=booking, actor=w.commune_receiver)
    checked = appointment_check_in(appointment=booking)
    assert checked.status == AppointmentStatus.CHECKED_IN and checked.queue_ticket
    from motcua.queues.models import Ticket

    ticket = Ticket.objects.get(reference=booking.code)
    assert ticket.is_priority and ticket.number == checked.queue_ticket
    with pytest.raises(InvalidTransition):
        appointment_check_in(appointment=checked)
    served = appointment_mark(appointment=checked, actor=w.receiver, status=AppointmentStatus.DONE)
    assert served.status == AppointmentStatus.DONE


def test_check_in_after_the_slot_and_no_show(w, clock):
    booking = appointment_book(service=guidance(w), start_at=TUESDAY_0800, data=data())
    with pytest.raises(InvalidTransition, match="Chưa đến giờ"):
        appointment_mark(appointment=booking, actor=w.receiver, status=AppointmentStatus.NO_SHOW)
    clock.move_to(TUESDAY_0800 + timedelta(minutes=45))
    with pytest.raises(InvalidTransition, match="quá giờ"):
        appointment_check_in(appointment=booking)
    marked = appointment_mark(appointment=booking, actor=w.receiver, status=AppointmentStatus.NO_SHOW)
    assert marked.status == AppointmentStatus.NO_SHOW


def test_closing_a_day_warns_cancels_and_notifies_in_one_go(w):
    from motcua.org.enums import Role
    from tests.factories import StaffRoleFactory

    service = guidance(w)
    first = appointment_book(service=service, start_at=TUESDAY_0800, data=data())
    second = appointment_book(service=service, start_at=TUESDAY_0800, data=data(phone="0911000001", email=""))
    other_day = appointment_book(service=service, start_at=TUESDAY_0800 + timedelta(days=1), data=data())
    with pytest.raises(NotPermitted):
        closed_day_preview(unit=w.centre, day=date(2026, 3, 3), actor=w.receiver)
    StaffRoleFactory(user=w.receiver, unit=w.centre, role=Role.SIGNING_LEADER)
    w.receiver._motcua_roles = None
    assert closed_day_preview(unit=w.centre, day=date(2026, 3, 3), actor=w.receiver) == 2
    closure, count = closed_day_create(
        unit=w.centre, day=date(2026, 3, 3), reason="Mất điện", actor=w.receiver
    )
    assert count == 2 and closure.closed_by == w.receiver
    for booking in (first, second):
        booking.refresh_from_db()
        assert (
            booking.status == AppointmentStatus.CANCELLED and booking.cancelled_by == CancelledBy.CLOSED_DAY
        )
    other_day.refresh_from_db()
    assert other_day.status == AppointmentStatus.BOOKED
    # Two e-mails? No: the second holder gave no address. Three messages, each once.
    assert Message.objects.filter(event="appointment_closed").count() == 3
    assert not slot_list(service=service, start=date(2026, 3, 3), end=date(2026, 3, 3))
    with pytest.raises(InvalidTransition):
        closed_day_create(unit=w.centre, day=date(2026, 3, 3), reason="Lần nữa", actor=w.receiver)


def test_supervisor_may_close_but_not_a_holiday_or_today(w):
    with pytest.raises(ValidationFailed):
        closed_day_create(unit=w.centre, day=date(2026, 3, 2), reason="Hôm nay", actor=w.supervisor)
    with pytest.raises(ValidationFailed):
        closed_day_create(unit=w.centre, day=date(2026, 3, 7), reason="Thứ bảy", actor=w.supervisor)
    with pytest.raises(ValidationFailed):
        closed_day_create(unit=w.centre, day=date(2026, 3, 4), reason="", actor=w.supervisor)
    assert (
        closed_day_create(unit=w.centre, day=date(2026, 3, 4), reason="Kiểm kê", actor=w.supervisor)[1] == 0
    )


def test_reminders_once_per_start(w, clock):
    service = guidance(w)
    booking = appointment_book(service=service, start_at=TUESDAY_0800, data=data())
    appointment_book(
        service=service, start_at=TUESDAY_0800 + timedelta(days=1), data=data(phone="0911000001")
    )
    assert reminders_enqueue() == 1
    assert reminders_enqueue() == 1
    assert Message.objects.filter(event="appointment_reminder").count() == 2
    sms = Message.objects.get(event="appointment_reminder", channel="sms").body
    assert booking.code in sms and len(sms) <= 160 and sms.isascii()
    appointment_reschedule(appointment=booking, start_at=TUESDAY_0800 + timedelta(hours=2))
    reminders_enqueue()
    assert Message.objects.filter(event="appointment_reminder").count() == 4


def test_remind_command(w, clock):
    from io import StringIO

    from django.core.management import call_command

    appointment_book(service=guidance(w), start_at=TUESDAY_0800, data=data())
    out = StringIO()
    call_command("appointments_remind", stdout=out)
    assert out.getvalue().startswith("1 booking")
    assert Message.objects.filter(event="appointment_reminder").count() == 2
