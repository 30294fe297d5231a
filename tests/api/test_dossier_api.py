from datetime import datetime

import pytest
import time_machine

from motcua.accounts.services import api_token_issue
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def w():
    with time_machine.travel(NOW, tick=False):
        yield dossier_world()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


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


def post(client, url, payload, user):
    return client.post(url, payload, content_type="application/json", **bearer(user))


def test_counter_intake_through_the_api_and_the_whole_flow(client, w):
    with time_machine.travel(NOW, tick=False):
        response = post(client, "/api/v1/dossiers", INTAKE, w.receiver)
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["code"] == "H12.99-260302-0001"
        assert body["status"] == "received"
        assert body["due_at"] == "2026-03-05T08:00:00+07:00"
        assert body["current_step"]["name"] == "Tiếp nhận hồ sơ"
        code = body["code"]
        dossier = Dossier.objects.get(code=code)
        assert dossier.documents.count() == 1  # the procedure's required component

        steps = [
            (w.receiver, "transfer", {}),
            (w.head, "forward", {"assignee": "chuyenvien"}),
            (w.specialist, "forward", {}),
            (w.builder, "forward", {}),
            (w.leader, "approve", {}),
            (w.receiver, "return_result", {}),
        ]
        for actor, action, fields in steps:
            result = post(client, f"/api/v1/dossiers/{code}/actions/{action}", {"note": "", **fields}, actor)
            assert result.status_code == 200, (action, result.content)
        assert result.json()["status"] == "returned"
        assert result.json()["timeliness"] == "early"

        history = client.get(f"/api/v1/dossiers/{code}/history", **bearer(w.supervisor))
        assert [e["action"] for e in history.json()] == [
            "receive",
            "transfer",
            "forward",
            "forward",
            "forward",
            "approve",
            "return_result",
        ]


def test_action_not_allowed_now_is_409_and_forbidden_actor_is_403(client, w):
    with time_machine.travel(NOW, tick=False):
        code = post(client, "/api/v1/dossiers", INTAKE, w.receiver).json()["code"]
        events = DossierEvent.objects.count()
        too_early = post(client, f"/api/v1/dossiers/{code}/actions/approve", {}, w.receiver)
        assert too_early.status_code == 409
        assert too_early.json()["error"]["code"] == "invalid_transition"
        assert "Phê duyệt" in too_early.json()["error"]["message"]
        forbidden = post(client, f"/api/v1/dossiers/{code}/actions/transfer", {}, w.supervisor)
        assert forbidden.status_code == 403
        assert forbidden.json()["error"]["code"] == "not_permitted"
        unknown = post(client, f"/api/v1/dossiers/{code}/actions/fly", {}, w.receiver)
        assert unknown.status_code == 409
        assert DossierEvent.objects.count() == events


def test_bad_intake_gets_one_error_shape_and_writes_nothing(client, w):
    bad = {**INTAKE, "applicant": {**INTAKE["applicant"], "phone": "12"}, "return_mode": "postal"}
    response = post(client, "/api/v1/dossiers", bad, w.receiver)
    assert response.status_code == 422
    assert set(response.json()["error"]["details"]) == {"applicant.phone", "return_address"}
    missing = post(client, "/api/v1/dossiers", {"procedure": "1.004873"}, w.receiver)
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "validation_failed"
    unknown = post(client, "/api/v1/dossiers", {**INTAKE, "procedure": "9.999999"}, w.receiver)
    assert unknown.status_code == 404
    assert Dossier.objects.count() == 0


AUTHZ_CASES = [
    # (who, list count, detail status, intake status)
    ("anonymous", 401, 401, 401),
    ("citizen", 0, 404, 403),
    ("other_unit", 0, 404, 201),  # a commune centre receives too, at its own counter
    ("receiver", 1, 200, 201),
    ("supervisor", 1, 200, 403),  # may see everything below the province, may not receive
]


