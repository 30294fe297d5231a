import io

import openpyxl

from motcua.accounts.services import api_token_issue

# One scenario for the module (tests/reports/conftest.py): no test here needs an empty database.
SHARED_SCENARIO = True

URL = "/api/v1/reports/summary"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def test_summary_json_for_the_supervisor(scenario, client):
    w = scenario.w
    client.force_login(w.supervisor)
    response = client.get(URL, {**MARCH, "group_by": "channel"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert body["unit"] == {"code": "H12", "name": "UBND tỉnh Cà Mau"}
    assert body["group_by"] == "channel"
    assert [(r["key"], r["received"]) for r in body["rows"]] == [
        ("counter", 7),
        ("postal", 1),
        ("online", 1),
        ("assisted_online", 1),
    ]
    totals = body["totals"]
    assert {k: totals[k] for k in ("carried_over", "received", "resolved", "in_progress_overdue")} == {
        "carried_over": 1,
        "received": 10,
        "resolved": 7,
        "in_progress_overdue": 1,
    }
    assert (totals["on_time_rate"], totals["online_rate"], totals["satisfaction_rate"]) == (0.7143, 0.2, None)
    assert (totals["avg_processing_hours"], totals["avg_committed_hours"]) == (22.36, 21.71)
    assert any("hài lòng" in note for note in body["notes"])


def test_summary_with_a_token_for_the_officers_own_centre(scenario, client):
    w = scenario.w
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=w.receiver)}"}
    response = client.get(URL, MARCH, **headers)
    assert response.status_code == 200
    assert response.json()["unit"]["code"] == "H12.99"
    assert response.json()["totals"]["received"] == 9
    refused = client.get(URL, {**MARCH, "unit": "H12"}, **headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_permitted"


def test_summary_as_excel(scenario, client):
    client.force_login(scenario.w.supervisor)
    response = client.get(URL, {**MARCH, "unit": "H12.04", "group_by": "field", "format": "xlsx"})
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="bao-cao-tthc-H12.04-20260301-20260331.xlsx"'
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    labels = [sheet.cell(row=r, column=2).value for r in range(1, sheet.max_row + 1)]
    assert {"Lĩnh vực", "Chứng thực", "Hộ tịch", "Tổng cộng"} <= set(labels)


def test_errors_share_the_envelope(scenario, client):
    w = scenario.w
    client.force_login(w.supervisor)
    cases = [
        ({"from": "2026-03-31", "to": "2026-03-01"}, 422, "validation_failed"),
        ({"from": "2026-01-01", "to": "2027-01-02"}, 422, "validation_failed"),
        ({**MARCH, "group_by": "province"}, 422, "validation_failed"),
        ({"from": "01/03/2026", "to": "2026-03-31"}, 422, "validation_failed"),
        ({**MARCH, "unit": "H99.99"}, 404, "not_found"),
    ]
    for params, status, code in cases:
        response = client.get(URL, params)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), params
    client.force_login(w.citizen)
    assert client.get(URL, MARCH).status_code == 403
    client.logout()
    assert client.get(URL, MARCH).status_code == 401
