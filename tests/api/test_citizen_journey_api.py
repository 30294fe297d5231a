"""Issue #4, "Done when" (the API half): a new citizen account submits online, is returned for completion once,
completes, is received, is asked for a supplement, answers it, receives a signed electronic result, verifies
it and rates the service, through the REST API only; every notification is delivered exactly once although
the SMS gateway is down for an hour in the middle of it."""

import hashlib
import json
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.services import api_token_issue
from motcua.notifications import backends
from motcua.notifications.backends import DeliveryError
from motcua.notifications.delivery import outbox_deliver_due
from motcua.notifications.models import Message, MessageStatus
from motcua.paperwork.signing import certificates_demo_create
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import dossier_world

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PHONE = "0912 000 111"
EMAIL = "mai.tran@example.vn"
PASSWORD = "Hoa-sen-mua-ha-2026"
EFORM = [{"name": "muc_dich", "label": "Mục đích sử dụng giấy xác nhận", "type": "text", "required": True}]


def at(hour: int, minute: int = 0) -> datetime:
    # Monday 2 March 2026, a working day.
    return datetime(2026, 3, 2, hour, minute, tzinfo=LOCAL_TZ)


class Gateway:
    """The SMS provider: refuses everything while `down` (as a 503 would), else accepts and keeps what it got.
    It does not deduplicate: a message sent twice would be received twice."""

    def __init__(self):
        self.down = False
        self.received: list[dict] = []
        self.refused = 0

    def send(self, message):
        if self.down:
            self.refused += 1
            raise DeliveryError("Cổng SMS: HTTP 503")
        self.received.append(
            {
                "id": str(message.delivery_key),
                "to": backends.sms_number(message.recipient),
                "text": message.body,
            }
        )
        return f"gw-{len(self.received)}"


