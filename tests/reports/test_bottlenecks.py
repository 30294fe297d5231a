"""Bottlenecks and the at-risk list, on dossiers driven through the real services with back-dated instants.

Procedure 1.004873 (3 working days = 24 h) runs: Tiếp nhận (centre, 2 h), Phân công (Sở Tư pháp, 2 h),
Thẩm định (Sở Tư pháp, 8 h), Lấy ý kiến Sở Xây dựng (4 h, another body), Ký duyệt (Sở Tư pháp, 4 h), Trả kết
quả (centre). Office hours 07–11 and 13–17.

| dossier | received | what happens |
|---|---|---|
| A | Mon 2 Mar 08:00 | Sở Xây dựng takes 15 h of its 4 (11 h over), the signature 5 h of 4: late (due Thu 08:00) |
| B | Mon 2 Mar 08:00 | supplement Mon 14:00 → Wed 08:00 (12 h); Thẩm định 11.5 h of 8 (3.5 h over), Ký duyệt 10 h of 4 (6 h) |
| C | Mon 9 Mar 08:00 | still at Phân công on Tue 10 Mar 10:00: 14 h left, 16 h of steps to go → at risk |
| D | Tue 10 Mar 08:00 | at Tiếp nhận: 22 h left, 18 h to go → not at risk |
| E | Mon 9 Mar 08:00 | waiting for a supplement → not in the list (its clock stands still) |
"""

from datetime import date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from motcua.core.exceptions import NotPermitted
from motcua.dossiers.enums import Action, Timeliness
from motcua.dossiers.services import dossier_intake, dossier_transition
from motcua.org.enums import Role
from motcua.reports.bottlenecks import at_risk_dossiers, bottlenecks
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import StaffRoleFactory, UserFactory, dossier_world, intake_data

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=LOCAL_TZ)
WEEK = {"date_from": date(2026, 3, 2), "date_to": date(2026, 3, 6)}
URL = "/can-bo/bao-cao/diem-nghen/"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def act(dossier, action, actor, when, **fields):
    return dossier_transition(dossier=dossier, action=action, actor=actor, at=when, **fields)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, clock):
    w = dossier_world()
    d = {}

    def receive(when):
        return dossier_intake(data=intake_data(w), actor=w.receiver, at=when)

    a = receive(at(2026, 3, 2, 8, 0))
    a = act(a, Action.TRANSFER, w.receiver, at(2026, 3, 2, 9, 0))
    a = act(a, Action.FORWARD, w.head, at(2026, 3, 2, 10, 0), assignee=w.specialist)
    a = act(a, Action.FORWARD, w.specialist, at(2026, 3, 3, 10, 0))
    a = act(a, Action.FORWARD, w.builder, at(2026, 3, 5, 9, 0))
    d["A"] = act(a, Action.APPROVE, w.leader, at(2026, 3, 5, 16, 0))

    b = receive(at(2026, 3, 2, 8, 0))
    b = act(b, Action.TRANSFER, w.receiver, at(2026, 3, 2, 8, 30))
    b = act(b, Action.FORWARD, w.head, at(2026, 3, 2, 9, 30), assignee=w.specialist)
    b = act(b, Action.REQUEST_SUPPLEMENT, w.specialist, at(2026, 3, 2, 14, 0), missing_items=["Bản sao"])
    b = act(b, Action.SUPPLEMENT, w.receiver, at(2026, 3, 4, 8, 0))
    b = act(b, Action.FORWARD, w.specialist, at(2026, 3, 5, 9, 0))
    b = act(b, Action.FORWARD, w.builder, at(2026, 3, 5, 11, 0))
    d["B"] = act(b, Action.APPROVE, w.leader, at(2026, 3, 6, 15, 0))

    c = receive(at(2026, 3, 9, 8, 0))
    d["C"] = act(c, Action.TRANSFER, w.receiver, at(2026, 3, 9, 9, 0))
    d["D"] = receive(at(2026, 3, 10, 8, 0))
    e = receive(at(2026, 3, 9, 8, 0))
    e = act(e, Action.TRANSFER, w.receiver, at(2026, 3, 9, 9, 0))
    e = act(e, Action.FORWARD, w.head, at(2026, 3, 9, 9, 30), assignee=w.specialist)
    d["E"] = act(e, Action.REQUEST_SUPPLEMENT, w.specialist, at(2026, 3, 9, 10, 0), missing_items=["Bản sao"])
    w.d = d
    return w


