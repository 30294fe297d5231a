"""Counter intake's database work (issue #7: 200 intakes a second on one server). Query counts are ceilings
that a regression, such as a read added per document or a savepoint per inner step, breaks."""

from datetime import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.services import api_token_issue
from motcua.core.exceptions import InvalidTransition
from motcua.dossiers.enums import Action, Status
from motcua.dossiers.models import Applicant, Dossier, DossierCodeSequence, DossierDocument, DossierEvent
from motcua.dossiers.services import DocumentData, dossier_intake, dossier_transition
from motcua.reports.figures import figures_differences
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world, intake_data

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)

INTAKE = {
    "procedure": "1.004873",
    "applicant": {
        "name": "Trần Văn Bình",
        "phone": "0987654321",
        "id_number": "096200001234",
        "address": "Xã Đầm Dơi, tỉnh Cà Mau",
    },
    "channel": "counter",
    "return_mode": "counter",
}


@pytest.fixture
def w():
    with time_machine.travel(NOW, tick=False):
        yield dossier_world()


def test_counter_intake_through_the_api_stays_within_its_queries(client, w, django_assert_max_num_queries):
    # 15 in production: the token, the officer's roles, the procedure, the competent unit; the dossier with its
    # applicant (one upsert on the ID number), document, code, first step, history row and SMS (the version's
    # components, units, fees and steps were kept from the first intake: catalog.content);
    # the pre-aggregated figures (3: its snapshot, the sums in one statement, its state; a new dossier has no old
    # state to lock and read). The test's own transaction turns BEGIN/COMMIT into two savepoint statements.
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=w.receiver)}"}
    with time_machine.travel(NOW, tick=False):
        client.post(
            "/api/v1/dossiers", INTAKE, content_type="application/json", **headers
        )  # token's first use
        second = {**INTAKE, "applicant": {**INTAKE["applicant"], "id_number": "096200005678"}}
        with django_assert_max_num_queries(17):
            response = client.post("/api/v1/dossiers", second, content_type="application/json", **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "H12.99-260302-0002"
    assert body["procedure"] == "1.004873"
    assert body["competent_unit"] == "H12.04"
    assert body["current_step"]["name"] == "Tiếp nhận hồ sơ"
    applicant = Applicant.objects.get(id_number="096200005678")
    assert (applicant.name, applicant.phone, applicant.address) == (
        "Trần Văn Bình",
        "0987654321",
        "Xã Đầm Dơi, tỉnh Cà Mau",
    )
    dossier = Dossier.objects.get(code=body["code"])
    assert dossier.applicant == applicant
    assert [d.order for d in dossier.documents.order_by("order")] == [1]


def test_a_known_applicant_is_updated_and_a_new_one_written_complete(w):
    with time_machine.travel(NOW, tick=False):
        first = dossier_intake(data=intake_data(w), actor=w.receiver)
        again = intake_data(w)
        again.applicant.phone = "0911222333"
        again.applicant.address = ""  # an empty answer keeps what is known
        again.documents = [DocumentData(name="Tờ khai"), DocumentData(name="Giấy tờ cư trú")]
        second = dossier_intake(data=again, actor=w.receiver)
    assert first.applicant_id == second.applicant_id
    applicant = Applicant.objects.get(pk=second.applicant_id)
    assert (applicant.name, applicant.phone, applicant.address) == (
        "Nguyễn Thị Hoa",
        "0911222333",
        "Phường An Xuyên, tỉnh Cà Mau",
    )
    assert Dossier.objects.get(pk=first.pk).applicant_phone == "0912345678"  # as declared on that dossier
    assert list(second.documents.order_by("order").values_list("order", "name")) == [
        (1, "Tờ khai"),
        (2, "Giấy tờ cư trú"),
    ]


def test_an_applicant_without_id_number_is_a_new_row_each_time(w):
    with time_machine.travel(NOW, tick=False):
        data = intake_data(w)
        data.applicant.id_number = ""
        one = dossier_intake(data=data, actor=w.receiver)
        two = dossier_intake(data=data, actor=w.receiver)
    assert one.applicant_id != two.applicant_id
    assert Applicant.objects.get(pk=two.applicant_id).phone == "0912345678"


def test_the_components_cost_one_statement_whatever_their_number(w):
    # A counter dossier has several components: one INSERT writes them all, in their order.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    with time_machine.travel(NOW, tick=False):
        dossier_intake(data=intake_data(w), actor=w.receiver)  # the applicant is known from here on
        for names in (["Tờ khai"], ["Tờ khai", "Giấy tờ cư trú", "Bản sao CCCD", "Ảnh 4x6", "Giấy ủy quyền"]):
            data = intake_data(w)
            data.documents = [DocumentData(name=name) for name in names]
            with CaptureQueriesContext(connection) as captured:
                dossier = dossier_intake(data=data, actor=w.receiver)
            counts.append(len(captured))
            assert list(dossier.documents.order_by("order").values_list("name", flat=True)) == names
    assert counts[0] == counts[1]


def test_on_postgresql_a_counter_dossier_is_written_once_as_received(w):
    # Its id drawn first, the rows that refer to it written before it: one INSERT, no draft row updated (each
    # write of the row touches its twenty indexes).
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no sequence to draw the id from: the draft row is written, then updated")
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        dossier = dossier_intake(
            data=intake_data(
                w, documents=[DocumentData(name="Tờ khai"), DocumentData(name="Giấy tờ cư trú")]
            ),
            actor=w.receiver,
        )
    writes = [q["sql"] for q in queries.captured_queries if '"dossiers_dossier"' in q["sql"].split(" (")[0]]
    assert [w.split(" ")[0] for w in writes if not w.startswith("SELECT")] == ["INSERT"], writes
    stored = Dossier.objects.select_related("current_step").get(pk=dossier.pk)
    assert (stored.code, stored.status) == ("H12.99-260302-0001", Status.RECEIVED)
    assert stored.current_step.name == "Tiếp nhận hồ sơ" and stored.due_at == dossier.due_at
    assert [d.order for d in stored.documents.order_by("order")] == [1, 2]
    assert stored.history_count == 1
    assert stored.history_head == DossierEvent.objects.get(dossier=stored).hash
    out = StringIO()
    call_command("verify_history", stdout=out)  # exits non-zero on any problem
    assert figures_differences() == []


def test_the_figures_of_an_intake_cost_one_statement_for_the_sums_and_none_for_pauses(w):
    # A new dossier has no pause to read, and its day, month, year and all-time rows go in one upsert.
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        dossier_intake(data=intake_data(w), actor=w.receiver)
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if s.startswith('SELECT "dossiers_dossierpause"')]
    sums = [s for s in statements if s.startswith('INSERT INTO "reports_figuredelta"')]
    assert len(sums) == 1 and sums[0].count("), (") >= 3, sums
    with time_machine.travel(NOW, tick=False):
        assert figures_differences() == []