@pytest.fixture
def gateway(settings, monkeypatch, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Certificates of our own: one made earlier in this process at the real date is not yet valid on the
    # simulated day of the journey.
    settings.MOTCUA_CERT_DIR = tmp_path / "certs"
    settings.MOTCUA_OUTBOX_DIR = tmp_path / "outbox"
    settings.CELERY_BROKER_URL = ""
    settings.MOTCUA_SMS_BACKEND = "gateway"
    gateway = Gateway()
    monkeypatch.setitem(backends.SMS_BACKENDS, "gateway", lambda: gateway)
    return gateway


class Journey:
    """The API client of each person, and the simulated clock with the delivery passes a worker would run."""

    def __init__(self, client, traveller, gateway):
        self.client, self.traveller, self.gateway = client, traveller, gateway
        self.now = at(9)
        self.tokens: dict[str, str] = {}

    def as_(self, who, user=None) -> dict:
        if user is not None and who not in self.tokens:
            self.tokens[who] = api_token_issue(user=user)
        return {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"} if who in self.tokens else {}

    def post(self, url, who, payload=None, *, user=None, status=200):
        response = self.client.post(
            f"/api/v1{url}", payload or {}, content_type="application/json", **self.as_(who, user)
        )
        assert response.status_code == status, (url, response.content)
        return response

    def upload(self, url, who, data, *, status):
        response = self.client.post(f"/api/v1{url}", data, **self.as_(who))
        assert response.status_code == status, (url, response.content)
        return response

    def get(self, url, who, *, user=None, status=200):
        response = self.client.get(f"/api/v1{url}", **self.as_(who, user))
        assert response.status_code == status, (url, response.content)
        return response

    def until(self, moment: datetime) -> None:
        """Let time pass to `moment`, the worker running a delivery pass every five minutes."""
        while self.now < moment:
            self.now = min(self.now + timedelta(minutes=5), moment)
            self.traveller.move_to(self.now)
            outbox_deliver_due(now=self.now)


def scan(name="scan.png", content=PNG, kind="image/png"):
    return SimpleUploadedFile(name, content, kind)


def test_a_new_citizen_goes_through_the_whole_journey_by_api(client, gateway):
    with time_machine.travel(at(9), tick=False) as traveller:
        w = dossier_world()
        w.version.eform_fields = EFORM
        w.version.save(update_fields=["eform_fields"])
        certificates_demo_create()  # the province's administrator installs the units' certificates
        j = Journey(client, traveller, gateway)

        # --- a new account: the code arrives by SMS ---------------------------------------------------
        started = j.post("/auth/register", "anyone", {"identifier": PHONE}, status=201).json()
        assert (started["channel"], started["sent_to"]) == ("sms", "091••••111")
        outbox_deliver_due(now=j.now)
        [sms] = gateway.received
        assert sms["to"] == "84912000111"
        code = re.fullmatch(r"Ma xac minh Mot cua dien tu: (\d{6})\. .*", sms["text"]).group(1)
        registered = j.post(
            "/auth/register/confirm",
            "anyone",
            {"code_id": started["code_id"], "code": code, "full_name": "Trần Thị Mai", "password": PASSWORD},
            status=201,
        ).json()
        j.tokens["citizen"] = registered["token"]
        me = j.get("/auth/me", "citizen").json()
        assert (me["full_name"], me["roles"]) == ("Trần Thị Mai", [])
        # Signing in again works with the phone number as the user name.
        j.post("/auth/token", "anyone", {"username": "0912000111", "password": PASSWORD})

        # --- the SMS gateway goes down for an hour ----------------------------------------------------
        j.until(at(9, 5))
        gateway.down = True

        # --- online draft, upload, submission ---------------------------------------------------------
        j.until(at(9, 10))
        applicant = {
            "name": "Trần Thị Mai",
            "phone": PHONE,
            "email": EMAIL,
            "id_number": "096300001111",
            "address": "Số 12 đường Phan Ngọc Hiển, phường An Xuyên, tỉnh Cà Mau",
        }
        draft = j.post(
            "/dossiers",
            "citizen",
            {"procedure": "1.004873", "applicant": applicant, "form_data": {"muc_dich": "Đăng ký kết hôn"}},
            status=201,
        ).json()
        ref = draft["code"]
        assert (draft["status"], draft["channel"], draft["allowed_actions"]) == (
            "draft",
            "online",
            ["submit"],
        )
        j.upload(f"/dossiers/{ref}/documents", "citizen", {"component": "1", "file": scan()}, status=201)
        sent = j.post(f"/dossiers/{ref}/actions/submit", "citizen").json()
        assert sent["status"] == "submitted"

        # --- returned for completion, once ------------------------------------------------------------
        j.until(at(9, 20))
        residence = "Giấy tờ chứng minh nơi cư trú"
        returned = j.post(
            f"/dossiers/{ref}/actions/return_for_completion",
            "receiver",
            {"missing_items": [residence]},
            user=w.receiver,
        ).json()
        assert returned["status"] == "incomplete"
        j.until(at(9, 30))
        history = j.get(f"/dossiers/{ref}/history", "citizen").json()
        assert history[-1]["action"] == "return_for_completion"
        assert history[-1]["data"]["missing_items"] == [residence]
        j.upload(f"/dossiers/{ref}/documents", "citizen", {"component": "2", "file": scan()}, status=201)
        assert j.post(f"/dossiers/{ref}/actions/submit", "citizen").json()["status"] == "submitted"

        # --- received, handled, asked for a supplement -----------------------------------------------
        j.until(at(9, 40))
        received = j.post(f"/dossiers/{ref}/actions/receive", "receiver").json()
        code_ = received["code"]
        assert (received["status"], code_) == ("received", "H12.99-260302-0001")
        j.until(at(9, 45))
        j.post(f"/dossiers/{code_}/actions/transfer", "receiver")
        j.post(f"/dossiers/{code_}/actions/forward", "head", {"assignee": "chuyenvien"}, user=w.head)
        j.until(at(9, 50))
        items = ["Bản sao Giấy khai sinh", "Giấy xác nhận cư trú"]
        asked = j.post(
            f"/dossiers/{code_}/actions/request_supplement",
            "specialist",
            {"missing_items": items},
            user=w.specialist,
        ).json()
        assert asked["status"] == "awaiting_supplement"

        # --- the citizen answers the supplement request ----------------------------------------------
        j.until(at(10))
        mine = j.get(f"/dossiers/{code_}", "citizen").json()
        assert (mine["status"], mine["allowed_actions"]) == ("awaiting_supplement", ["supplement"])
        asked_for = j.get(f"/dossiers/{code_}/history", "citizen").json()[-1]["data"]["missing_items"]
        assert asked_for == items
        answered = j.upload(
            f"/dossiers/{code_}/actions/supplement",
            "citizen",
            {"files": [scan("khai-sinh.png"), scan("cu-tru.pdf", PDF, "application/pdf")], "note": "Đã đủ"},
            status=200,
        ).json()
        assert answered["status"] == "processing"

        # While the gateway is down the e-mails go out and the SMS wait, retried with backoff.
        assert Message.objects.filter(channel="sms", status=MessageStatus.SENT).count() == 1
        waiting = Message.objects.filter(channel="sms", status=MessageStatus.PENDING)
        assert waiting.count() == 3  # returned for completion, received, supplement requested
        assert all(m.attempts >= 2 and m.next_attempt_at > j.now for m in waiting)
        assert gateway.refused >= 6
        assert Message.objects.filter(channel="email", status=MessageStatus.PENDING).count() == 0

        # --- the gateway is back; the dossier is decided ----------------------------------------------
        j.until(at(10, 5))
        gateway.down = False
        j.until(at(10, 10))
        j.post(f"/dossiers/{code_}/actions/forward", "specialist")
        j.post(f"/dossiers/{code_}/actions/forward", "builder", user=w.builder)
        decided = j.post(f"/dossiers/{code_}/actions/approve", "leader", user=w.leader).json()
        assert decided["status"] == "result_ready"

        # --- the signed electronic result: attached, downloaded, verified -----------------------------
        j.until(at(10, 20))
        response = j.client.post(f"/api/v1/dossiers/{code_}/result", {}, **j.as_("receiver"))
        assert response.status_code == 201, response.json()
        attached = response.json()
        assert attached["name"] == f"Giấy xác nhận kết quả giải quyết hồ sơ {code_}"
        assert (attached["signer"], attached["signer_unit"]) == ("Sở Tư pháp", "H12.04")
        download = j.get(f"/dossiers/{code_}/result.pdf", "citizen")
        assert download["Content-Type"] == "application/pdf"
        pdf = b"".join(download.streaming_content)
        assert hashlib.sha256(pdf).hexdigest() == attached["sha256"]
        verdict = j.client.post(
            "/api/v1/results/verify", {"file": scan("ket-qua.pdf", pdf, "application/pdf")}
        )
        assert verdict.status_code == 200, verdict.content
        verdict = verdict.json()
        assert (verdict["is_valid"], verdict["problems"], verdict["sha256"]) == (True, [], attached["sha256"])
        assert verdict["match"] == {"code": code_, "signer": "Sở Tư pháp"}
        assert verdict["signature"]["is_trusted"] and verdict["signature"]["is_demo"]
        assert "Mai" not in json.dumps(verdict, ensure_ascii=False)  # nothing about the applicant

        # --- the result is returned and rated --------------------------------------------------------
        j.until(at(10, 30))
        assert j.post(f"/dossiers/{code_}/actions/return_result", "receiver").json()["status"] == "returned"
        j.until(at(10, 40))
        criteria = j.get("/ratings/criteria", "anyone").json()["criteria"]
        answers = {
            c["field"]: c["choices"][0]["value"] for c in criteria if c["field"] != "petition_response"
        }
        rated = j.post(f"/dossiers/{code_}/rating", "citizen", {**answers, "comment": "Nhanh"}, status=201)
        assert rated.json()["overall"] == "very_satisfied"
        again = j.post(f"/dossiers/{code_}/rating", "citizen", {"overall": "satisfied"}, status=409)
        assert again.json()["error"]["code"] == "invalid_transition"

        # --- the worker keeps going until nothing is due ---------------------------------------------
        j.until(at(11, 30))
        mine = j.get("/me/dossiers", "citizen").json()
        notifications = j.get("/me/notifications?limit=100", "citizen").json()

    assert mine["count"] == 1
    assert {k: mine["items"][0][k] for k in ("code", "status", "next_step", "needs_action")} == {
        "code": code_,
        "status": "returned",
        "next_step": "done",
        "needs_action": False,
    }

    dossier_events = [
        "returned_for_completion",
        "received",
        "supplement_requested",
        "result_ready",
        "returned",
    ]
    # Every message was delivered, none gave up, none is still waiting.
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    # The gateway got each SMS exactly once, in the order of the journey (the ones held back by the outage
    # were retried in their order), and nothing else.
    by_key = {str(m.delivery_key): m for m in Message.objects.all()}
    sms_ids = [line["id"] for line in gateway.received]
    assert len(sms_ids) == len(set(sms_ids))
    assert [by_key[i].event for i in sms_ids] == ["verification_code", *dossier_events]
    assert {line["to"] for line in gateway.received} == {"84912000111"}
    # Each e-mail exactly once (its Message-ID is the message's delivery key), to the address given.
    mail_ids = [m.extra_headers["Message-ID"].strip("<>").partition("@")[0] for m in mail.outbox]
    assert len(mail_ids) == len(set(mail_ids))
    assert [by_key[i].event for i in mail_ids] == dossier_events
    assert {tuple(m.to) for m in mail.outbox} == {(EMAIL,)}
    assert mail.outbox[1].attachments[0][0] == f"{code_}-mau-01.pdf"  # the receipt goes with "received"
    # The SMS held back were tried during the outage and went out at the first pass after it.
    late = Message.objects.filter(channel="sms", event__in=dossier_events[:3])
    assert all(m.attempts > 1 and m.sent_at >= at(10, 5) for m in late)
    assert all(m.attempts == 1 for m in Message.objects.exclude(pk__in=late))

    # The citizen's own notifications: the ten dossier messages, both channels, all sent. (The registration
    # code went out before the account existed, so it belongs to no account.)
    assert sorted((n["event"], n["channel"]) for n in notifications) == sorted(
        (event, channel) for event in dossier_events for channel in ("email", "sms")
    )
    assert {(n["status"], n["dossier"]) for n in notifications} == {("sent", code_)}
