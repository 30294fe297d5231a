"""Exact figures of the March 2026 scenario (tests/reports/conftest.py) for every grouping and unit filter."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import User
from motcua.core.exceptions import NotPermitted
from motcua.dossiers.enums import Action
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_intake
from motcua.reports.selectors import Figures, summary
from tests.factories import intake_data

from .conftest import act, at

# One scenario for the module (tests/reports/conftest.py): no test here needs an empty database.
SHARED_SCENARIO = True

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
COUNTS = (
    "carried_over",
    "received",
    "received_counter",
    "received_postal",
    "received_online",
    "received_assisted_online",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_on_time",
    "in_progress_overdue",
    "returned",
    "stopped",
    "refused",
    "digitisable",
    "digitised",
)
#          carried received ctr post onl ass | resolved early on_time late | open ok overdue | ret stop ref | dig
TOTALS = (1, 10, 7, 1, 1, 1, 7, 3, 2, 2, 2, 1, 2, 1, 1, 8, 2)
JUSTICE = (1, 9, 6, 1, 1, 1, 6, 3, 1, 2, 2, 1, 2, 1, 1, 7, 2)
DIVISION = (0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0)
CENTRE_ONLY = (1, 9, 6, 1, 1, 1, 6, 2, 2, 2, 2, 1, 2, 1, 1, 7, 2)  # everything but the commune's dossier
COMMUNE = (0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0)
ZERO = (0,) * len(COUNTS)


def counts(figures: Figures) -> tuple[int, ...]:
    return tuple(getattr(figures, name) for name in COUNTS)


def table(result) -> list[tuple[str, str, tuple[int, ...]]]:
    return [(row.key, row.label, counts(row.figures)) for row in result.rows]


def assert_balanced(figures: Figures) -> None:
    # Every dossier handled in the period ends it resolved, stopped or still in progress.
    assert figures.handled == figures.resolved + figures.stopped + figures.in_progress


def test_totals_of_march(scenario):
    result = summary(**MARCH)
    totals = result.totals
    assert counts(totals) == TOTALS
    assert (totals.handled, totals.received_online_total, totals.in_progress) == (11, 2, 3)
    assert totals.on_time_rate == round(5 / 7, 4)
    assert (totals.online_rate, totals.postal_rate, totals.digitisation_rate) == (0.2, 0.1, 0.25)
    assert totals.satisfaction_rate is None
    # (17 + 10 + 23.5 + 33 + 50 + 18 + 5) / 7 working hours; committed (6 × 24 + 8) / 7.
    assert (totals.avg_processing_hours, totals.avg_committed_hours) == (22.36, 21.71)
    assert_balanced(totals)
    assert any("hài lòng" in note for note in result.notes)
    assert result.unit is None and result.group_by == "unit"


def test_by_unit_is_the_competent_unit(scenario):
    result = summary(**MARCH, group_by="unit")
    assert table(result) == [
        ("H12.04", "Sở Tư pháp", JUSTICE),
        ("H12.04.01", "Phòng Hành chính tư pháp", DIVISION),
    ]
    justice, division = (row.figures for row in result.rows)
    assert (justice.avg_processing_hours, justice.avg_committed_hours) == (25.25, 24.0)
    assert (division.avg_processing_hours, division.avg_committed_hours) == (5.0, 8.0)
    assert justice.on_time_rate == round(4 / 6, 4)
    assert division.on_time_rate == 1.0
    assert counts(result.totals) == TOTALS
    for row in result.rows:
        assert_balanced(row.figures)
    assert "cơ quan giải quyết" in result.notes[0]


def test_by_field_and_by_procedure(scenario):
    by_field = summary(**MARCH, group_by="field")
    assert table(by_field) == [("CHUNGTHUC", "Chứng thực", DIVISION), ("HOTICH", "Hộ tịch", JUSTICE)]
    by_procedure = summary(**MARCH, group_by="procedure")
    assert table(by_procedure) == [
        ("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", JUSTICE),
        ("2.000884", "Thủ tục chứng thực chữ ký trong các giấy tờ, văn bản", DIVISION),
    ]
    assert counts(by_field.totals) == counts(by_procedure.totals) == TOTALS


def test_by_channel(scenario):
    result = summary(**MARCH, group_by="channel")
    assert table(result) == [
        ("counter", "Trực tiếp", (1, 7, 7, 0, 0, 0, 4, 2, 1, 1, 2, 1, 1, 1, 1, 7, 1)),
        ("postal", "Bưu chính công ích", (0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1)),
        ("online", "Trực tuyến", (0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0)),
        ("assisted_online", "Trực tuyến có hỗ trợ", (0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0)),
    ]
    online = result.rows[2].figures
    # Online dossiers arrive as files: no digitisation rate rather than a meaningless 100 %.
    assert (online.online_rate, online.digitisation_rate) == (1.0, None)
    assert counts(result.totals) == TOTALS


def test_by_officer_who_received_or_refused(scenario):
    result = summary(**MARCH, group_by="officer")
    assert table(result) == [
        ("tiepnhan_xa", "Lê Văn Xã", COMMUNE),
        ("tiepnhan", "Trần Thị Tiếp", CENTRE_ONLY),
    ]
    assert counts(result.totals) == TOTALS


def test_unit_filter_takes_competent_or_receiving_unit_and_sub_units(scenario):
    w = scenario.w
    assert counts(summary(**MARCH, unit=w.province).totals) == TOTALS
    centre = summary(**MARCH, unit=w.centre)
    assert counts(centre.totals) == CENTRE_ONLY
    # Received at the centre, grouped by who decides.
    assert [row.key for row in centre.rows] == ["H12.04", "H12.04.01"]
    assert table(summary(**MARCH, unit=w.commune_centre)) == [("H12.04", "Sở Tư pháp", COMMUNE)]
    # Sở Tư pháp with its division: the certification decided by Phòng HCTP is included.
    assert counts(summary(**MARCH, unit=w.justice).totals) == TOTALS
    assert counts(summary(**MARCH, unit=w.division).totals) == DIVISION


def test_inter_agency_dossiers_are_counted_once(scenario):
    w = scenario.w
    # Sở Xây dựng gave its opinion on eight of these dossiers but neither decides nor receives them.
    consulted = Dossier.objects.filter(steps__unit=w.construction).distinct().count()
    assert consulted == 8
    construction = summary(**MARCH, unit=w.construction)
    assert (construction.rows, counts(construction.totals)) == ([], ZERO)
    # The commune's dossier: received by H12.50, decided by H12.04, consulted H12.06 — one dossier.
    received_in_march = Dossier.objects.filter(
        received_at__gte=at(2026, 3, 1), received_at__lt=at(2026, 4, 1)
    ).count()
    assert summary(**MARCH, unit=w.province).totals.received == received_in_march == 10


def test_end_of_period_uses_the_due_date_in_force_and_stands_still_while_paused(scenario):
    # To 19 March: the extended dossier's original date (19 Mar 08:00) has passed, its new one (25 Mar) not.
    to_19 = summary(date_from=date(2026, 3, 1), date_to=date(2026, 3, 19)).totals
    assert (to_19.in_progress_on_time, to_19.in_progress_overdue) == (1, 0)
    # End of March: the supplement request (23 Mar) came before its due date (25 Mar), so it is within
    # time although 25 Mar has passed; the dossier due on 26 Mar and still processing is overdue.
    march = summary(**MARCH).totals
    assert (march.in_progress_on_time, march.in_progress_overdue) == (2, 1)


def test_what_is_in_progress_at_the_end_is_carried_over_into_the_next_period(scenario):
    april = summary(date_from=date(2026, 4, 1), date_to=date(2026, 4, 1)).totals
    assert april.carried_over == summary(**MARCH).totals.in_progress == 3
    assert (april.received, april.resolved) == (1, 0)


def test_scope_of_the_user(scenario):
    w = scenario.w
    assert summary(**MARCH, user=w.supervisor).unit == w.province
    own = summary(**MARCH, user=w.receiver)
    assert own.unit == w.centre
    assert counts(own.totals) == CENTRE_ONLY
    # The division's specialist works for Sở Tư pháp and sees its figures.
    assert counts(summary(**MARCH, user=w.specialist, unit=w.justice).totals) == TOTALS
    for user, unit in (
        (w.citizen, None),
        (w.citizen, w.centre),
        (w.commune_receiver, w.centre),
        (w.receiver, w.province),
        (w.specialist, w.province),
    ):
        with pytest.raises(NotPermitted):
            summary(**MARCH, user=user, unit=unit)


def _queries(group_by: str, user_id: int) -> int:
    user = User.objects.get(pk=user_id)  # a fresh object: roles are not cached on it yet
    with CaptureQueriesContext(connection) as captured:
        summary(**MARCH, group_by=group_by, user=user)
    return len(captured)


@pytest.mark.parametrize("group_by", ["unit", "field", "procedure", "channel", "officer"])
def test_summary_takes_the_same_few_queries_however_many_dossiers(
    scenario, group_by, django_assert_max_num_queries
):
    w = scenario.w
    before = _queries(group_by, w.supervisor.pk)
    start = at(2026, 3, 2, 8, 0)
    for day in range(12):
        received = start + timedelta(days=day, minutes=day)
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver, at=received)
        if day % 2:
            dossier = act(dossier, Action.TRANSFER, w.receiver, received + timedelta(hours=1))
            for actor in (w.head, w.specialist, w.builder):
                dossier = act(dossier, Action.FORWARD, actor, received + timedelta(hours=2))
            act(dossier, Action.APPROVE, w.leader, received + timedelta(hours=3))
    assert summary(**MARCH).totals.received == 22
    assert _queries(group_by, w.supervisor.pk) == before
    user = User.objects.get(pk=w.supervisor.pk)
    with django_assert_max_num_queries(11):
        summary(**MARCH, group_by=group_by, user=user)