@pytest.mark.parametrize(("who", "count", "detail", "intake"), AUTHZ_CASES)
def test_dossier_api_authorisation_matrix(client, w, who, count, detail, intake):
    with time_machine.travel(NOW, tick=False):
        code = post(client, "/api/v1/dossiers", INTAKE, w.receiver).json()["code"]
        actor = {
            "citizen": w.citizen,
            "other_unit": w.commune_receiver,
            "receiver": w.receiver,
            "supervisor": w.supervisor,
        }.get(who)
        headers = bearer(actor) if actor else {}
        listing = client.get("/api/v1/dossiers", **headers)
        if who == "anonymous":
            assert listing.status_code == 401
        else:
            assert listing.status_code == 200
            assert listing.json()["count"] == count
        assert client.get(f"/api/v1/dossiers/{code}", **headers).status_code == detail
        assert client.get(f"/api/v1/dossiers/{code}/history", **headers).status_code == detail
        before = Dossier.objects.count()
        response = client.post("/api/v1/dossiers", INTAKE, content_type="application/json", **headers)
        assert response.status_code == intake
        assert Dossier.objects.count() == before + (1 if intake == 201 else 0)
        action = client.post(
            f"/api/v1/dossiers/{code}/actions/stop",
            {"note": "thử"},
            content_type="application/json",
            **headers,
        )
        assert (
            action.status_code
            == {"anonymous": 401, "citizen": 404, "other_unit": 404, "receiver": 200, "supervisor": 403}[who]
        )


def test_public_status_lookup_same_answer_for_wrong_phone_and_rate_limit(client, w, settings):
    with time_machine.travel(NOW, tick=False):
        code = post(client, "/api/v1/dossiers", INTAKE, w.receiver).json()["code"]
        ok = client.get(f"/api/v1/public/status/{code}", {"phone": "4321"})
        assert ok.status_code == 200
        body = ok.json()
        assert body["applicant_initials"] == "T. V. B."
        assert "Trần" not in ok.content.decode()
        assert body["due_at"] == "2026-03-05T08:00:00+07:00"
        assert [s["name"] for s in body["steps"]] == ["Tiếp nhận hồ sơ"]
        wrong = client.get(f"/api/v1/public/status/{code}", {"phone": "0000"})
        unknown = client.get("/api/v1/public/status/H12.99-260302-9999", {"phone": "4321"})
        assert wrong.status_code == unknown.status_code == 404
        assert wrong.json() == unknown.json()
        settings.MOTCUA_STATUS_RATE_PER_MINUTE = 5
        statuses = [
            client.get(f"/api/v1/public/status/{code}", {"phone": "4321"}).status_code for _ in range(6)
        ]
        assert statuses[-1] == 429


def test_forms_and_register_downloads(client, w):
    import io

    import openpyxl
    from pypdf import PdfReader

    with time_machine.travel(NOW, tick=False):
        code = post(client, "/api/v1/dossiers", INTAKE, w.receiver).json()["code"]
        receipt = client.get(f"/api/v1/dossiers/{code}/forms/01.pdf", **bearer(w.receiver))
        assert receipt.status_code == 200
        assert receipt["Content-Type"] == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.content)).pages)
        assert code in text
        not_extended = client.get(f"/api/v1/dossiers/{code}/forms/04.pdf", **bearer(w.receiver))
        assert not_extended.status_code == 409
        assert (
            client.get(f"/api/v1/dossiers/{code}/forms/01.pdf", **bearer(w.commune_receiver)).status_code
            == 404
        )
        query = {"unit": "H12.99", "from": "2026-03-01", "to": "2026-03-31", "format": "xlsx"}
        register = client.get("/api/v1/register", query, **bearer(w.supervisor))
        assert register.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(register.content)).active
        assert code in [cell.value for row in sheet.iter_rows() for cell in row]
        pdf = client.get("/api/v1/register", {**query, "format": "pdf"}, **bearer(w.receiver))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert client.get("/api/v1/register", query, **bearer(w.commune_receiver)).status_code == 403


def test_dossier_list_pages_with_a_constant_number_of_queries(client, w, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        for n in range(30):
            payload = {**INTAKE, "applicant": {**INTAKE["applicant"], "id_number": f"0962000{n:05d}"}}
            assert post(client, "/api/v1/dossiers", payload, w.receiver).status_code == 201
        headers = bearer(w.supervisor)
        with django_assert_max_num_queries(20):
            first = client.get("/api/v1/dossiers", **headers).json()
        second = client.get("/api/v1/dossiers", {"page": 2}, **headers).json()
    assert first["count"] == second["count"] == 30
    assert len(first["items"]) == 25 and len(second["items"]) == 5
    assert not {d["code"] for d in first["items"]} & {d["code"] for d in second["items"]}
