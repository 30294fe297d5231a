"""Counter intake's database work (issue #7: 200 intakes a second on one server). Query counts are ceilings
that a regression, such as a read added per document or a savepoint per inner step, breaks."""

from datetime import datetime

import pytest
import time_machine

from motcua.accounts.services import api_token_issue
from motcua.dossiers.models import Applicant, Dossier
from motcua.dossiers.services import DocumentData, dossier_intake
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
    # 31 in production: the token, the officer's roles, the procedure and its components; the dossier with its
    # applicant, fee, document, code, first step, history row and SMS; the pre-aggregated figures (8, their
    # savepoint included). The test's own transaction turns BEGIN/COMMIT into two more savepoint statements.
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=w.receiver)}"}
    with time_machine.travel(NOW, tick=False):
        client.post(
            "/api/v1/dossiers", INTAKE, content_type="application/json", **headers
        )  # token's first use
        second = {**INTAKE, "applicant": {**INTAKE["applicant"], "id_number": "096200005678"}}
        with django_assert_max_num_queries(33):
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