def _table(rows):
    return {
        (r.label, r.unit.agency_code if r.unit else None): (
            r.figures.steps,
            r.figures.hours,
            r.figures.budget_hours,
            r.figures.late,
        )
        for r in rows
    }


def test_the_scenario_is_what_the_table_says(world):
    assert world.d["A"].timeliness == Timeliness.LATE
    assert world.d["B"].timeliness == Timeliness.LATE
    assert world.d["B"].original_due_at == at(2026, 3, 6, 14, 0)  # moved by the 12 h supplement pause


def test_working_time_per_step_unit_and_officer(world):
    result = bottlenecks(**WEEK, user=world.supervisor)
    assert result.unit == world.province
    assert _table(result.by_step) == {
        ("Tiếp nhận hồ sơ", "H12.99"): (2, 1.5, 4.0, 0),
        ("Phân công xử lý", "H12.04"): (2, 2.0, 4.0, 0),
        ("Thẩm định hồ sơ", "H12.04"): (2, 19.5, 16.0, 1),
        ("Lấy ý kiến Sở Xây dựng", "H12.06"): (2, 17.0, 8.0, 1),
        ("Ký duyệt", "H12.04"): (2, 15.0, 8.0, 2),
    }
    assert [r.order for r in result.by_step] == [1, 2, 3, 4, 5]
    assert _table(result.by_unit) == {
        ("Trung tâm Phục vụ hành chính công tỉnh Cà Mau", "H12.99"): (2, 1.5, 4.0, 0),
        ("Sở Tư pháp", "H12.04"): (6, 36.5, 28.0, 3),
        ("Sở Xây dựng", "H12.06"): (2, 17.0, 8.0, 1),
    }
    by_officer = {r.label: (r.figures.steps, r.figures.hours, r.figures.late) for r in result.by_officer}
    assert by_officer == {
        str(world.receiver): (2, 1.5, 0),
        str(world.head): (2, 2.0, 0),
        str(world.specialist): (2, 19.5, 1),
        str(world.builder): (2, 17.0, 1),
        str(world.leader): (2, 15.0, 2),
    }
    construction = next(r for r in result.by_unit if r.unit == world.construction)
    assert construction.figures.average_hours == 8.5
    assert construction.figures.ratio == 2.125
    assert (result.totals.steps, result.totals.hours, result.totals.budget_hours) == (10, 55.0, 40.0)


def test_where_late_dossiers_first_went_over_budget(world):
    result = bottlenecks(**WEEK, user=world.supervisor)
    first = {(r.step_name, r.unit.agency_code): r.dossiers for r in result.first_late}
    assert first == {("Lấy ý kiến Sở Xây dựng", "H12.06"): 1, ("Thẩm định hồ sơ", "H12.04"): 1}


def test_share_of_lateness_caused_by_other_bodies(world):
    lateness = bottlenecks(**WEEK, user=world.supervisor).lateness
    # A: Sở Xây dựng 11 h + Ký duyệt 1 h; B: Thẩm định 3.5 h + Ký duyệt 6 h.
    assert lateness.overrun_hours == 21.5
    assert lateness.other_bodies_hours == 11.0
    assert lateness.other_bodies_share == 0.5116
    assert lateness.applicant_pause_hours == 12.0
    assert lateness.late_dossiers == 2


def test_at_risk_lists_exactly_the_dossier_that_cannot_make_it(world):
    rows = at_risk_dossiers(user=world.supervisor, now=NOW)
    assert [r.dossier.code for r in rows] == [world.d["C"].code]
    row = rows[0]
    # 14 h left; Phân công already took 9 h of its 2, then 8 + 4 + 4 to go.
    assert (row.remaining_hours, row.expected_hours) == (14.0, 16.0)
    assert (row.step_name, row.step_unit, row.step_assignee, row.step_is_current) == (
        "Phân công xử lý",
        world.justice,
        None,
        True,
    )


