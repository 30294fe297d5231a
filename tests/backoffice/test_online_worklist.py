"""The "online dossiers waiting for reception" worklist and its 8-working-hour reply clock."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.enums import Action
from motcua.dossiers.services import dossier_transition
from tests.backoffice.conftest import at
from tests.postal.helpers import online_draft, online_submitted, received

pytestmark = pytest.mark.django_db

LIST = "/can-bo/?list=online"


def references(response) -> list[str]:
    return [row["dossier"].reference for row in response.context["rows"]]


def reply_menu(html: str) -> str:
    match = re.search(r'href="/can-bo/\?list=online"[^>]*>(.*?)</a>', html, re.S)
    assert match, "the menu links to the online worklist"
    return match.group(1)


def test_submitted_online_dossiers_wait_most_urgent_first_with_their_reply_clock(w, clock, login):
    first = online_submitted(w)  # Monday 08:00: 7 working hours left today, the 8th on Tuesday morning
    clock.move_to(at(2026, 3, 2, 10, 0))
    second = online_submitted(w, citizen=w.other_citizen, name="Lê Văn Nam", id_number="096300002222")
    assert (first.reply_due_at, second.reply_due_at) == (at(2026, 3, 3, 8, 0), at(2026, 3, 3, 10, 0))

    response = login(w.receiver).get(LIST)
    assert response.status_code == 200
    assert references(response) == [first.reference, second.reference]
    assert [row["clock"].remaining_hours for row in response.context["rows"]] == [6.0, 8.0]
    html = response.content.decode()
    assert "Hồ sơ trực tuyến chờ tiếp nhận" in html
    assert "còn 6 giờ" in html and "còn 1 ngày" in html
    assert "Quá hạn phản hồi" not in html
    assert "bo-count--warn" in reply_menu(html) and ">2<" in reply_menu(html)

    # Tuesday 09:00: the first one is past its reply time and reads red; the menu turns to an alert.
    clock.move_to(at(2026, 3, 3, 9, 0))
    response = login(w.receiver).get(LIST)
    first_row, second_row = response.context["rows"]
    assert (first_row["clock"].is_overdue, first_row["clock"].remaining_hours) == (True, -1.0)
    assert (second_row["clock"].is_overdue, second_row["clock"].remaining_hours) == (False, 1.0)
    html = response.content.decode()
    assert html.count('class="bo-row--overdue"') == 1
    assert "Quá hạn phản hồi" in html and "quá 1 giờ" in html
    assert "bo-count--alert" in reply_menu(html)


def test_a_submission_outside_office_hours_counts_from_the_next_working_period(w, clock, login):
    clock.move_to(at(2026, 2, 28, 21, 30))  # Saturday evening
    dossier = online_submitted(w)
    assert dossier.reply_due_at == at(2026, 3, 2, 17, 0)  # Monday 07:00 + 8 working hours
    clock.move_to(at(2026, 3, 2, 8, 0))
    response = login(w.receiver).get(LIST)
    assert response.context["rows"][0]["clock"].remaining_hours == 7.0
    assert "17:00" in response.content.decode()


def test_only_submitted_dossiers_of_the_officers_own_centres_are_listed(w, login):
    waiting = online_submitted(w)
    online_draft(w, citizen=w.other_citizen, id_number="096300002222")  # not sent yet
    at_commune = online_submitted(
        w, citizen=w.other_citizen, receiving_unit=w.commune_centre, id_number="096300003333"
    )
    received(w)  # a counter dossier
    answered = online_submitted(w, name="Phạm Thu", id_number="096300004444")
    dossier_transition(dossier=answered, action=Action.RECEIVE, actor=w.receiver)

    assert references(login(w.receiver).get(LIST)) == [waiting.reference]
    assert references(login(w.commune_receiver).get(LIST)) == [at_commune.reference]
    # Officers who do not receive have no such list: no menu entry, and the page lists nothing.
    response = login(w.specialist).get(LIST)
    assert (response.status_code, references(response)) == (200, [])
    assert 'href="/can-bo/?list=online"' not in response.content.decode()


def test_the_list_filters_by_name(w, login):
    online_submitted(w)
    other = online_submitted(w, citizen=w.other_citizen, name="Lê Văn Nam", id_number="096300002222")
    response = login(w.receiver).get("/can-bo/", {"list": "online", "q": "van nam"})
    assert references(response) == [other.reference]


def test_the_list_query_count_does_not_grow_with_rows(w, login):
    client = login(w.receiver)

    def queries() -> int:
        client.get(LIST)  # warm the session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(captured)

    online_submitted(w, name="Người nộp", id_number="096300000099")
    one = queries()
    for n in range(5):
        online_submitted(w, name=f"Người nộp {n}", id_number=f"0963000000{n:02d}")
    assert queries() == one
