"""The citizen endpoints added for the journey (issue #4): registration, answering a supplement request,
electronic results, ratings and "my notifications": their errors, limits and who may use them."""

import re
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User, VerificationCode
from motcua.accounts.services import api_token_issue
from motcua.dossiers.enums import Action, Status
from motcua.dossiers.models import DossierDocument, DossierEvent, DossierResult
from motcua.dossiers.services import dossier_transition
from motcua.notifications.models import Message
from motcua.paperwork.signing import certificates_demo_create
from motcua.ratings.criteria import CRITERION_FIELDS
from motcua.ratings.models import Rating
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world
from tests.postal.helpers import PDF, PNG, online_submitted
from tests.results.helpers import decided_dossier, plain_pdf

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
ITEMS = ["Bản sao Giấy khai sinh", "Giấy xác nhận cư trú"]


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_CERT_DIR = tmp_path / "certs"
    settings.CELERY_BROKER_URL = ""


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def w(clock):
    return dossier_world()


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=user)}"} if user is not None else {}


def post(client, url, user=None, payload=None):
    return client.post(url, payload or {}, content_type="application/json", **bearer(user))


def multipart(client, url, user=None, data=None):
    return client.post(url, data or {}, **bearer(user))


def error(response) -> dict:
    return response.json()["error"]


def png(name="scan.png", content=PNG):
    return SimpleUploadedFile(name, content, "image/png")


def pdf_file(content: bytes, name="ket-qua.pdf"):
    return SimpleUploadedFile(name, content, "application/pdf")


# --- registration ---------------------------------------------------------------------------------------------
def _code_sent(code_id: int) -> str:
    """The six digits in the text of the message that carried the code."""
    message = Message.objects.get(dedupe_key=f"account-code:{code_id}")
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_registration_opens_an_account_with_a_verified_email(client, w):
    started = post(client, "/api/v1/auth/register", payload={"identifier": " Hoa.Le@Example.VN "})
    assert started.status_code == 201
    body = started.json()
    assert (body["channel"], body["sent_to"], body["max_attempts"]) == ("email", "h•••@example.vn", 5)
    assert body["expires_at"] == "2026-03-02T09:10:00+07:00"
    message = Message.objects.get()
    assert (message.event, message.channel, message.recipient) == (
        "verification_code",
        "email",
        "hoa.le@example.vn",
    )
    code = _code_sent(body["code_id"])
    done = post(
        client,
        "/api/v1/auth/register/confirm",
        payload={
            "code_id": body["code_id"],
            "code": code,
            "full_name": "  Lê  Thị Hoa ",
            "password": "Sen-hong-2026",
        },
    )
    assert done.status_code == 201, done.content
    user = User.objects.get(username=done.json()["username"])
    assert (user.full_name, user.email, user.is_email_verified) == ("Lê Thị Hoa", "hoa.le@example.vn", True)
    token = done.json()["token"]
    me = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.json()["full_name"] == "Lê Thị Hoa"
    # The code is spent.
    again = post(
        client,
        "/api/v1/auth/register/confirm",
        payload={"code_id": body["code_id"], "code": code, "full_name": "X", "password": "Sen-hong-2026"},
    )
    assert again.status_code == 422
    assert User.objects.filter(full_name="X").count() == 0


