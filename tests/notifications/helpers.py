"""Shared by the notification tests: a world whose applicant gives an e-mail address, and a fake HTTP SMS
gateway that honours idempotency keys the way docs/notifications.md asks real gateways to."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.utils import timezone

from motcua.dossiers.services import ApplicantData, dossier_intake, dossier_transition
from motcua.workcal.calendar import LOCAL_TZ
from tests.factories import intake_data

EMAIL = "hoa.nguyen@example.vn"
PHONE = "0912345678"
TOKEN = "test-gateway-token"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def applicant(**overrides) -> ApplicantData:
    values = dict(
        name="Nguyễn Thị Hoa",
        phone=PHONE,
        email=EMAIL,
        id_number="096123456789",
        address="Phường An Xuyên, tỉnh Cà Mau",
    )
    values.update(overrides)
    return ApplicantData(**values)


def receive(w, **overrides):
    """A counter intake received by the provincial centre (writes the "received" messages)."""
    overrides.setdefault("applicant", applicant())
    return dossier_intake(data=intake_data(w, **overrides), actor=w.receiver)


def act(dossier, action, actor, **fields):
    return dossier_transition(dossier=dossier, action=action, actor=actor, **fields)


@dataclass
class Gateway:
    """State of the fake gateway. `down_until`: answer 503 while the (possibly travelled) clock is before it.
    `status`: a fixed answer instead. `delay`: seconds to sleep before answering (after accepting)."""

    url: str = ""
    down_until: datetime | None = None
    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    requests: list[dict] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)  # ids, in order, each accepted message once
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict, dict]:
        body = json.loads(handler.rfile.read(int(handler.headers["Content-Length"])))
        with self.lock:
            self.requests.append({"headers": dict(handler.headers), "body": body, "at": timezone.now()})
        if handler.headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, {}, {"error": "unauthorised"}
        if self.status is not None and not 200 <= self.status < 300:
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return self.status, headers, {"error": "refused"}
        if self.down_until is not None and timezone.now() < self.down_until:
            return 503, {}, {"error": "maintenance"}
        key = handler.headers["Idempotency-Key"]
        with self.lock:
            if key not in self.delivered:  # a replay of an accepted message is acknowledged, not re-sent
                self.delivered.append(key)
        if self.delay:
            time.sleep(self.delay)
        return 202, {}, {"reference": f"gw-{key[:8]}"}


class _Handler(BaseHTTPRequestHandler):
    gateway: Gateway

    def do_POST(self):  # noqa: N802 - http.server's naming
        status, headers, payload = self.server.gateway.handle(self)
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up (timeout test)

    def log_message(self, format, *args):
        pass


class GatewayServer:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.gateway = Gateway(url=f"http://127.0.0.1:{self.httpd.server_port}/sms")
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self.httpd.gateway

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
