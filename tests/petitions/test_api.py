"""/api/v1/petitions: a petition sent, handled, answered and rated through the API only, and who may do what."""

import pytest
import time_machine
from django.core.cache import cache

from motcua.accounts.services import api_token_issue
from motcua.petitions.models import Petition, PetitionEvent
from tests.factories import dossier_world
from tests.petitions.helpers import answered, assigned, at, submitted

pytestmark = pytest.mark.django_db

API = "/api/v1/petitions"


@pytest.fixture
def w():
    with time_machine.travel(at(2026, 3, 2, 8, 0), tick=False):
        return dossier_world()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"}


def post(client, url, body=None, user=None):
    return client.post(url, body or {}, content_type="application/json", **(bearer(user) if user else {}))


def get(client, url, user=None):
    return client.get(url, **(bearer(user) if user else {}))


NEW = {
    "subject_kind": "officer_conduct",
    "title": "Cán bộ quầy 3 hướng dẫn thiếu nhiệt tình",
    "description": "Sáng 2/3 tôi đến nộp hồ sơ, cán bộ quầy 3 không giải thích rõ giấy tờ cần bổ sung.",
    "petitioner_name": "Trần Thị Bình",
    "petitioner_phone": "0912 345 678",
    "petitioner_email": "binh@example.com",
    "officer_name": "Cán bộ quầy 3",
}