def test_registration_refuses_a_bad_identifier_and_limits_codes(client, w, settings):
    bad = post(client, "/api/v1/auth/register", payload={"identifier": "12345"})
    assert bad.status_code == 422
    assert error(bad)["message"].startswith("Số điện thoại di động gồm 10 chữ số")
    assert error(bad)["details"] == {"identifier": [error(bad)["message"]]}
    settings.MOTCUA_VERIFICATION_RATE_PER_TARGET_PER_HOUR = 2
    answers = [post(client, "/api/v1/auth/register", payload={"identifier": "0912345000"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert error(answers[2]) == {
        "code": "rate_limited",
        "message": "Bạn đã yêu cầu gửi mã quá nhiều lần. Vui lòng thử lại sau một giờ.",
        "details": None,
    }
    assert VerificationCode.objects.count() == 2


def test_registration_answers_alike_when_the_phone_has_an_account(client, w):
    w.citizen.phone, w.citizen.is_phone_verified = "0912345000", True
    w.citizen.save()
    taken = post(client, "/api/v1/auth/register", payload={"identifier": "0912345000"})
    free = post(client, "/api/v1/auth/register", payload={"identifier": "0912345001"})
    assert (taken.status_code, free.status_code) == (201, 201)
    assert set(taken.json()) == set(free.json())
    assert taken.json()["channel"] == free.json()["channel"] == "sms"
    # The holder is told there is an account already; no code goes out for it.
    told = Message.objects.get(recipient="0912345000")
    assert "da co tai khoan" in told.body and told.user == w.citizen
    assert re.search(r"\b\d{6}\b", told.body) is None


def test_wrong_codes_are_counted_and_a_weak_password_can_be_retried(client, w):
    code_id = post(client, "/api/v1/auth/register", payload={"identifier": "0912345000"}).json()["code_id"]
    right = _code_sent(code_id)
    wrong = "000000" if right != "000000" else "111111"
    payload = {"code_id": code_id, "full_name": "Lê Văn Nam", "password": "Sen-hong-2026"}
    first = post(client, "/api/v1/auth/register/confirm", payload={**payload, "code": wrong})
    assert first.status_code == 422
    assert error(first)["message"] == "Mã xác minh không đúng. Bạn còn 4 lần thử."
    weak = post(
        client, "/api/v1/auth/register/confirm", payload={**payload, "code": right, "password": "123"}
    )
    assert weak.status_code == 422
    assert "password" in error(weak)["details"]
    assert User.objects.filter(full_name="Lê Văn Nam").count() == 0
    # The right code still holds after the refused password.
    done = post(client, "/api/v1/auth/register/confirm", payload={**payload, "code": right})
    assert done.status_code == 201, done.content
    assert User.objects.get(full_name="Lê Văn Nam").phone == "0912345000"


def test_too_many_wrong_codes_need_a_new_code(client, w):
    code_id = post(client, "/api/v1/auth/register", payload={"identifier": "0912345000"}).json()["code_id"]
    right = _code_sent(code_id)
    wrong = "000000" if right != "000000" else "111111"
    payload = {"code_id": code_id, "full_name": "Lê Văn Nam", "password": "Sen-hong-2026"}
    for _ in range(5):
        assert (
            post(client, "/api/v1/auth/register/confirm", payload={**payload, "code": wrong}).status_code
            == 422
        )
    locked = post(client, "/api/v1/auth/register/confirm", payload={**payload, "code": right})
    assert locked.status_code == 422
    assert error(locked)["message"] == "Bạn đã nhập sai mã quá 5 lần. Hãy yêu cầu gửi mã mới."
    assert not User.objects.filter(full_name="Lê Văn Nam").exists()


# --- answering a supplement request ---------------------------------------------------------------------------
def awaiting_supplement(w):
    dossier = online_submitted(w)
    for action, actor, fields in (
        (Action.RECEIVE, w.receiver, {}),
        (Action.TRANSFER, w.receiver, {}),
        (Action.FORWARD, w.head, {"assignee": w.specialist}),
        (Action.REQUEST_SUPPLEMENT, w.specialist, {"missing_items": ITEMS}),
    ):
        dossier = dossier_transition(dossier=dossier, action=action, actor=actor, **fields)
    return dossier


def _unchanged(dossier) -> tuple:
    dossier.refresh_from_db()
    return dossier.status, dossier.documents.filter(is_supplement=True).count()


def test_the_owner_answers_each_item_with_one_file(client, w):
    dossier = awaiting_supplement(w)
    url = f"/api/v1/dossiers/{dossier.code}/actions/supplement"
    response = multipart(
        client, url, w.citizen, {"files": [png("a.png"), pdf_file(PDF, "b.pdf")], "note": "Gửi bổ sung"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["allowed_actions"]) == ("processing", [])
    added = DossierDocument.objects.filter(dossier=dossier, is_supplement=True).order_by("order", "id")
    assert [(d.name, d.content_type) for d in added] == [
        (ITEMS[0], "image/png"),
        (ITEMS[1], "application/pdf"),
    ]
    event = DossierEvent.objects.filter(dossier=dossier).latest("seq")
    assert (event.action, event.note, event.actor) == ("supplement", "Gửi bổ sung", w.citizen)


def test_a_supplement_is_all_or_nothing(client, w):
    dossier = awaiting_supplement(w)
    url = f"/api/v1/dossiers/{dossier.code}/actions/supplement"
    short = multipart(client, url, w.citizen, {"files": [png()]})
    assert short.status_code == 422
    assert error(short)["details"] == {"items.1": f"Chưa nộp: {ITEMS[1]}"}
    extra = multipart(client, url, w.citizen, {"files": [png(), png(), png("thua.png")]})
    assert extra.status_code == 422
    assert "không có trong yêu cầu bổ sung" in error(extra)["details"]["documents"]
    not_a_scan = multipart(client, url, w.citizen, {"files": [png(), png("x.png", b"<html></html>")]})
    assert not_a_scan.status_code == 422
    assert list(error(not_a_scan)["details"]) == ["files.1"]
    assert _unchanged(dossier) == (Status.AWAITING_SUPPLEMENT, 0)


def test_a_supplement_only_for_the_owner_and_only_when_asked(client, w):
    dossier = awaiting_supplement(w)
    url = f"/api/v1/dossiers/{dossier.code}/actions/supplement"
    files = lambda: {"files": [png(), png()]}  # noqa: E731 - a file is read once per request
    assert multipart(client, url, None, files()).status_code == 401
    assert multipart(client, url, w.other_citizen, files()).status_code == 404
    assert multipart(client, url, w.commune_receiver, files()).status_code == 404
    # The centre's officer records papers handed in at the counter, not scans on the citizen's behalf.
    by_officer = multipart(client, url, w.receiver, files())
    assert by_officer.status_code == 422
    assert _unchanged(dossier) == (Status.AWAITING_SUPPLEMENT, 0)
    processing = online_submitted(w, citizen=w.other_citizen, id_number="096300002222")
    processing = dossier_transition(dossier=processing, action=Action.RECEIVE, actor=w.receiver)
    early = multipart(
        client, f"/api/v1/dossiers/{processing.code}/actions/supplement", w.other_citizen, files()
    )
    assert early.status_code == 409
    assert error(early)["message"] == "Hồ sơ không ở trạng thái chờ bổ sung."


def test_the_centre_still_records_a_counter_supplement_as_json(client, w):
    dossier = awaiting_supplement(w)
    response = post(
        client, f"/api/v1/dossiers/{dossier.code}/actions/supplement", w.receiver, {"note": "Nộp tại quầy"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "processing"
    event = DossierEvent.objects.filter(dossier=dossier).latest("seq")
    assert (event.action, event.note, event.actor) == ("supplement", "Nộp tại quầy", w.receiver)


# --- electronic results ---------------------------------------------------------------------------------------
def test_the_receiving_officer_signs_an_uploaded_result(client, w):
    certificates_demo_create()
    dossier = decided_dossier(w, owner=w.citizen)
    url = f"/api/v1/dossiers/{dossier.code}/result"
    not_pdf = multipart(client, url, w.receiver, {"file": png("ket-qua.png")})
    assert not_pdf.status_code == 422
    assert list(error(not_pdf)["details"]) == ["file"]
    assert multipart(client, url, w.citizen, {"file": pdf_file(plain_pdf())}).status_code == 403
    assert multipart(client, url, w.other_citizen, {"file": pdf_file(plain_pdf())}).status_code == 404
    assert multipart(client, url, w.commune_receiver, {"file": pdf_file(plain_pdf())}).status_code == 404
    assert not DossierResult.objects.exists()

    signed = multipart(client, url, w.receiver, {"file": pdf_file(plain_pdf()), "name": "Giấy xác nhận"})
    assert signed.status_code == 201, signed.content
    result = DossierResult.objects.get()
    assert signed.json() == {
        "code": dossier.code,
        "name": "Giấy xác nhận",
        "sha256": result.sha256,
        "size": result.size,
        "signed_at": "2026-03-02T09:00:00+07:00",
        "signer": "Sở Tư pháp",
        "signer_unit": "H12.04",
    }
    # Once: a result the citizen may hold already is never replaced.
    twice = multipart(client, url, w.receiver, {"file": pdf_file(plain_pdf("Khác"))})
    assert twice.status_code == 409
    assert DossierResult.objects.get().sha256 == result.sha256


def test_no_result_before_the_decision_nor_without_a_certificate(client, w):
    processing = online_submitted(w)
    processing = dossier_transition(dossier=processing, action=Action.RECEIVE, actor=w.receiver)
    early = multipart(client, f"/api/v1/dossiers/{processing.code}/result", w.receiver)
    assert early.status_code == 409
    assert error(early)["code"] == "invalid_transition"
    decided = decided_dossier(w, owner=w.other_citizen)
    missing = multipart(client, f"/api/v1/dossiers/{decided.code}/result", w.receiver)
    assert missing.status_code == 409
    assert error(missing)["code"] == "certificate_missing"
    assert not DossierResult.objects.exists()


def test_the_result_is_downloaded_by_its_owner_and_the_officers_who_see_it(client, w):
    certificates_demo_create()
    dossier = decided_dossier(w, owner=w.citizen)
    url = f"/api/v1/dossiers/{dossier.code}/result.pdf"
    none_yet = client.get(url, **bearer(w.citizen))
    assert none_yet.status_code == 404
    assert error(none_yet)["message"] == "Hồ sơ này chưa có kết quả điện tử."
    multipart(client, f"/api/v1/dossiers/{dossier.code}/result", w.leader)
    result = DossierResult.objects.get()
    for user in (w.citizen, w.receiver, w.leader):
        response = client.get(url, **bearer(user))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="{dossier.code}-ket-qua.pdf"'
        assert b"".join(response.streaming_content) == result.file.open("rb").read()
    for user in (w.other_citizen, w.commune_receiver):
        assert client.get(url, **bearer(user)).status_code == 404
        assert client.get(f"/api/v1/dossiers/{dossier.code}/result", **bearer(user)).status_code == 404
    assert client.get(url).status_code == 401
    meta = client.get(f"/api/v1/dossiers/{dossier.code}/result", **bearer(w.citizen)).json()
    assert (meta["sha256"], meta["signer"]) == (result.sha256, "Sở Tư pháp")


def test_verification_tells_a_changed_or_unsigned_file_and_reveals_no_one(client, w, settings):
    certificates_demo_create()
    dossier = decided_dossier(w, owner=w.citizen)
    multipart(client, f"/api/v1/dossiers/{dossier.code}/result", w.receiver)
    signed = DossierResult.objects.get().file.open("rb").read()

    genuine = client.post("/api/v1/results/verify", {"file": pdf_file(signed)}).json()
    assert genuine["is_valid"] and genuine["match"] == {"code": dossier.code, "signer": "Sở Tư pháp"}
    assert "Nguyễn Thị Hoa" not in str(genuine) and "0912345678" not in str(genuine)
    changed = client.post("/api/v1/results/verify", {"file": pdf_file(signed + b"\n% sua\n")}).json()
    assert (changed["is_valid"], changed["is_changed_after_signing"], changed["match"]) == (False, True, None)
    assert "changed_after_signing" in [p["code"] for p in changed["problems"]]
    unsigned = client.post("/api/v1/results/verify", {"file": pdf_file(plain_pdf())}).json()
    assert unsigned["problems"] == [{"code": "unsigned", "message": "Tệp PDF không có chữ ký số."}]
    assert (unsigned["signature"], unsigned["signature_count"]) == (None, 0)

    not_pdf = client.post("/api/v1/results/verify", {"file": png()})
    assert not_pdf.status_code == 422
    assert error(not_pdf)["message"] == "Tệp “scan.png” không phải là tệp PDF."
    nothing = client.post("/api/v1/results/verify", {})
    assert nothing.status_code == 422
    assert error(nothing)["message"] == "Chọn tệp kết quả (PDF) cần kiểm tra."
    # Four checks above counted (the one without a file did not): one more, then the limit.
    settings.MOTCUA_VERIFY_RATE_PER_MINUTE = 5
    assert client.post("/api/v1/results/verify", {"file": pdf_file(signed)}).status_code == 200
    limited = client.post("/api/v1/results/verify", {"file": pdf_file(signed)})
    assert limited.status_code == 429
    assert error(limited)["code"] == "rate_limited"


# --- ratings --------------------------------------------------------------------------------------------------
def test_the_criteria_are_public_and_match_what_the_rating_takes(client):
    response = client.get("/api/v1/ratings/criteria")
    assert response.status_code == 200
    criteria = response.json()["criteria"]
    assert [c["field"] for c in criteria] == ["overall", *CRITERION_FIELDS]
    assert [c["is_required"] for c in criteria] == [True] + [False] * len(CRITERION_FIELDS)
    assert criteria[0]["choices"] == [
        {"value": "very_satisfied", "label": "Rất hài lòng"},
        {"value": "satisfied", "label": "Hài lòng"},
        {"value": "not_satisfied", "label": "Không hài lòng"},
    ]
    assert criteria[1]["question"] == "Thời gian giải quyết hồ sơ so với thời hạn theo quy định"
    assert response.json()["comment_max_length"] == 2000
    from motcua.api.routers.ratings import RatingIn

    assert set(RatingIn.model_fields) == {"overall", "comment", *CRITERION_FIELDS}


def test_a_returned_dossier_is_rated_once_by_its_owner(client, w):
    dossier = decided_dossier(w, owner=w.citizen)
    url = f"/api/v1/dossiers/{dossier.code}/rating"
    early = post(client, url, w.citizen, {"overall": "satisfied"})
    assert early.status_code == 409
    assert (
        error(early)["message"]
        == "Hồ sơ chưa trả kết quả. Bạn đánh giá được sau khi nhận kết quả giải quyết."
    )
    dossier_transition(dossier=dossier, action=Action.RETURN_RESULT, actor=w.receiver)
    for user in (w.other_citizen, w.receiver, w.commune_receiver):
        assert post(client, url, user, {"overall": "satisfied"}).status_code == 404
    assert post(client, url, None, {"overall": "satisfied"}).status_code == 401
    bad = post(client, url, w.citizen, {"overall": "so-so", "staff_attitude": "rude"})
    assert bad.status_code == 422
    assert error(bad)["details"] == {
        "overall": "Chọn mức độ hài lòng chung của bạn.",
        "staff_attitude": "Lựa chọn không hợp lệ.",
    }
    unknown = post(client, url, w.citizen, {"overall": "satisfied", "speed": "fast"})
    assert unknown.status_code == 422
    assert not Rating.objects.exists()

    rated = post(
        client, url, w.citizen, {"overall": "satisfied", "staff_attitude": "courteous", "comment": " Tốt "}
    )
    assert rated.status_code == 201, rated.content
    assert rated.json() == {
        "code": dossier.code,
        "overall": "satisfied",
        "created_at": "2026-03-02T09:00:00+07:00",
    }
    rating = Rating.objects.get()
    assert (rating.channel, rating.rated_by, rating.staff_attitude, rating.comment) == (
        "online",
        w.citizen,
        "courteous",
        "Tốt",
    )
    second = post(client, url, w.citizen, {"overall": "not_satisfied"})
    assert second.status_code == 409
    assert error(second)["message"] == "Hồ sơ này đã được đánh giá. Mỗi hồ sơ chỉ được đánh giá một lần."
    assert Rating.objects.get().overall == "satisfied"


# --- my notifications -----------------------------------------------------------------------------------------
def test_my_notifications_are_mine_only_and_say_no_content(client, w):
    mine = online_submitted(w)
    dossier_transition(dossier=mine, action=Action.RECEIVE, actor=w.receiver)
    theirs = online_submitted(w, citizen=w.other_citizen, id_number="096300002222")
    dossier_transition(dossier=theirs, action=Action.RECEIVE, actor=w.receiver)
    mine.refresh_from_db()
    response = client.get("/api/v1/me/notifications", **bearer(w.citizen))
    assert response.status_code == 200
    body = response.json()
    # online_submitted gives a phone and no e-mail address: one SMS for the reception.
    assert body == [
        {
            "event": "received",
            "channel": "sms",
            "status": "pending",
            "created_at": "2026-03-02T09:00:00+07:00",
            "sent_at": None,
            "dossier": mine.code,
        }
    ]
    assert Message.objects.count() == 2
    assert client.get("/api/v1/me/notifications", **bearer(w.receiver)).json() == []
    assert client.get("/api/v1/me/notifications?limit=0", **bearer(w.citizen)).status_code == 422
    assert client.get("/api/v1/me/notifications").status_code == 401
