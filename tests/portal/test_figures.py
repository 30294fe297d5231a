"""Public figures per unit and the open-data feed: exact figures of the March 2026 scenario, and every
open-data row recomputed from the dossiers with the report selector `summary`."""

import csv
import io
import json
from calendar import monthrange
from datetime import date

import pytest

from motcua.org.models import Unit
from motcua.reports.dashboard import OPEN_DATA_COLUMNS
from motcua.reports.selectors import summary
from tests.reports.conftest import build_scenario

pytestmark = pytest.mark.usefixtures("scenario")


@pytest.fixture
def scenario(db, clock):
    return build_scenario()


@pytest.fixture
def clock():
    import time_machine

    from tests.reports.conftest import TODAY

    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


def recount(code: str, month: str) -> dict:
    year, number = int(month[:4]), int(month[5:])
    totals = summary(
        date_from=date(year, number, 1),
        date_to=date(year, number, monthrange(year, number)[1]),
        unit=Unit.objects.get(agency_code=code),
    ).totals
    return {
        "received": totals.received,
        "received_online": totals.received_online_total,
        "received_postal": totals.received_postal,
        "resolved": totals.resolved,
        "resolved_on_time": totals.resolved_early + totals.resolved_on_time,
        "resolved_late": totals.resolved_late,
        "on_time_rate": totals.on_time_rate,
    }


def test_json_rows_equal_the_recount(client):
    response = client.get("/so-lieu/du-lieu-mo.json")
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["columns"] == list(OPEN_DATA_COLUMNS)
    rows = payload["rows"]
    units = Unit.objects.filter(is_active=True).count()
    assert len(rows) == units * 12
    assert rows[0]["month"] == "2025-05" and rows[11]["month"] == "2026-04"
    for row in rows:
        expected = recount(row["unit_code"], row["month"])
        assert {k: row[k] for k in expected} == expected, row
    justice_march = next(r for r in rows if r["unit_code"] == "H12.04" and r["month"] == "2026-03")
    assert justice_march == {
        "unit_code": "H12.04",
        "unit_name": "Sở Tư pháp",
        "month": "2026-03",
        "received": 10,
        "received_online": 2,
        "received_postal": 1,
        "resolved": 7,
        "resolved_on_time": 5,
        "resolved_late": 2,
        "on_time_rate": round(5 / 7, 4),
    }


def test_csv_has_bom_header_and_the_same_rows(client):
    response = client.get("/so-lieu/du-lieu-mo.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    reader = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(reader[0]) == OPEN_DATA_COLUMNS
    as_json = json.loads(client.get("/so-lieu/du-lieu-mo.json").content)["rows"]
    assert len(reader) - 1 == len(as_json)
    for line, row in zip(reader[1:], as_json, strict=True):
        assert line == ["" if row[c] is None else str(row[c]) for c in OPEN_DATA_COLUMNS]


def test_index_lists_units_with_twelve_month_figures(client):
    response = client.get("/so-lieu/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/so-lieu/H12.04/"' in html and "Sở Tư pháp" in html
    justice = next(f for unit, f in response.context["rows"] if unit.agency_code == "H12.04")
    # March: 10 received, 7 resolved; February: finished_before and carried received; April: 2 more, 1 result.
    assert justice["received"] == sum(
        recount("H12.04", m)["received"] for m in ("2026-02", "2026-03", "2026-04")
    )


def test_unit_page_shows_months_children_and_an_svg_chart(client):
    response = client.get("/so-lieu/H12.04/")
    assert response.status_code == 200
    html = response.content.decode()
    march = next(m for m in response.context["months"] if m["month"] == "2026-03")
    assert (march["received"], march["resolved"], march["on_time"], march["online"]) == (
        10,
        7,
        "71,4 %",
        "20,0 %",
    )
    assert [child.agency_code for child, _ in response.context["children"]] == ["H12.04.01"]
    assert "<svg" in html and 'role="img"' in html and "<title" in html
    # The chart's title is a heading that wraps on a phone, not SVG text inside the sideways-scrolling frame.
    title = "Hồ sơ tiếp nhận và giải quyết theo tháng – Sở Tư pháp"
    assert f'<h2 id="figures-chart-title">{title}</h2>' in html and f">{title}</text>" not in html
    assert "Nguyễn" not in html  # no applicant names: counts only


def test_unknown_unit_is_404(client):
    assert client.get("/so-lieu/H99.99/").status_code == 404
