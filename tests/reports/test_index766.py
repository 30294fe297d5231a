"""Decision 766 index (reports/index766.py) on the March 2026 scenario of tests/reports/conftest.py."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.enums import OnlineLevel
from motcua.core.exceptions import NotPermitted, ValidationFailed
from motcua.docstore.models import StoredDocument
from motcua.dossiers.results import dossier_result_attach
from motcua.paperwork.signing import certificates_demo_create
from motcua.reports.index766 import GROUPS, INDICATORS, State, index766, index766_dossiers
from motcua.reports.models import ManualIndicatorValue

# One scenario for the module (tests/reports/conftest.py): no test here needs an empty database.
SHARED_SCENARIO = True

MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
URL = "/api/v1/reports/index766"
PAGE = "/can-bo/bao-cao/766/"
DRILL = "/can-bo/bao-cao/766/ho-so/"


def indicator(result, code):
    return next(r for g in result.groups for r in g.indicators if r.indicator.code == code)


def group(result, code):
    return next(g for g in result.groups if g.group.code == code)


@pytest.fixture
def end_to_end(scenario):
    """Hộ tịch 1.004873 offered end to end; the same-day certification stays partial."""
    version = scenario.dossiers["carried"].procedure_version
    version.online_level = OnlineLevel.END_TO_END
    version.save(update_fields=["online_level"])
    return version


def test_the_indicators_add_up_to_the_six_groups():
    assert [(g.code, g.maximum) for g in GROUPS] == [
        ("A", 18),
        ("B", 20),
        ("C", 12),
        ("D", 10),
        ("E", 22),
        ("F", 18),
    ]
    assert sum(i.maximum for i in INDICATORS) == 100
    assert all(i.formula and i.source.startswith("legal-spec §3.2") for i in INDICATORS)


def test_points_of_march_for_the_province(scenario, end_to_end):
    result = index766(**MARCH)
    progress = indicator(result, "PROGRESS_ON_TIME")
    # early 3 + on time 2 + in progress within time 2, over carried over 1 + received 10.
    assert (progress.state, progress.numerator, progress.denominator) == (State.COMPUTED, 7, 11)
    assert (progress.ratio, progress.points) == (0.6364, 12.73)
    online = indicator(result, "ONLINE_END_TO_END")
    # Received in March of the end-to-end procedure: all but the same-day certification; 2 online.
    assert (online.numerator, online.denominator, online.points) == (2, 9, 2.67)
    digitised = indicator(result, "SO_HOA_GIAY_TO_GIAI_QUYET")
    assert (digitised.numerator, digitised.denominator, digitised.points) == (2, 8, 1.0)
    assert [(g.group.code, g.points, g.max_computed) for g in result.groups] == [
        ("A", 0, 0),
        ("B", 12.73, 20),
        ("C", 2.67, 12),
        ("D", 0, 6),  # fees to pay, none paid online (tests/payments)
        ("E", 1.0, 12),
        ("F", 0, 0),
    ]
    assert (result.points, result.max_computed, result.maximum) == (16.4, 50, 100)


def test_not_computed_indicators_have_no_points_and_no_maximum(scenario):
    result = index766(**MARCH)
    for code in (
        "DOSSIER_SYNC",
        "PUBLISH_ON_TIME",
        "PAYMENT_FORMALITY_OFFERED",
        "PETITION_HANDLING_SATISFACTION",
    ):
        item = indicator(result, code)
        assert (item.state, item.ratio, item.points) == (State.NOT_COMPUTED, None, None)
        assert item.reason
    # Two dossiers were returned in March but nobody rated them: no points, never a guess.
    satisfaction = indicator(result, "DOSSIER_RECEIVING_SATISFACTION")
    assert (satisfaction.state, satisfaction.denominator, satisfaction.points) == (State.NO_DATA, 2, None)
    assert satisfaction.reason == "Chưa có đánh giá của người dân về các hồ sơ trả kết quả trong kỳ."
    # Without any end-to-end procedure, C has nothing to count: no points, not 0 and not 12.
    online = indicator(result, "ONLINE_END_TO_END")
    assert (online.state, online.denominator, online.points) == (State.NO_DATA, 0, None)
    assert group(result, "C").max_computed == 0
    assert result.max_computed == 38


def test_an_administrator_value_is_used_for_its_unit_and_period_only(scenario):
    w = scenario.w
    ManualIndicatorValue.objects.create(
        unit=w.province,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        code="PUBLISH_ON_TIME",
        value=Decimal("0.9"),
        note="Sở Tư pháp báo cáo",
    )
    ManualIndicatorValue.objects.create(
        unit=w.province,
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 30),
        code="PUBLIC_CONTENT_FULL",
        value=Decimal("1"),
    )
    result = index766(**MARCH, unit=w.province)
    published = indicator(result, "PUBLISH_ON_TIME")
    assert (published.state, published.ratio, published.points, published.note) == (
        State.MANUAL,
        0.9,
        5.4,
        "Sở Tư pháp báo cáo",
    )
    assert indicator(result, "PUBLIC_CONTENT_FULL").state == State.NOT_COMPUTED  # another period
    assert (group(result, "A").points, group(result, "A").max_computed) == (5.4, 6)
    assert indicator(index766(**MARCH, unit=w.justice), "PUBLISH_ON_TIME").points is None


def test_each_child_row_is_the_childs_own_index(scenario):
    """with_children reads once for every unit: each child's groups equal that child's own index, an
    administrator's value entered for a child included."""
    w = scenario.w
    ManualIndicatorValue.objects.create(
        unit=w.justice,
        period_start=MARCH["date_from"],
        period_end=MARCH["date_to"],
        code="PUBLISH_ON_TIME",
        value=Decimal("0.5"),
    )
    result = index766(**MARCH, unit=w.province, with_children=True)
    assert len(result.children) > 1 and w.justice in [child for child, _ in result.children]

    def rows(groups):
        return [
            (i.indicator.code, i.state, i.numerator, i.denominator, i.points)
            for g in groups
            for i in g.indicators
        ]

    for child, groups in result.children:
        assert rows(groups) == rows(index766(**MARCH, unit=child).groups), child.agency_code
    justice = dict(result.children)[w.justice]
    assert next(i for g in justice for i in g.indicators if i.indicator.code == "PUBLISH_ON_TIME").points == 3
    assert rows(result.groups) == rows(index766(**MARCH, unit=w.province).groups)