def test_a_petition_is_sent_handled_answered_published_and_rated_through_the_api(client, w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        response = post(client, API, NEW)
        assert response.status_code == 201, response.content
        sent = response.json()
        code = sent["code"]
        assert code == "PA-260302-0001"
        assert (sent["status"], sent["receiving_unit"]) == ("received", w.centre.agency_code)
        assert sent["due_at"] == "2026-03-16T09:00:00+07:00"
        assert Petition.objects.get(code=code).channel == "api"

        # The receiving centre's worklist has it; the division does not see it before it is assigned.
        page = get(client, f"{API}?status=received", w.receiver).json()
        assert [p["code"] for p in page["items"]] == [code] and page["count"] == 1
        assert get(client, f"{API}/{code}", w.head).status_code == 404
        detail = get(client, f"{API}/{code}", w.receiver).json()
        assert detail["petitioner"]["phone"] == "0912345678"
        assert detail["allowed_actions"] == ["assign", "reject"]

    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        response = post(
            client,
            f"{API}/{code}/actions/assign",
            {"unit": w.division.agency_code, "subject_kind": "officer_conduct"},
            w.receiver,
        )
        assert response.status_code == 200, response.content
        assert (response.json()["status"], response.json()["unit"]) == ("assigned", w.division.agency_code)
        mine = get(client, API, w.head).json()
        assert [p["code"] for p in mine["items"]] == [code]
        assert set(get(client, f"{API}/{code}", w.head).json()["allowed_actions"]) == {
            "reject",
            "start",
            "extend",
            "answer",
        }
        assert post(client, f"{API}/{code}/actions/start", {}, w.specialist).json()["status"] == "in_progress"

    with time_machine.travel(at(2026, 3, 5, 10, 0), tick=False):
        response = post(
            client,
            f"{API}/{code}/actions/answer",
            {"answer": "Trung tâm đã nhắc nhở cán bộ quầy 3 và xin lỗi bà."},
            w.head,
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "answered"
        assert response.json()["answered_by"] == w.head.username
        response = post(
            client,
            f"{API}/{code}/actions/publish",
            {"public_description": "Phản ánh về thái độ hướng dẫn tại quầy 3."},
            w.head,
        )
        assert response.status_code == 200, response.content
        assert response.json()["is_published"] is True

    with time_machine.travel(at(2026, 3, 6, 9, 0), tick=False):
        # The petitioner: code + last four phone digits; a wrong phone reads like an unknown code.
        assert get(client, f"{API}/{code}/status?phone=0000").status_code == 404
        status = get(client, f"{API}/{code}/status?phone=5678").json()
        assert status["status"] == "answered"
        assert status["answer"] == "Trung tâm đã nhắc nhở cán bộ quầy 3 và xin lỗi bà."
        assert [e["action"] for e in status["history"]] == ["submit", "assign", "start", "answer", "publish"]
        assert "truongphong" not in str(status)
        token = status["rating_token"]
        assert status["rating_url"].endswith(f"/phan-anh/danh-gia/{token}/")

        rated = post(client, f"{API}/rating/{token}", {"rating": "satisfied", "comment": "Cảm ơn."})
        assert rated.status_code == 200, rated.content
        assert (rated.json()["status"], rated.json()["rating"]) == ("closed", "satisfied")
        again = post(client, f"{API}/rating/{token}", {"rating": "not_satisfied"})
        assert again.status_code == 409
        assert again.json()["error"]["code"] == "invalid_transition"

        status = get(client, f"{API}/{code}/status?phone=5678").json()
        assert (status["rating"], status["rating_token"]) == ("satisfied", None)
        history = get(client, f"{API}/{code}", w.receiver).json()["history"]
        assert [e["action"] for e in history] == ["submit", "assign", "start", "answer", "publish", "rate"]
        assert Petition.objects.get(code=code).rating_comment == "Cảm ơn."


def test_who_may_read_and_act(client, w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        petition = assigned(w, when=at(2026, 3, 2, 9, 0))
        code = petition.code
        # Anonymous: 401 on the officers' endpoints.
        assert get(client, API).status_code == 401
        assert get(client, f"{API}/{code}").status_code == 401
        assert post(client, f"{API}/{code}/actions/start").status_code == 401
        # A citizen: no worklist, and the petition looks unknown.
        assert get(client, API, w.citizen).status_code == 403
        assert get(client, f"{API}/{code}", w.citizen).status_code == 404
        assert post(client, f"{API}/{code}/actions/start", {}, w.citizen).status_code == 404
        # Another unit's officer: an empty worklist and 404s.
        assert get(client, API, w.commune_receiver).json() == {"items": [], "count": 0}
        assert get(client, f"{API}/{code}", w.commune_receiver).status_code == 404
        assert post(client, f"{API}/{code}/actions/start", {}, w.commune_receiver).status_code == 404
        assert get(client, f"{API}/{code}", w.builder).status_code == 404
        # The province's supervisor reads the subtree but does not act.
        assert get(client, f"{API}/{code}", w.supervisor).json()["allowed_actions"] == []
        assert post(client, f"{API}/{code}/actions/start", {}, w.supervisor).status_code == 403
        # The centre assigned it: answering is the unit's (403), starting a received one is not a state (409).
        refused = post(client, f"{API}/{code}/actions/answer", {"answer": "Đã xử lý."}, w.receiver)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "not_permitted"
        fresh = submitted(w, when=at(2026, 3, 2, 9, 0))
        assert post(client, f"{API}/{fresh.code}/actions/start", {}, w.receiver).status_code == 409
        # A session works as well as a token (the back office's own pages).
        client.force_login(w.head)
        assert client.get(f"{API}/{code}").status_code == 200
    assert PetitionEvent.objects.filter(petition=petition).count() == 2


def test_worklist_filters_and_pagination(client, w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        late = submitted(w, when=at(2026, 2, 2, 9, 0), title="Phản ánh cũ")
        recent = assigned(w, when=at(2026, 3, 2, 9, 0))
        page = get(client, API, w.receiver).json()
        assert [p["code"] for p in page["items"]] == [late.code, recent.code]
        assert page["items"][0]["is_overdue"] is True
        assert [p["code"] for p in get(client, f"{API}?overdue=true", w.receiver).json()["items"]] == [
            late.code
        ]
        assert [p["code"] for p in get(client, f"{API}?overdue=false", w.receiver).json()["items"]] == [
            recent.code
        ]
        assert get(client, f"{API}?status=assigned", w.receiver).json()["count"] == 1
        assert get(client, f"{API}?q=c%C5%A9", w.receiver).json()["count"] == 1
        assert get(client, f"{API}?page=2", w.receiver).json() == {"items": [], "count": 2}
        assert get(client, f"{API}?status=nope", w.receiver).status_code == 422


def test_bad_submissions_are_refused_field_by_field_and_write_nothing(client, w, settings):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        response = post(client, API, {"subject_kind": "dossier", "title": "", "petitioner_phone": "12"})
        assert response.status_code == 422
        details = response.json()["error"]["details"]
        assert {"title", "description", "petitioner_name", "petitioner_phone", "dossier_code"} <= set(details)
        assert details["petitioner_phone"].startswith("Nhập số điện thoại")
        assert post(client, API, {**NEW, "subject_kind": "nope"}).status_code == 422
        assert post(client, API, {**NEW, "unknown": "x"}).status_code == 422
        # Someone else's dossier is refused like an unknown one.
        response = post(client, API, {**NEW, "subject_kind": "dossier", "dossier_code": "H12.99-260302-0001"})
        assert set(response.json()["error"]["details"]) == {"dossier_code"}
        assert Petition.objects.count() == 0

        # Refused attempts count too (they could probe dossier codes): a fresh window for the limit.
        cache.clear()
        settings.MOTCUA_PETITION_SUBMIT_RATE_PER_HOUR = 1
        assert post(client, API, NEW).status_code == 201
        limited = post(client, API, NEW)
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        assert Petition.objects.count() == 1


def test_bad_actions_are_refused_and_change_nothing(client, w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        fresh = submitted(w, when=at(2026, 3, 2, 9, 0))
        code = fresh.code
        unknown_unit = post(client, f"{API}/{code}/actions/assign", {"unit": "X99"}, w.receiver)
        assert unknown_unit.status_code == 422
        assert set(unknown_unit.json()["error"]["details"]) == {"unit"}
        assert post(client, f"{API}/{code}/actions/assign", {}, w.receiver).status_code == 422
        assert post(client, f"{API}/{code}/actions/reject", {"reason": " "}, w.receiver).status_code == 422
        assert post(client, f"{API}/{code}/actions/rate", {}, w.receiver).status_code == 422
        assert post(client, f"{API}/{code}/actions/fly", {}, w.receiver).status_code == 422
        petition = assigned(w, when=at(2026, 3, 2, 9, 0))
        extend = post(client, f"{API}/{petition.code}/actions/extend", {"reason": "Cần xác minh."}, w.head)
        assert extend.status_code == 422
        assert set(extend.json()["error"]["details"]) == {"new_due"}
        bad_date = post(
            client,
            f"{API}/{petition.code}/actions/extend",
            {"reason": "Cần xác minh.", "new_due": "2026-02-01"},
            w.head,
        )
        assert bad_date.status_code == 422
        extended = post(
            client,
            f"{API}/{petition.code}/actions/extend",
            {"reason": "Cần xác minh tại quầy.", "new_due": "2026-03-20"},
            w.head,
        )
        assert extended.status_code == 200, extended.content
        assert extended.json()["due_at"].startswith("2026-03-20")
        assert extended.json()["is_extended"] is True
        # Once only.
        assert (
            post(
                client,
                f"{API}/{petition.code}/actions/extend",
                {"reason": "Lần nữa.", "new_due": "2026-03-24"},
                w.head,
            ).status_code
            == 409
        )
    assert Petition.objects.get(code=code).status == "received"
    assert PetitionEvent.objects.filter(petition__code=code).count() == 1


def test_rating_link_errors(client, w):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        petition = assigned(w, when=at(2026, 3, 2, 9, 0))
        from motcua.petitions.tokens import petition_rating_token

        token = petition_rating_token(petition=petition)
        # Not answered yet.
        assert post(client, f"{API}/rating/{token}", {"rating": "satisfied"}).status_code == 409
        assert post(client, f"{API}/rating/x{token}", {"rating": "satisfied"}).status_code == 404
        done = answered(w, when=at(2026, 3, 2, 9, 0), answer_at=at(2026, 3, 3, 9, 0))
        done_token = petition_rating_token(petition=done)
        assert post(client, f"{API}/rating/{done_token}", {"rating": "great"}).status_code == 422
        assert post(client, f"{API}/rating/{done_token}", {}).status_code == 422
        assert Petition.objects.get(pk=done.pk).rating == ""


def test_status_lookup_is_rate_limited(client, w, settings):
    settings.MOTCUA_STATUS_RATE_PER_MINUTE = 2
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        petition = submitted(w, when=at(2026, 3, 2, 9, 0))
        assert get(client, f"{API}/{petition.code}/status?phone=5678").status_code == 200
        assert get(client, f"{API}/{petition.code}/status?phone=0000").status_code == 404
        assert get(client, f"{API}/{petition.code}/status?phone=5678").status_code == 429
