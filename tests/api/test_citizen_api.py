"""The citizen-facing dossier API (issue #4 §2): online drafts and submission, the applicant's own dossiers,
postal intake and return, and pick-up requests."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.services import api_token_issue
from motcua.dossiers.enums import Action, Status
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.services import dossier_transition
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world
from tests.postal.doubles import DOUBLE, RecordingPostOffice
from tests.postal.helpers import HOME, PNG, online_draft, online_submitted, received, result_ready

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
APPLICANT = {"name": "Trần Thị Mai", "phone": "0988111222", "id_number": "096300001111", "address": HOME}


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock):
    return dossier_world()


@pytest.fixture
def post_office(settings):
    settings.MOTCUA_POSTAL_ADAPTER = DOUBLE
    RecordingPostOffice.reset()
    yield RecordingPostOffice
    RecordingPostOffice.reset()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


def post(client, url, user, payload=None):
    return client.post(url, payload or {}, content_type="application/json", **bearer(user))


def get(client, url, user, **query):
    return client.get(url, query, **bearer(user))


def upload(client, reference, user, *, component=1, content=PNG, name="to-khai.png"):
    return client.post(
        f"/api/v1/dossiers/{reference}/documents",
        {"component": str(component), "file": SimpleUploadedFile(name, content, "image/png")},
        **bearer(user),
    )


# --- online drafts and submission ------------------------------------------------------------------------
def test_a_citizen_drafts_uploads_and_submits_online(client, w):
    created = post(client, "/api/v1/dossiers", w.citizen, {"procedure": "1.004873", "applicant": APPLICANT})
    assert created.status_code == 201, created.content
    body = created.json()
    dossier = Dossier.objects.get()
    assert body["code"] == f"D{dossier.pk}"
    assert (body["status"], body["channel"], body["return_mode"], body["receiving_unit"]) == (
        "draft",
        "online",
        "online",
        "H12.99",
    )
    assert body["allowed_actions"] == ["submit"]
    assert dossier.owner == w.citizen

    # Sending it now says everything that is missing, and sends nothing.
    early = post(client, f"/api/v1/dossiers/{body['code']}/actions/submit", w.citizen)
    assert early.status_code == 422
    component = w.version.components.get(is_required=True)
    assert early.json()["error"]["details"] == {f"documents.{component.pk}": f"Chưa nộp: {component.name}"}

    uploaded = upload(client, body["code"], w.citizen)
    assert uploaded.status_code == 201, uploaded.content
    [document] = uploaded.json()
    assert (document["component"], document["content_type"], document["name"]) == (
        1,
        "image/png",
        component.name,
    )

    sent = post(client, f"/api/v1/dossiers/{body['code']}/actions/submit", w.citizen)
    assert sent.status_code == 200, sent.content
    sent = sent.json()
    assert (sent["status"], sent["code"]) == ("submitted", body["code"])
    assert sent["submitted_at"] == "2026-03-02T09:00:00+07:00"
    assert sent["reply_due_at"] == "2026-03-03T09:00:00+07:00"
    assert sent["allowed_actions"] == []


def test_submit_true_sends_at_once_or_keeps_nothing(client, w):
    refused = post(
        client,
        "/api/v1/dossiers",
        w.citizen,
        {"procedure": "1.004873", "applicant": APPLICANT, "submit": True},
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "validation_failed"
    assert Dossier.objects.count() == 0
    # A procedure whose papers the state reads from its own databases needs no upload.
    w.version.components.filter(is_required=True).update(is_replaceable_by_state_data=True)
    sent = post(
        client,
        "/api/v1/dossiers",
        w.citizen,
        {"procedure": "1.004873", "applicant": APPLICANT, "submit": True},
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["status"] == "submitted"


def test_a_citizen_files_online_only(client, w):
    counter = post(
        client,
        "/api/v1/dossiers",
        w.citizen,
        {"procedure": "1.004873", "applicant": APPLICANT, "channel": "counter"},
    )
    assert counter.status_code == 403
    assert counter.json()["error"]["code"] == "not_permitted"
    papers = post(
        client,
        "/api/v1/dossiers",
        w.citizen,
        {"procedure": "1.004873", "applicant": APPLICANT, "documents": [{"name": "Tờ khai"}]},
    )
    assert papers.status_code == 422
    assert Dossier.objects.count() == 0


def test_uploads_are_checked_by_content_and_component(client, w):
    draft = online_draft(w)
    before = DossierDocument.objects.count()
    not_a_scan = upload(client, draft.reference, w.citizen, content=b"<html>hello</html>", name="scan.png")
    assert not_a_scan.status_code == 422
    assert "không phải là PDF, JPEG hoặc PNG" in not_a_scan.json()["error"]["message"]
    assert upload(client, draft.reference, w.citizen, component=9).status_code == 422
    assert DossierDocument.objects.count() == before
    # A new scan of a component replaces the earlier one.
    assert upload(client, draft.reference, w.citizen).status_code == 201
    assert DossierDocument.objects.count() == before


def test_a_citizen_sees_their_own_dossier_without_officers_names(client, w):
    dossier = online_submitted(w)
    dossier = dossier_transition(dossier=dossier, action=Action.RECEIVE, actor=w.receiver)
    dossier = dossier_transition(dossier=dossier, action=Action.TRANSFER, actor=w.receiver)
    dossier = dossier_transition(
        dossier=dossier, action=Action.FORWARD, actor=w.head, assignee=w.specialist, note="Giao anh Bình"
    )
    detail = get(client, f"/api/v1/dossiers/{dossier.code}", w.citizen)
    assert detail.status_code == 200
    body = detail.json()
    assert (body["status"], body["due_at"]) == ("processing", "2026-03-05T09:00:00+07:00")
    assert body["current_step"]["name"] == "Thẩm định hồ sơ"
    assert body["current_step"]["assignee"] is None
    assert body["allowed_actions"] == []
    history = get(client, f"/api/v1/dossiers/{dossier.code}/history", w.citizen).json()
    assert [(e["action"], e["actor"]) for e in history] == [
        ("submit", None),
        ("receive", None),
        ("transfer", None),
        ("forward", None),
    ]
    assert history[-1]["note"] == ""  # an internal note stays internal
    assert history[1]["data"]["code"] == dossier.code
    # The officer sees the same dossier with names and notes.
    staff = get(client, f"/api/v1/dossiers/{dossier.code}/history", w.receiver).json()
    assert (staff[-1]["actor"], staff[-1]["note"]) == ("truongphong", "Giao anh Bình")
    assert (
        get(client, f"/api/v1/dossiers/{dossier.code}", w.receiver).json()["current_step"]["assignee"]
        == "chuyenvien"
    )


def test_another_citizens_dossier_does_not_exist(client, w):
    draft = online_draft(w)
    for response in (
        get(client, f"/api/v1/dossiers/{draft.reference}", w.other_citizen),
        get(client, f"/api/v1/dossiers/{draft.reference}/history", w.other_citizen),
        post(client, f"/api/v1/dossiers/{draft.reference}/actions/submit", w.other_citizen),
        upload(client, draft.reference, w.other_citizen),
        post(client, f"/api/v1/dossiers/{draft.reference}/postal/pickup", w.other_citizen),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_applicants_act_only_through_their_own_endpoints(client, w):
    dossier = online_submitted(w)
    response = post(client, f"/api/v1/dossiers/{dossier.reference}/actions/receive", w.citizen)
    assert response.status_code == 403
    # The centre's officer sees the submitted dossier but does not send a citizen's draft.
    draft = online_draft(w, citizen=w.other_citizen, id_number="096300002222")
    assert get(client, f"/api/v1/dossiers/{draft.reference}", w.receiver).status_code == 200
    assert post(client, f"/api/v1/dossiers/{draft.reference}/actions/submit", w.receiver).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


# --- my dossiers ----------------------------------------------------------------------------------------------
def test_my_dossiers_lists_the_applicants_own_with_what_comes_next(client, w, clock):
    draft = online_draft(w)
    clock.shift(timedelta(minutes=5))
    sent = online_submitted(w, name="Trần Thị Mai")
    clock.shift(timedelta(minutes=5))
    online_draft(w, citizen=w.other_citizen, id_number="096300002222")
    received(w)  # a counter dossier of nobody's account
    response = get(client, "/api/v1/me/dossiers", w.citizen)
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (2, 1, 1)
    assert [(i["code"], i["status"], i["next_step"], i["needs_action"]) for i in body["items"]] == [
        (sent.reference, "submitted", "wait_reply", False),
        (draft.reference, "draft", "submit", True),
    ]
    assert body["items"][0]["reply_due_at"] == "2026-03-03T09:05:00+07:00"
    assert "trả lời bạn chậm nhất lúc 09:05 ngày 03/03/2026" in body["items"][0]["next_step_text"]
    only_drafts = get(client, "/api/v1/me/dossiers", w.citizen, status="draft").json()
    assert [i["code"] for i in only_drafts["items"]] == [draft.reference]
    assert get(client, "/api/v1/me/dossiers", w.citizen, status="nonsense").status_code == 422
    assert client.get("/api/v1/me/dossiers").status_code == 401


def test_my_dossiers_paginates_with_a_fixed_number_of_queries(client, w):
    headers = bearer(w.citizen)

    def queries(page=1):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/v1/me/dossiers", {"page": page}, **headers)
        assert response.status_code == 200
        return len(captured), response.json()

    online_draft(w)
    queries()  # the token's first use writes its "last used" time; later calls within a minute do not
    few, _body = queries()
    for n in range(26):
        online_draft(w, id_number=f"0963000001{n:02d}")
    many, body = queries()
    assert many == few
    assert (body["count"], body["pages"], len(body["items"])) == (27, 2, 25)
    assert len(queries(page=2)[1]["items"]) == 2


# --- postal ---------------------------------------------------------------------------------------------------
def test_postal_intake_through_the_api_needs_the_postal_fields(client, w):
    payload = {"procedure": "1.004873", "applicant": APPLICANT, "channel": "postal"}
    missing = post(client, "/api/v1/dossiers", w.receiver, payload)
    assert missing.status_code == 422
    assert set(missing.json()["error"]["details"]) == {"postal_item_code", "postal_posted_on"}
    done = post(
        client,
        "/api/v1/dossiers",
        w.receiver,
        {**payload, "postal_item_code": "EE123456789VN", "postal_posted_on": "2026-02-28"},
    )
    assert done.status_code == 201, done.content
    assert (done.json()["channel"], done.json()["status"]) == ("postal", "received")
    assert Dossier.objects.get().postal_item_code == "EE123456789VN"


def test_return_result_by_post_through_the_api(client, w, post_office):
    dossier = result_ready(w)
    post_office.is_down = True
    down = post(client, f"/api/v1/dossiers/{dossier.code}/actions/return_result", w.receiver, {"note": ""})
    assert down.status_code == 502
    assert down.json()["error"]["code"] == "postal_unavailable"
    post_office.is_down = False
    done = post(
        client,
        f"/api/v1/dossiers/{dossier.code}/actions/return_result",
        w.receiver,
        {"postal_item_code": "EE555666777VN"},
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "returned"
    dossier.refresh_from_db()
    assert dossier.return_postal_item_code == "EE555666777VN"
    history = get(client, f"/api/v1/dossiers/{dossier.code}/history", w.receiver).json()
    assert history[-1]["data"]["postal_delivery"]["tracking_code"] == "EE555666777VN"


def test_pickup_requests_through_the_api(client, w, post_office):
    draft = online_draft(w)
    asked = post(
        client, f"/api/v1/dossiers/{draft.reference}/postal/pickup", w.citizen, {"note": "Sau 17 giờ"}
    )
    assert asked.status_code == 201, asked.content
    assert asked.json() == {
        "tracking_code": "PU0000001VN",
        "address": HOME,
        "requested_at": "2026-03-02T09:00:00+07:00",
    }
    again = post(client, f"/api/v1/dossiers/{draft.reference}/postal/pickup", w.citizen)
    assert again.status_code == 409
    assert len(post_office.pickups) == 1
    long_address = post(
        client, f"/api/v1/dossiers/{draft.reference}/postal/pickup", w.citizen, {"address": "x" * 501}
    )
    assert long_address.status_code == 422