def test_drill_down_lists_exactly_the_dossiers_counted(scenario, end_to_end):
    d = scenario.dossiers
    result = index766(**MARCH)
    for code in ("PROGRESS_ON_TIME", "ONLINE_END_TO_END", "SO_HOA_GIAY_TO_GIAI_QUYET"):
        item = indicator(result, code)
        assert index766_dossiers(code=code, part="tu", **MARCH).count() == item.numerator
        assert index766_dossiers(code=code, part="mau", **MARCH).count() == item.denominator
    on_time = set(index766_dossiers(code="PROGRESS_ON_TIME", part="tu", **MARCH))
    names = {"carried", "postal", "online", "commune", "same_day", "supplement", "late_april"}
    assert on_time == {d[name] for name in names}
    assert set(index766_dossiers(code="SO_HOA_GIAY_TO_GIAI_QUYET", part="tu", **MARCH)) == {
        d["postal"],
        d["extended"],
    }
    with pytest.raises(ValidationFailed):
        index766_dossiers(code="DOSSIER_SYNC", part="tu", **MARCH)
    with pytest.raises(ValidationFailed):
        index766_dossiers(code="PROGRESS_ON_TIME", part="x", **MARCH)


def test_drill_down_is_scoped_to_the_officers_units(scenario):
    w = scenario.w
    mine = index766_dossiers(code="PROGRESS_ON_TIME", part="mau", **MARCH, user=w.commune_receiver)
    assert list(mine) == [scenario.dossiers["commune"]]
    with pytest.raises(NotPermitted):
        index766_dossiers(code="PROGRESS_ON_TIME", part="mau", **MARCH, unit=w.province, user=w.receiver)


