"""The operations dashboard: its series on the March 2026 scenario (tests/reports/conftest.py), the page,
and who may see it."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.enums import Channel
from motcua.reports.dashboard import (
    dashboard,
    index766_by_unit,
    on_time_rate_over_time,
    overdue_now_by_unit,
    received_by_period,
    received_per_day,
)
from motcua.reports.figures import period_sums, unit_scope
from motcua.reports.index766 import SUMS_KEY
from motcua.reports.models import FigureDelta
from motcua.reports.selectors import summary

# One scenario for the module (tests/reports/conftest.py): no test here needs an empty database.
SHARED_SCENARIO = True

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
URL = "/can-bo/bang-dieu-khien/"


def test_received_per_day_by_channel(scenario):
    series = received_per_day(unit=None, **MARCH)
    assert len(series["days"]) == 31 and series["days"][0] == date(2026, 3, 1)
    day = {d: i for i, d in enumerate(series["days"])}
    assert series["postal"][day[date(2026, 3, 2)]] == 1
    assert series["online"][day[date(2026, 3, 9)]] == 1
    assert series["assisted_online"][day[date(2026, 3, 10)]] == 1
    assert series["counter"][day[date(2026, 3, 16)]] == 1
    totals = summary(**MARCH).totals
    assert sum(series["counter"]) == totals.received_counter == 7
    assert sum(series["postal"]) + sum(series["online"]) + sum(series["assisted_online"]) == 3


def test_received_is_grouped_by_week_or_month_past_two_months(scenario):
    two_months = {"date_from": date(2026, 2, 1), "date_to": date(2026, 4, 3)}  # 62 days
    granularity, series = received_by_period(unit=None, **two_months)
    assert granularity == "day" and series == received_per_day(unit=None, **two_months)

    # Wednesday 25 February to Sunday 3 May: the first week counts from the 25th only.
    weeks = {"date_from": date(2026, 2, 25), "date_to": date(2026, 5, 3)}
    granularity, series = received_by_period(unit=None, **weeks)
    daily = received_per_day(unit=None, **weeks)
    assert granularity == "week"
    assert series["days"][0] == date(2026, 2, 23) and all(d.weekday() == 0 for d in series["days"])
    assert len(series["days"]) == 10
    by_week = dict(zip(series["days"], series["postal"], strict=True))
    assert by_week[date(2026, 3, 2)] == 1  # the postal dossier of Monday 2 March
    for channel in ("counter", "postal", "online", "assisted_online"):
        assert sum(series[channel]) == sum(daily[channel])

    year = {"date_from": date(2025, 6, 15), "date_to": date(2026, 6, 14)}
    granularity, series = received_by_period(unit=None, **year)
    assert granularity == "month"
    assert series["days"][0] == date(2025, 6, 1) and series["days"][-1] == date(2026, 6, 1)
    assert len(series["days"]) == 13
    march = series["days"].index(date(2026, 3, 1))
    assert series["counter"][march] == summary(**MARCH).totals.received_counter == 7
    # Whole months are read from the month sums, the cut ones at either end from the days: per month the
    # same as the days added up.
    daily = received_per_day(unit=None, **year)
    for channel in ("counter", "postal", "online", "assisted_online"):
        by_month = dict.fromkeys(series["days"], 0)
        for day, count in zip(daily["days"], daily[channel], strict=True):
            by_month[day.replace(day=1)] += count
        assert series[channel] == list(by_month.values())
    assert sum(series["counter"]) > 7  # the scenario has counter dossiers outside March too


def test_on_time_rate_per_month_matches_summary(scenario):
    granularity, points = on_time_rate_over_time(
        unit=None, date_from=date(2026, 1, 1), date_to=date(2026, 4, 30)
    )
    assert granularity == "month"
    march = next(p for p in points if p.start == date(2026, 3, 1))
    assert (march.resolved, march.on_time, march.rate) == (7, 5, round(5 / 7, 4))
    # Cut months at both ends: only their days inside the period count.
    granularity, cut = on_time_rate_over_time(
        unit=None, date_from=date(2026, 1, 5), date_to=date(2026, 4, 15)
    )
    assert granularity == "month" and {date(2026, 3, 1), date(2026, 4, 1)} <= {p.start for p in cut}
    for point in cut:
        first = max(point.start, date(2026, 1, 5))
        last = min((point.start + timedelta(days=31)).replace(day=1) - timedelta(days=1), date(2026, 4, 15))
        totals = summary(date_from=first, date_to=last).totals
        assert (point.resolved, point.on_time) == (
            totals.resolved,
            totals.resolved_early + totals.resolved_on_time,
        )


@pytest.mark.parametrize(
    "period",
    [(date(2025, 11, 20), date(2026, 3, 5)), (date(2026, 3, 5), date(2026, 6, 30))],
    ids=["cut-at-the-end", "cut-at-the-start"],
)
def test_monthly_series_count_only_the_days_of_a_cut_month(scenario, period):
    # March holds dossiers on both sides of the 5th (tests/reports/conftest.py); whole months come from the
    # month sums, the cut March from its days.
    first, last = period
    granularity, series = received_by_period(unit=None, date_from=first, date_to=last)
    daily = received_per_day(unit=None, date_from=first, date_to=last)
    assert granularity == "month"
    for channel in ("counter", "postal", "online", "assisted_online"):
        by_month = dict.fromkeys(series["days"], 0)
        for day, count in zip(daily["days"], daily[channel], strict=True):
            by_month[day.replace(day=1)] += count
        assert series[channel] == list(by_month.values())
    march = series["days"].index(date(2026, 3, 1))
    march_inside = summary(date_from=max(first, date(2026, 3, 1)), date_to=min(last, date(2026, 3, 31)))
    assert sum(series[c][march] for c in Channel.values) == march_inside.totals.received > 0

    _, points = on_time_rate_over_time(unit=None, date_from=first, date_to=last)
    resolved = {p.start: (p.resolved, p.on_time) for p in points}
    totals = march_inside.totals
    assert resolved.get(date(2026, 3, 1), (0, 0)) == (
        totals.resolved,
        totals.resolved_early + totals.resolved_on_time,
    )
    assert summary(**MARCH).totals.resolved > totals.resolved  # the cut leaves some of March out


def test_on_time_rate_per_week_for_short_periods(scenario):
    granularity, points = on_time_rate_over_time(unit=None, **MARCH)
    assert granularity == "week"
    assert all(p.start.weekday() == 0 for p in points)
    assert sum(p.resolved for p in points) == 7 and sum(p.on_time for p in points) == 5


def test_overdue_now_by_unit(scenario, w):
    # On 20 April: "overdue" (due 26 March) and "april" (received 1 April, 3 working days) are overdue;
    # "supplement" waits for the citizen since before its due date, so it is within time.
    rows = overdue_now_by_unit(unit=None)
    assert [(r.code, r.value) for r in rows] == [("H12.04", 2)]
    assert overdue_now_by_unit(unit=w.commune_centre) == []


def test_satisfaction_and_index766_are_not_invented(scenario):
    assert dashboard(unit=None, **MARCH).satisfaction is None
    rows = index766_by_unit(unit=None, **MARCH)
    assert rows and all(isinstance(row.value, float | int) for row in rows)


@pytest.mark.parametrize("unit_name", [None, "centre", "commune_centre"])
@pytest.mark.parametrize(
    "period",
    [MARCH, {"date_from": date(2025, 5, 1), "date_to": date(2026, 4, 30)}],
    ids=["month", "year"],
)
def test_dashboard_shares_its_reads_and_equals_each_figure_read_alone(scenario, w, unit_name, period):
    unit = getattr(w, unit_name) if unit_name else None
    with CaptureQueriesContext(connection) as queries:
        board = dashboard(unit=unit, **period)
    sums_reads = [q for q in queries if FigureDelta._meta.db_table in q["sql"]]
    # The period's three reads (flows, opening, closing) once for the report and the index, the days once.
    assert len(sums_reads) == 4

    alone = summary(unit=unit, **period)
    assert board.summary.totals == alone.totals and board.summary.rows == alone.rows
    assert board.index766 == index766_by_unit(unit=unit, **period)
    assert (board.received_granularity, board.received) == received_by_period(unit=unit, **period)
    assert (board.on_time_granularity, board.on_time) == on_time_rate_over_time(unit=unit, **period)
    assert board.overdue == overdue_now_by_unit(unit=unit)
    assert board.satisfaction == alone.totals.satisfaction_rate


def test_a_shared_read_is_checked_against_what_it_is_used_for(scenario, w):
    province = {"date_from": MARCH["date_from"], "date_to": MARCH["date_to"], "scope": unit_scope(None)}
    read = period_sums(**province, group=SUMS_KEY)
    folded = read.regroup(**province, group=("competent_unit_id", "channel"))
    direct = period_sums(**province, group=("competent_unit_id", "channel"))
    assert folded.flows == direct.flows and folded.closing == direct.closing
    assert folded.opening == direct.opening
    with pytest.raises(ValueError, match="another period"):
        read.regroup(**{**province, "date_to": date(2026, 3, 30)}, group=("channel",))
    with pytest.raises(ValueError, match="another period or scope"):
        read.regroup(**{**province, "scope": unit_scope([w.centre.pk])}, group=("channel",))
    with pytest.raises(ValueError, match="not per"):
        read.regroup(**province, group=("officer_id",))
    with pytest.raises(ValueError, match="another period"):
        summary(**MARCH, unit=w.centre, sums=read)


def test_page_shows_key_numbers_and_charts(client, scenario, w):
    client.force_login(w.receiver)
    response = client.get(URL, {"don_vi": "H12.99", "tu": "2026-03-01", "den": "2026-03-31"})
    assert response.status_code == 200
    html = response.content.decode()
    # The centre alone: everything but the commune's dossier (tests/reports/test_summary.py CENTRE_ONLY).
    assert 'data-key="received">9<' in html
    assert 'data-key="resolved">6<' in html
    assert 'data-key="on_time_rate">67&nbsp;%<' in html
    assert 'data-key="overdue_now">2<' in html
    assert "chưa có đánh giá" in html  # no rating in the scenario: never a made-up rate
    assert html.count("<svg") >= 3
    assert "<title" in html and "Hồ sơ tiếp nhận theo ngày và hình thức nộp</title>" in html
    assert 'role="img"' in html
    assert 'http-equiv="refresh" content="300"' in html
    assert "@media print" in html


def test_a_year_shows_received_per_month(client, scenario, w):
    client.force_login(w.receiver)
    response = client.get(URL, {"tu": "2025-05-01", "den": "2026-04-30"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hồ sơ tiếp nhận theo tháng và hình thức nộp</title>" in html
    section = html[html.index("Hồ sơ tiếp nhận theo tháng") :]
    chart = section[: section.index("</svg>")]
    assert "Từ 01/05/2025 đến 30/04/2026" in chart
    # Twelve months, the first and January with their year.
    labels = re.findall(r'class="(?:major|)">(T\d+(?:/\d\d)?)</text>', chart)
    assert labels[0] == "T5/25" and "T1/26" in labels and len(labels) == 12


def test_default_period_is_the_last_30_days(client, scenario, w):
    client.force_login(w.receiver)
    response = client.get(URL)
    assert response.status_code == 200
    assert (response.context["date_from"], response.context["date_to"]) == (
        date(2026, 3, 22),
        date(2026, 4, 20),
    )


def test_permissions(client, scenario, w):
    assert client.get(URL).status_code == 302
    client.force_login(w.citizen)
    assert client.get(URL).status_code == 403
    client.force_login(w.commune_receiver)
    assert client.get(URL, {"don_vi": "H12.99"}).status_code == 403
    assert client.get(URL, {"don_vi": "H12.50"}).status_code == 200


def test_bad_dates_are_errors(client, scenario, w):
    client.force_login(w.receiver)
    response = client.get(URL, {"tu": "2026-03-31", "den": "2026-03-01"})
    assert response.status_code == 422
    assert "Có lỗi cần sửa" in response.content.decode()


def test_index766_by_unit_carries_the_computable_maximum(scenario):
    rows = index766_by_unit(unit=scenario.w.centre.parent or scenario.w.centre, **MARCH)
    assert rows and all(row.maximum is not None and 0 <= row.maximum <= 100 for row in rows)
    assert any(row.maximum > 0 for row in rows)
    assert all(row.value <= row.maximum for row in rows)


def test_on_time_chart_shows_a_zero_week_apart_from_a_week_without_results(client, scenario, w):
    client.force_login(w.receiver)
    response = client.get(URL, {"don_vi": "H12.99", "tu": "2026-03-01", "den": "2026-03-31"})
    html = response.content.decode()
    section = html[html.index('id="db-on-time"') :]
    chart = section[: section.index("</svg>")]
    weeks = re.findall(r'class="">(\d\d/\d\d)</text>', chart)
    values = re.findall(r'class="value">([^<]*)</text>', chart)
    # 1 March (a Sunday) and 30–31 March resolve nothing: a dash. "assisted" (16 Mar) and "extended" (24 Mar)
    # are late, alone in their weeks: 0 %, with the stub on the axis — the two no longer look alike.
    assert list(zip(weeks, values, strict=True)) == [
        ("23/02", "—"),
        ("02/03", "100%"),
        ("09/03", "100%"),
        ("16/03", "0%"),
        ("23/03", "0%"),
        ("30/03", "—"),
    ]
    assert chart.count('class="rect zero"') == 2
    assert "— : tuần không có hồ sơ giải quyết xong</text>" in chart
    assert "Tuần từ 30/03/2026: không có hồ sơ giải quyết xong." in chart


@pytest.mark.parametrize(
    "url",
    ["/can-bo/bang-dieu-khien/", "/can-bo/bao-cao/", "/can-bo/bao-cao/766/", "/can-bo/bao-cao/diem-nghen/"],
)
def test_a_page_answering_with_an_error_keeps_the_default_unit_selected(client, scenario, w, url):
    # Without a chosen unit the figures are the officer's highest unit's; the list must show that unit even
    # when the dates are wrong, or a second "Xem" would take the list's first unit (alphabetical) instead.
    client.force_login(w.supervisor)
    response = client.get(url, {"tu": "2026-13-01"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Ngày không hợp lệ (định dạng yyyy-mm-dd)." in html
    units = html[html.index('name="don_vi"') :]
    units = units[: units.index("</select>")]
    assert re.findall(r'<option value="([^"]+)" selected>', units) == [w.province.agency_code]
