"""The appointment-date arithmetic of a Vietnamese one-stop centre (DESIGN §7, legal-spec §5)."""

from datetime import date, datetime, time

import pytest

from motcua.workcal.calendar import LOCAL_TZ, WorkingCalendar
from motcua.workcal.enums import DeadlineKind

CAL = WorkingCalendar()  # 07:00–11:00, 13:00–17:00, cut-off 15:00


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before Tết
        *[(date(2026, 2, d), False) for d in range(16, 21)],  # Tết 2026: off Mon 16 – Fri 20 Feb
        (date(2026, 2, 23), True),
        (date(2026, 8, 22), True),  # make-up working Saturday (Notice 9441/TB-BNV)
        (date(2026, 8, 29), False),  # an ordinary Saturday
        (date(2026, 8, 31), False),  # swapped day off
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),  # National Day
        (date(2026, 4, 27), False),  # Hùng Kings' day (26/4, a Sunday) observed on Monday
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 1, 1), False),
        (date(2027, 1, 1), False),
    ],
)
def test_working_days_follow_the_vietnamese_calendar(day, working):
    assert CAL.is_working_day(day) is working


def test_three_working_days_across_tet():
    assert CAL.add_working_days(at(2026, 2, 13, 10, 0), 3) == at(2026, 2, 25, 10, 0)
    assert CAL.add_working_days(at(2026, 2, 12, 9, 30), 2) == at(2026, 2, 23, 9, 30)


def test_dossier_received_after_1500_starts_counting_next_working_day():
    # Monday 15:01: counting starts Tuesday 07:00, one working day later is Tuesday's close.
    assert CAL.add_working_days(at(2026, 3, 2, 15, 1), 1) == at(2026, 3, 3, 17, 0)
    # 15:00 sharp is not "after 15:00".
    assert CAL.add_working_days(at(2026, 3, 2, 15, 0), 1) == at(2026, 3, 3, 15, 0)
    # After 15:00 on the Friday before Tết: counting starts on Monday 23 Feb.
    assert CAL.add_working_days(at(2026, 2, 13, 16, 0), 2) == at(2026, 2, 24, 17, 0)


def test_same_day_procedure_and_the_1500_rule():
    assert CAL.same_day_due(at(2026, 3, 2, 10, 0)) == at(2026, 3, 2, 17, 0)
    assert CAL.same_day_due(at(2026, 3, 2, 15, 0)) == at(2026, 3, 2, 17, 0)
    assert CAL.same_day_due(at(2026, 3, 2, 15, 30)) == at(2026, 3, 3, 17, 0)
    assert CAL.same_day_due(at(2026, 2, 13, 15, 30)) == at(2026, 2, 23, 17, 0)  # across Tết
    # Received on Friday 21 Aug after 15:00: the next working day is the make-up Saturday.
    assert CAL.same_day_due(at(2026, 8, 21, 15, 30)) == at(2026, 8, 22, 17, 0)


def test_2026_national_day_swap():
    # Friday 21 Aug + 1 working day lands on the make-up Saturday 22 Aug.
    assert CAL.add_working_days(at(2026, 8, 21, 10, 0), 1) == at(2026, 8, 22, 10, 0)
    # Friday 28 Aug + 1 working day skips Mon 31 Aug (swapped), 1 and 2 Sep.
    assert CAL.add_working_days(at(2026, 8, 28, 10, 0), 1) == at(2026, 9, 3, 10, 0)
    # Thursday 20 Aug + 5 working days: Fri 21, Sat 22, Mon 24, Tue 25, Wed 26.
    assert CAL.add_working_days(at(2026, 8, 20, 8, 0), 5) == at(2026, 8, 26, 8, 0)


def test_year_boundaries():
    assert CAL.add_working_days(at(2025, 12, 31, 10, 0), 1) == at(2026, 1, 2, 10, 0)
    # Thu 31 Dec 2026 + 2: Fri 1 Jan 2027 is New Year, then the weekend.
    assert CAL.add_working_days(at(2026, 12, 31, 10, 0), 2) == at(2027, 1, 5, 10, 0)
    # 261 weekdays, 13 of them off (New Year, 5 of Tết, Hùng Kings observed, 30/4, 1/5, 31/8, 1–2/9,
    # Vietnam Culture Day 24/11), plus the make-up Saturday 22/8.
    assert CAL.working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 249