def test_a_new_dossiers_figures_lock_and_read_no_kept_state_a_known_ones_do(w):
    def state_reads(statements):
        return [s for s in statements if s.startswith("SELECT") and "reports_figurestate" in s]

    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        dossier = dossier_intake(data=intake_data(w), actor=w.receiver)
    assert state_reads([q["sql"] for q in queries.captured_queries]) == []
    with time_machine.travel(NOW, tick=False):
        assert figures_differences() == []
    later = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
    with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as queries:
        dossier_transition(dossier=dossier, action=Action.TRANSFER, actor=w.receiver)
    assert (
        len(state_reads([q["sql"] for q in queries.captured_queries])) == 1
    )  # its state, locked, taken back
    with time_machine.travel(later, tick=False):
        assert figures_differences() == []


def test_an_intake_refused_after_its_documents_were_written_leaves_nothing(w):
    w.version.processes.all().delete()  # no internal process: the receipt is refused after the documents
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidTransition, match="chưa có quy trình"):
        dossier_intake(data=intake_data(w), actor=w.receiver)
    assert not Dossier.objects.exists()
    assert not DossierDocument.objects.exists()
    assert not Applicant.objects.exists()
    assert not DossierCodeSequence.objects.exists()
    with time_machine.travel(NOW, tick=False):
        assert figures_differences() == []


def test_the_fees_and_components_of_a_version_are_read_without_joining_the_catalogue(w):
    # Ordered by the version's column: their Meta ordering by the version's own ordering joined the version and
    # the procedure into each read (every intake reads its fees).
    from motcua.catalog.models import ComponentRequirement, FeeRule

    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        dossier_intake(data=intake_data(w), actor=w.receiver)
        list(ComponentRequirement.objects.filter(version=w.version))
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(('SELECT "catalog_feerule"', 'SELECT "catalog_componentrequirement"'))
    ]
    assert len(reads) == 2 and not [s for s in reads if "JOIN" in s], reads
    assert list(FeeRule.objects.all()) == sorted(
        FeeRule.objects.all(), key=lambda f: (f.version_id, f.order, f.pk)
    )


def test_the_applicant_is_written_in_one_statement_and_keeps_what_was_not_given_and_its_account(w):
    # One INSERT … ON CONFLICT on the unique ID number instead of a locked read, a savepoint, the INSERT and its
    # release: a new applicant and a known one alike. An empty answer keeps what is known; an account already
    # linked stays linked (a second owner does not take the person over).
    from datetime import date

    from motcua.dossiers.services import ApplicantData, _applicant_upsert

    def applicant_writes(captured):
        return [q["sql"] for q in captured if "dossiers_applicant" in q["sql"] or "SAVEPOINT" in q["sql"]]

    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as new:
            created = _applicant_upsert(
                ApplicantData(
                    name="Lê Văn Tâm",
                    id_number="096300000001",
                    phone="0900000001",
                    address="Xã Tân Thành",
                    date_of_birth=date(1990, 5, 17),
                ),
                owner=w.citizen,
            )
        with CaptureQueriesContext(connection) as known:
            again = _applicant_upsert(
                ApplicantData(name="Lê Văn Tâm", id_number="096300000001", phone="0900000002"),
                owner=w.other_citizen,
            )
    assert len(applicant_writes(new)) == 1 and len(applicant_writes(known)) == 1
    assert again.pk == created.pk and Applicant.objects.count() == 1
    stored = Applicant.objects.get()
    assert (stored.phone, stored.address, stored.date_of_birth, stored.user_id) == (
        "0900000002",
        "Xã Tân Thành",
        date(1990, 5, 17),
        w.citizen.pk,
    )
    # The returned instance is the stored row, converted as a read would (a date, an aware datetime).
    assert (again.address, again.date_of_birth, again.user_id) == (
        "Xã Tân Thành",
        date(1990, 5, 17),
        w.citizen.pk,
    )
    assert again.updated_at == NOW and again.updated_at.tzinfo is not None
