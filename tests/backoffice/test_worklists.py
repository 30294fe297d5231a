import pytest

from motcua.dossiers.enums import Action
from motcua.dossiers.services import ApplicantData, dossier_intake, dossier_transition
from tests.backoffice.conftest import at
from tests.factories import UserFactory, intake_data

pytestmark = pytest.mark.django_db


def receive(w, name="Nguyễn Thị Hoa", phone="0912345678", id_number="096123456789"):
    data = intake_data(w, applicant=ApplicantData(name=name, phone=phone, id_number=id_number))
    return dossier_intake(data=data, actor=w.receiver)


@pytest.fixture
def three(w):
    """One dossier at each stage: waiting at the centre, at the head of division, with a specialist."""
    received = receive(w, name="Trần Văn An", phone="0901000001", id_number="001000000001")
    at_head = receive(w, name="Lê Thị Bình", phone="0901000002", id_number="001000000002")
    at_head = dossier_transition(dossier=at_head, action=Action.TRANSFER, actor=w.receiver)
    appraising = receive(w, name="Phạm Văn Cường", phone="0901000003", id_number="001000000003")
    appraising = dossier_transition(dossier=appraising, action=Action.TRANSFER, actor=w.receiver)
    appraising = dossier_transition(
        dossier=appraising, action=Action.FORWARD, actor=w.head, assignee=w.specialist
    )
    return received, at_head, appraising


def codes(response) -> list[str]:
    return [row["dossier"].code for row in response.context["rows"]]


def counts(response) -> dict[str, int]:
    return {item["key"]: item["count"] for item in response.context["menu"]}


def test_each_role_sees_its_own_work(w, three, login):
    received, at_head, appraising = three
    expectations = {
        # (officer, list) → dossiers; work lists most urgent first, the unit's register newest first
        (w.receiver, "todo"): [received],
        (w.receiver, "unit"): [appraising, at_head, received],
        (w.head, "todo"): [at_head],
        (w.head, "unit"): [appraising, at_head, received],
        (w.specialist, "todo"): [appraising],
        (w.specialist, "mine"): [appraising],
        (w.specialist2, "todo"): [],  # assigned to a colleague
        (w.builder, "todo"): [],
        (w.supervisor, "todo"): [],
        (w.supervisor, "unit"): [appraising, at_head, received],
    }
    for (officer, key), expected in expectations.items():
        response = login(officer).get("/can-bo/", {"list": key})
        assert response.status_code == 200, (officer, key)
        assert codes(response) == [d.code for d in expected], (officer.username, key)


def test_menu_counts(w, three, login):
    assert counts(login(w.receiver).get("/can-bo/")) == {
        "todo": 1,
        "mine": 0,
        "due_soon": 0,
        "overdue": 0,
        "supplement": 0,
        "unit": None,  # the whole register is not counted on every page (10 M rows in a province)
    }
    assert counts(login(w.specialist).get("/can-bo/")) == {
        "todo": 1,
        "mine": 1,
        "due_soon": 0,
        "overdue": 0,
        "supplement": 0,
        "unit": None,  # the whole register is not counted on every page (10 M rows in a province)
    }
    response = login(w.specialist).get("/can-bo/")
    html = response.content.decode()
    assert 'href="/can-bo/?list=mine"' in html
    assert "Được giao cho tôi" in html


def test_due_soon_and_overdue_are_highlighted(w, three, login, clock):
    clock.move_to(at(2026, 3, 4, 9, 0))  # due Thursday 08:00: less than one working day left
    response = login(w.supervisor).get("/can-bo/", {"list": "due_soon"})
    assert len(codes(response)) == 3
    assert "bo-row--due-soon" in response.content.decode()
    clock.move_to(at(2026, 3, 5, 10, 0))
    response = login(w.supervisor).get("/can-bo/", {"list": "overdue"})
    html = response.content.decode()
    assert len(codes(response)) == 3
    assert html.count('class="bo-row--overdue"') == 3
    assert "quá 2 giờ" in html
    assert counts(response)["overdue"] == 3