def test_counting_starts_at_the_next_office_period():
    assert CAL.counting_start(at(2026, 3, 2, 6, 0)) == at(2026, 3, 2, 7, 0)
    assert CAL.counting_start(at(2026, 3, 2, 11, 30)) == at(2026, 3, 2, 13, 0)  # lunch break
    assert CAL.counting_start(at(2026, 3, 7, 9, 0)) == at(2026, 3, 9, 7, 0)  # Saturday
    assert CAL.counting_start(at(2026, 3, 2, 16, 0), apply_cutoff=False) == at(2026, 3, 2, 16, 0)


def test_working_hours_walk_across_the_lunch_break_and_nights():
    assert CAL.add_working_hours(at(2026, 3, 2, 10, 0), 2) == at(2026, 3, 2, 14, 0)
    assert CAL.add_working_hours(at(2026, 3, 2, 16, 0), 8) == at(2026, 3, 3, 16, 0)
    # A walk that ends exactly at closing stays there rather than jumping to next morning.
    assert CAL.add_working_hours(at(2026, 3, 2, 7, 0), 8) == at(2026, 3, 2, 17, 0)
    # The 8-working-hour reply clock for an online dossier filed on Friday afternoon before Tết.
    assert CAL.deadline(at(2026, 2, 13, 16, 0), 8, DeadlineKind.WORKING_HOURS) == at(2026, 2, 23, 16, 0)


def test_unit_office_hours_morning_and_afternoon():
    # 07:30–11:30 and 13:30–17:00 is a 7.5-hour office day: a working day is still "same clock time,
    # next working day", and one working hour is an eighth of the office day.
    unit_cal = WorkingCalendar(periods=((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))))
    assert unit_cal.add_working_days(at(2026, 3, 2, 10, 0), 1) == at(2026, 3, 3, 10, 0)
    assert unit_cal.counting_start(at(2026, 3, 2, 7, 0)) == at(2026, 3, 2, 7, 30)
    assert unit_cal.counting_start(at(2026, 3, 2, 12, 0)) == at(2026, 3, 2, 13, 30)
    assert unit_cal.add_working_days(at(2026, 3, 2, 15, 30), 1) == at(2026, 3, 3, 17, 0)
    assert unit_cal.working_hours_between(at(2026, 3, 2, 7, 30), at(2026, 3, 2, 17, 0)) == pytest.approx(8)


def test_calendar_day_period_ending_on_a_day_off_moves_to_next_working_day():
    # Civil Code Art. 147–148: counting starts the next day; a last day off moves to the next working day.
    assert CAL.add_calendar_days(at(2026, 3, 2, 10, 0), 10) == at(2026, 3, 12, 17, 0)
    assert CAL.add_calendar_days(at(2026, 8, 25, 10, 0), 6) == at(2026, 9, 3, 17, 0)  # 31/8 off, 1–2/9
    assert CAL.add_calendar_days(at(2026, 3, 4, 10, 0), 3) == at(2026, 3, 9, 17, 0)  # Saturday → Monday
    assert CAL.add_calendar_days(at(2026, 2, 6, 10, 0), 10) == at(2026, 2, 23, 17, 0)  # 16/2 is Tết


def test_overrides_add_and_remove_days():
    province = WorkingCalendar(overrides={date(2026, 3, 3): False, date(2026, 2, 20): True})
    assert province.add_working_days(at(2026, 3, 2, 10, 0), 1) == at(2026, 3, 4, 10, 0)
    assert province.is_working_day(date(2026, 2, 20))
    # Received on 19 Feb (Tết): counting starts when 20 Feb opens, so one working day ends that evening.
    assert province.add_working_days(at(2026, 2, 19, 10, 0), 1) == at(2026, 2, 20, 17, 0)


def test_working_hours_between_skips_tet():
    assert CAL.working_hours_between(at(2026, 2, 13, 10, 0), at(2026, 2, 23, 10, 0)) == pytest.approx(8)
    assert CAL.working_hours_between(at(2026, 2, 23, 10, 0), at(2026, 2, 13, 10, 0)) == pytest.approx(-8)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(datetime(2026, 3, 2, 10, 0), 1)