def test_at_risk_uses_the_median_of_history_once_there_are_enough_samples(world):
    # With two samples counted as enough, the medians of A, B (and the first steps of C, E) replace budgets:
    # Phân công (1, 1, 0.5) → 1, Thẩm định (8, 11.5) → 9.75, Sở Xây dựng (15, 2) → 8.5, Ký duyệt (5, 10) → 7.5.
    # D: Tiếp nhận already took its usual hour, then 1 + 9.75 + 8.5 + 7.5 = 26.75 > 22 h left.
    rows = at_risk_dossiers(user=world.supervisor, now=NOW, min_samples=2)
    codes = {r.dossier.code: (r.remaining_hours, r.expected_hours) for r in rows}
    assert codes == {world.d["C"].code: (14.0, 25.75), world.d["D"].code: (22.0, 26.75)}


def test_scope_follows_what_the_officer_may_see(world):
    builder = bottlenecks(**WEEK, user=world.builder)
    assert _table(builder.by_unit) == {("Sở Xây dựng", "H12.06"): (2, 17.0, 8.0, 1)}
    assert at_risk_dossiers(user=world.builder, now=NOW) == []
    commune = bottlenecks(**WEEK, user=world.commune_receiver)
    assert commune.by_step == [] and commune.lateness.overrun_hours == 0
    with pytest.raises(NotPermitted):
        bottlenecks(**WEEK, unit=world.centre, user=world.commune_receiver)
    with pytest.raises(NotPermitted):
        bottlenecks(**WEEK, user=world.citizen)
    assert at_risk_dossiers(user=world.citizen, now=NOW) == []


def test_daily_digest_goes_to_supervisors_with_an_address(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    no_address = UserFactory(username="giamsat_khong_thu", email="")
    StaffRoleFactory(user=no_address, unit=world.province, role=Role.SUPERVISOR)
    construction_supervisor = UserFactory(username="giamsat_xd")
    StaffRoleFactory(user=construction_supervisor, unit=world.construction, role=Role.SUPERVISOR)
    call_command("send_at_risk_digest")
    # The construction supervisor has nothing at risk in their scope: no mail.
    assert [m.to for m in mail.outbox] == [["giamsat@example.vn"]]
    message = mail.outbox[0]
    assert message.subject == "[Một cửa] 1 hồ sơ có nguy cơ trễ hạn – 10/03/2026"
    assert world.d["C"].code in message.body
    assert "Phân công xử lý – Sở Tư pháp" in message.body
    assert "còn 14 giờ làm việc, thường cần 16 giờ" in message.body
    assert world.d["D"].code not in message.body
    for personal in ("Nguyễn Thị Hoa", "0912345678", "096123456789", "An Xuyên"):
        assert personal not in message.body


def test_page_shows_the_tables_and_the_at_risk_list(world, client):
    client.force_login(world.supervisor)
    response = client.get(URL, {"tu": "2026-03-02", "den": "2026-03-06"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lấy ý kiến Sở Xây dựng" in html
    assert "51,2 %" in html
    assert f'href="/can-bo/ho-so/{world.d["C"].code}/"' in html
    assert world.d["D"].code not in html
    client.force_login(world.commune_receiver)
    assert client.get(URL, {"don_vi": "H12.99"}).status_code == 403
    client.force_login(world.citizen)
    assert client.get(URL).status_code == 403


def test_already_overdue_dossiers_are_not_at_risk_but_overdue(world):
    # Two working days later C's 14 hours are gone: it belongs to the overdue worklist, not the at-risk list.
    from motcua.workcal.selectors import calendar_for_unit

    later = calendar_for_unit(world.d["C"].receiving_unit).add_working_hours(NOW, 16)
    assert world.d["C"].code not in [
        r.dossier.code for r in at_risk_dossiers(user=world.supervisor, now=later)
    ]