def test_sort_filter_and_search(w, three, login, clock):
    received, at_head, appraising = three
    client = login(w.supervisor)
    newest_first = client.get("/can-bo/", {"list": "unit"})
    assert codes(newest_first) == [appraising.code, at_head.code, received.code]
    assert 'aria-sort="descending"' in newest_first.content.decode()
    # The register is read along its reception dates only (an index at 10 M dossiers): asked by due date, it
    # stays newest first and its due-date header is no link.
    by_due = client.get("/can-bo/", {"list": "unit", "sort": "due"})
    assert codes(by_due) == [appraising.code, at_head.code, received.code]
    assert {c["key"]: c["sortable"] for c in by_due.context["date_columns"]} == {
        "received": True,
        "due": False,
    }
    oldest_first = client.get("/can-bo/", {"list": "unit", "sort": "received"})
    assert codes(oldest_first) == [received.code, at_head.code, appraising.code]
    assert 'aria-sort="ascending"' in oldest_first.content.decode()
    by_status = client.get("/can-bo/", {"list": "unit", "status": "received"})
    assert codes(by_status) == [received.code]
    by_phone = client.get("/can-bo/", {"list": "unit", "q": "0901000002"})
    assert codes(by_phone) == [at_head.code]
    by_name = client.get("/can-bo/tra-cuu/", {"q": "Văn Cường"})
    assert codes(by_name) == [appraising.code]
    by_id = client.get("/can-bo/tra-cuu/", {"q": "001000000001"})
    assert codes(by_id) == [received.code]
    exact = client.get("/can-bo/tra-cuu/", {"q": received.code})
    assert exact.status_code == 302
    assert exact["Location"] == f"/can-bo/ho-so/{received.code}/"
    # Search stays within the officer's units.
    assert codes(login(w.commune_receiver).get("/can-bo/tra-cuu/", {"q": "0901000002"})) == []


def test_pages_of_25(w, login):
    for n in range(26):
        receive(w, name=f"Người nộp {n}", id_number=f"0010000001{n:02d}")
    client = login(w.receiver)
    first = client.get("/can-bo/", {"list": "unit"})
    assert len(first.context["rows"]) == 25
    assert "?list=unit&amp;page=2" in first.content.decode()
    second = client.get("/can-bo/", {"list": "unit", "page": 2})
    assert len(second.context["rows"]) == 1
    assert "?list=unit&amp;page=1" in second.content.decode() and "page=3" not in second.content.decode()
    # Work lists are counted; the register (years of dossiers at a province) is not: no COUNT query at all.
    assert first.context["page_obj"].paginator.count is None
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts_run(list_key):
        with CaptureQueriesContext(connection) as queries:
            client.get("/can-bo/", {"list": list_key, "page": 2})
        return sum("COUNT(" in q["sql"] for q in queries.captured_queries)

    # The menu counts the work lists on both pages; the todo page also counts its own rows.
    assert counts_run("unit") == counts_run("todo") - 1
    assert client.get("/can-bo/", {"list": "todo"}).context["page_obj"].paginator.count == 26
    # A page number past any register is capped (an offset of millions would read them all), never an error.
    deep = client.get("/can-bo/", {"list": "unit", "page": 10**9})
    assert deep.status_code == 200 and deep.context["page_obj"].number == 400 and not deep.context["rows"]


def test_the_worklist_needs_a_signed_in_officer(w, client):
    anonymous = client.get("/can-bo/?list=todo")
    assert anonymous.status_code == 302
    assert anonymous["Location"] == "/dang-nhap/?next=/can-bo/%3Flist%3Dtodo"
    client.force_login(w.citizen)
    for url in ("/can-bo/", "/can-bo/tra-cuu/?q=x", "/can-bo/tiep-nhan/"):
        forbidden = client.get(url)
        assert forbidden.status_code == 403
        assert "Trang này dành cho cán bộ, công chức" in forbidden.content.decode()
    client.force_login(UserFactory(username="khach"))
    assert client.get("/can-bo/").status_code == 403


def test_worklist_query_count_does_not_grow_with_rows(w, login, django_assert_max_num_queries):
    for n in range(10):
        receive(w, name=f"Người nộp {n}", id_number=f"0020000000{n:02d}")
    client = login(w.receiver)
    client.get("/can-bo/")  # warm the session
    # 18: the "todo" count reads the waiting steps and the reception states first (two index-served reads).
    with django_assert_max_num_queries(18):
        response = client.get("/can-bo/", {"list": "unit"})
    assert len(response.context["rows"]) == 10
