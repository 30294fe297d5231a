"""Satisfaction figures computed from ratings, on the March 2026 scenario of tests/reports/conftest.py.

Returned in March: finished_before (2 Mar, by tiepnhan), postal (4 Mar, by tiepnhan), and here also online
(13 Mar, by tiepnhan2), assisted (17 Mar, late, by tiepnhan) and commune (9 Mar at H12.50, by tiepnhan_xa);
late_april is returned on 3 April.

| dossier | rating | rated by the officer who returned it |
|---|---|---|
| finished_before | very satisfied (tablet) | tiepnhan |
| postal | not satisfied (QR) | tiepnhan |
| online | satisfied (own account) | tiepnhan2 |
| assisted | — (late) | |
| commune | satisfied (tablet) | tiepnhan_xa |
| late_april | very satisfied, but returned in April | tiepnhan |
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta

import openpyxl
import pytest
import time_machine

from motcua.accounts.services import api_token_issue
from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.dossiers.enums import Action
from motcua.org.enums import Role
from motcua.ratings.selectors import rating_aggregates
from motcua.ratings.services import rating_submit
from motcua.reports.dashboard import dashboard
from motcua.reports.excel import FIRST_DATA_ROW, summary_xlsx
from motcua.reports.index766 import State, index766, index766_dossiers
from motcua.reports.selectors import period_bounds, satisfaction_report, summary
from tests.factories import StaffRoleFactory, UserFactory
from tests.reports.conftest import TODAY, act, at, build_scenario

pytestmark = pytest.mark.django_db
MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


@dataclass
class Rated:
    w: object
    d: dict
    second_receiver: object


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def plain(clock):
    """The scenario without any rating."""
    return build_scenario()


@pytest.fixture
def rated(clock):
    scenario = build_scenario()
    w, d = scenario.w, scenario.dossiers
    second = UserFactory(username="tiepnhan2", full_name="Phạm Văn Trả")
    StaffRoleFactory(user=second, unit=w.centre, role=Role.RECEIVING_OFFICER)
    d["online"] = act(d["online"], Action.RETURN_RESULT, second, at(2026, 3, 13, 9, 0))
    d["assisted"] = act(d["assisted"], Action.RETURN_RESULT, w.receiver, at(2026, 3, 17, 9, 0))
    d["commune"] = act(d["commune"], Action.RETURN_RESULT, w.commune_receiver, at(2026, 3, 9, 9, 0))
    d["late_april"] = act(d["late_april"], Action.RETURN_RESULT, w.receiver, at(2026, 4, 3, 9, 0))

    def rate(name, overall, channel, actor=None, **criteria):
        dossier = d[name]
        rating_submit(
            dossier=dossier,
            answers={"overall": overall, **criteria},
            channel=channel,
            actor=actor,
            at=dossier.returned_at + timedelta(minutes=5),
        )

    rate(
        "finished_before", "very_satisfied", "kiosk", staff_attitude="courteous", time_versus_limit="earlier"
    )
    rate("postal", "not_satisfied", "qr", staff_attitude="poor", contacts_needed="three_or_more")
    rate("online", "satisfied", "online", actor=w.citizen, staff_attitude="courteous")
    rate("commune", "satisfied", "kiosk")
    rate("late_april", "very_satisfied", "kiosk")
    return Rated(w=w, d=d, second_receiver=second)


def test_without_ratings_every_satisfaction_figure_is_none(plain):
    totals = summary(**MARCH).totals
    assert (totals.returned, totals.rated, totals.satisfaction_rate) == (2, 0, None)
    assert dashboard(unit=None, **MARCH).satisfaction is None
    item = next(
        r
        for g in index766(**MARCH).groups
        for r in g.indicators
        if r.indicator.code == "DOSSIER_RECEIVING_SATISFACTION"
    )
    assert (item.state, item.points, item.ratio) == (State.NO_DATA, None, None)
    assert satisfaction_report(**MARCH).totals.satisfaction_rate is None


def test_summary_counts_the_ratings_of_the_dossiers_returned_in_the_period(rated):
    w = rated.w
    totals = summary(**MARCH).totals
    assert (totals.returned, totals.rated) == (5, 4)
    assert (totals.rated_very_satisfied, totals.rated_satisfied, totals.rated_not_satisfied) == (1, 2, 1)
    assert totals.satisfaction_rate == 0.75
    centre = summary(**MARCH, unit=w.centre).totals  # everything but the commune's dossier
    assert (centre.rated, centre.satisfaction_rate) == (3, 0.6667)
    april = summary(date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)).totals
    assert (april.rated, april.satisfaction_rate) == (1, 1.0)
    assert summary(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)).totals.satisfaction_rate is None


def test_summary_by_officer_follows_the_rows_dossiers(rated):
    # Rows of the statistics report are the officers who received: online was received by tiepnhan.
    rows = {row.key: row.figures for row in summary(**MARCH, group_by="officer").rows}
    assert (rows["tiepnhan"].rated, rows["tiepnhan"].satisfaction_rate) == (3, 0.6667)
    assert (rows["tiepnhan_xa"].rated, rows["tiepnhan_xa"].satisfaction_rate) == (1, 1.0)
    assert "tiepnhan2" not in rows


def test_aggregates_per_returning_officer_and_receiving_unit_are_exact(rated, django_assert_num_queries):
    start, end = period_bounds(MARCH["date_from"], MARCH["date_to"])
    with django_assert_num_queries(3):  # grouped counts, totals, labels: however many ratings
        rows, total = rating_aggregates(start=start, end=end, group_by="officer")
    assert [
        (r.key, r.label, r.count, r.very_satisfied, r.satisfied, r.not_satisfied, r.satisfaction_rate)
        for r in rows
    ] == [
        ("tiepnhan_xa", "Lê Văn Xã", 1, 0, 1, 0, 1.0),
        ("tiepnhan2", "Phạm Văn Trả", 1, 0, 1, 0, 1.0),
        ("tiepnhan", "Trần Thị Tiếp", 2, 1, 0, 1, 0.5),
    ]
    assert (total.count, total.satisfaction_rate) == (4, 0.75)
    assert total.criteria["staff_attitude"] == {"courteous": 2, "ordinary": 0, "poor": 1}
    assert total.criteria["contacts_needed"] == {"once": 0, "twice": 0, "three_or_more": 1}
    assert total.criteria["time_versus_limit"] == {"earlier": 1, "on_time": 0, "later": 0}

    rows, _ = rating_aggregates(start=start, end=end, group_by="unit")
    assert [(r.key, r.count, r.satisfaction_rate) for r in rows] == [
        ("H12.50", 1, 1.0),
        ("H12.99", 3, 0.6667),
    ]
    commune_only, total = rating_aggregates(start=start, end=end, unit_ids=[rated.w.commune_centre.pk])
    assert [(r.key, r.count) for r in commune_only] == [("H12.50", 1)] and total.count == 1


def test_satisfaction_report_is_scoped_like_the_statistics(rated):
    w = rated.w
    report = satisfaction_report(
        **MARCH, group_by="officer", user=w.receiver
    )  # default: the officer's centre
    assert report.unit == w.centre
    assert [(r.key, r.count) for r in report.rows] == [("tiepnhan2", 1), ("tiepnhan", 2)]
    with pytest.raises(NotPermitted):
        satisfaction_report(**MARCH, unit=w.province, user=w.receiver)
    with pytest.raises(ValidationFailed):
        satisfaction_report(**MARCH, group_by="field")


def test_dashboard_rate_and_page(rated, client):
    w = rated.w
    assert dashboard(unit=None, **MARCH).satisfaction == 0.75
    assert dashboard(unit=w.centre, **MARCH).satisfaction == 0.6667
    client.force_login(w.receiver)
    html = client.get(
        "/can-bo/bang-dieu-khien/", {"don_vi": "H12.99", "tu": "2026-03-01", "den": "2026-03-31"}
    )
    html = html.content.decode()
    assert 'data-key="satisfaction">67&nbsp;%<' in html
    assert 'data-key="rated_not_satisfied">1<' in html
    assert 'data-key="rated">3 / 4<' in html


def test_index766_dossier_satisfaction_follows_the_portal_formula(rated):
    result = index766(**MARCH)
    group = next(g for g in result.groups if g.group.code == "F")
    item = next(r for r in group.indicators if r.indicator.code == "DOSSIER_RECEIVING_SATISFACTION")
    # 5 returned; postal was rated not satisfied, assisted was late: 3 / 5, full points from 90 %.
    assert (item.state, item.numerator, item.denominator, item.ratio) == (State.COMPUTED, 3, 5, 0.6)
    assert item.points == 4.0
    assert (group.points, group.max_computed) == (4.0, 6)
    d = rated.d
    counted = set(index766_dossiers(code="DOSSIER_RECEIVING_SATISFACTION", part="tu", **MARCH))
    assert counted == {d["finished_before"], d["online"], d["commune"]}
    assert index766_dossiers(code="DOSSIER_RECEIVING_SATISFACTION", part="mau", **MARCH).count() == 5


def test_excel_and_api_carry_the_satisfaction_columns(rated, client):
    w = rated.w
    result = summary(**MARCH, unit=w.province)
    sheet = openpyxl.load_workbook(io.BytesIO(summary_xlsx(result))).active
    totals_row = [c.value for c in sheet[FIRST_DATA_ROW + len(result.rows)]]
    assert totals_row[1] == "Tổng cộng"
    assert totals_row[-2:] == [4, 0.75]

    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=w.supervisor)}"}
    body = client.get("/api/v1/reports/summary", {"from": "2026-03-01", "to": "2026-03-31"}, **headers).json()
    totals = body["totals"]
    assert (totals["rated"], totals["rated_not_satisfied"], totals["satisfaction_rate"]) == (4, 1, 0.75)

    response = client.get(
        "/api/v1/reports/satisfaction",
        {"from": "2026-03-01", "to": "2026-03-31", "group_by": "officer"},
        **headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"code": "H12", "name": "UBND tỉnh Cà Mau"}
    assert [(r["key"], r["count"], r["satisfaction_rate"]) for r in body["rows"]] == [
        ("tiepnhan_xa", 1, 1.0),
        ("tiepnhan2", 1, 1.0),
        ("tiepnhan", 2, 0.5),
    ]
    attitude = next(c for c in body["totals"]["criteria"] if c["code"] == "staff_attitude")
    assert attitude["article_item"] == 7
    assert [(a["value"], a["count"]) for a in attitude["answers"]] == [
        ("courteous", 2),
        ("ordinary", 0),
        ("poor", 1),
    ]
    bad = client.get(
        "/api/v1/reports/satisfaction", {"from": "2026-03-01", "to": "2026-03-31", "group_by": "x"}, **headers
    )
    assert bad.status_code == 422