def test_api_shape(scenario, client):
    client.force_login(scenario.w.supervisor)
    response = client.get(URL, {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"from": "2026-03-01", "to": "2026-03-31"}
    assert body["unit"] == {"code": "H12", "name": "UBND tỉnh Cà Mau"}
    assert (body["points"], body["max_computed"], body["maximum"]) == (13.73, 38, 100)
    assert [(g["code"], g["maximum"], g["points"], g["max_computed"]) for g in body["groups"]] == [
        ("A", 18, 0, 0),
        ("B", 20, 12.73, 20),
        ("C", 12, 0, 0),
        ("D", 10, 0, 6),
        ("E", 22, 1.0, 12),
        ("F", 18, 0, 0),
    ]
    progress = body["groups"][1]["indicators"][0]
    assert progress == {
        "code": "PROGRESS_ON_TIME",
        "name": progress["name"],
        "maximum": 20,
        "formula": progress["formula"],
        "source": progress["source"],
        "state": "computed",
        "numerator": 7,
        "denominator": 11,
        "ratio": 0.6364,
        "points": 12.73,
        "reason": "",
        "note": "",
    }
    assert "dvc-progress-tree" in progress["source"]
    sync = body["groups"][0]["indicators"][3]
    assert (sync["code"], sync["state"], sync["points"]) == ("DOSSIER_SYNC", "not_computed", None)


def test_api_permissions(scenario, client):
    w = scenario.w
    query = {"from": "2026-03-01", "to": "2026-03-31", "unit": "H12"}
    assert client.get(URL, query).status_code == 401
    client.force_login(w.receiver)
    refused = client.get(URL, query)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_permitted"
    client.force_login(w.citizen)
    assert client.get(URL, query).status_code == 403
    client.force_login(w.supervisor)
    assert client.get(URL, {**query, "unit": "X9"}).status_code == 404
    invalid = client.get(URL, {**query, "from": "2026-04-01"})
    assert invalid.status_code == 422
    assert invalid.json()["error"]["code"] == "validation_failed"


def test_page_shows_points_formulas_children_and_links(scenario, client):
    w = scenario.w
    client.force_login(w.supervisor)
    response = client.get(PAGE, {"tu": "2026-03-01", "den": "2026-03-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "12.73 / 20" in html or "12,73 / 20" in html
    assert "chưa tính được" in html
    assert "dvc-progress-tree" in html
    assert "Sở Tư pháp" in html  # a child unit row
    assert (
        f"{DRILL}?don_vi=H12&amp;tu=2026-03-01&amp;den=2026-03-31&amp;chi_so=PROGRESS_ON_TIME&amp;phan=tu"
        in html
    )


def test_drill_down_page(scenario, client):
    w = scenario.w
    client.force_login(w.supervisor)
    query = {"tu": "2026-03-01", "den": "2026-03-31", "don_vi": "H12", "chi_so": "SO_HOA_GIAY_TO_GIAI_QUYET"}
    response = client.get(DRILL, {**query, "phan": "tu"})
    assert response.status_code == 200
    html = response.content.decode()
    assert scenario.dossiers["postal"].code in html and scenario.dossiers["extended"].code in html
    assert scenario.dossiers["online"].code not in html
    assert client.get(DRILL, {**query, "chi_so": "DOSSIER_SYNC"}).status_code == 422
    client.force_login(w.receiver)
    assert client.get(DRILL, {**query, "phan": "tu"}).status_code == 403
    client.force_login(w.citizen)
    assert client.get(DRILL, {**query, "phan": "tu"}).status_code == 403


def test_signed_e_results_and_reused_components_count_in_group_e(scenario, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    certificates_demo_create()
    resolved = list(index766_dossiers(code="ORIGINAL_RESULT_AVAILABLE", part="mau", **MARCH))
    received = list(index766_dossiers(code="REUSED_DIGITIZED_DATA", part="mau", **MARCH))
    assert len(resolved) >= 2 and len(received) >= 2
    before = index766(**MARCH)
    assert indicator(before, "ORIGINAL_RESULT_AVAILABLE").numerator == 0
    assert indicator(before, "REUSED_DIGITIZED_DATA").numerator == 0

    signed = resolved[0]
    dossier_result_attach(dossier=signed, actor=scenario.w.leader)
    # The reuse itself is made by online submission (tests/online); here only its record is counted.
    reusing = received[0]
    stored = StoredDocument.objects.create(
        owner=scenario.w.citizen,
        kind=StoredDocument.Kind.SUBMITTED,
        name="Căn cước công dân",
        file=SimpleUploadedFile("cccd.pdf", b"%PDF-1.4"),
        sha256="0" * 64,
    )
    document = reusing.documents.first()
    document.reused_from = stored
    document.save(update_fields=["reused_from"])

    result = index766(**MARCH)
    e_result = indicator(result, "ORIGINAL_RESULT_AVAILABLE")
    assert (e_result.state, e_result.numerator, e_result.denominator) == (State.COMPUTED, 1, len(resolved))
    assert e_result.points == round(6 / len(resolved), 2)
    reuse = indicator(result, "REUSED_DIGITIZED_DATA")
    assert (reuse.numerator, reuse.denominator) == (1, len(received))
    # Full points at 80 %: min(2, 2 × ratio ÷ 0.8).
    assert reuse.points == round(min(2, 2 * round(1 / len(received), 4) / 0.8), 2)
    assert list(index766_dossiers(code="ORIGINAL_RESULT_AVAILABLE", part="tu", **MARCH)) == [signed]
    assert list(index766_dossiers(code="REUSED_DIGITIZED_DATA", part="tu", **MARCH)) == [reusing]
