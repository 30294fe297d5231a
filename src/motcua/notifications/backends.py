"""Where a message goes: one backend per channel, chosen by settings (docs/notifications.md).

A backend's `send(message)` returns the provider's reference once the provider has *accepted* the message, or
raises `DeliveryError` (worth retrying) / `PermanentDeliveryError` (retrying cannot help). It never records
anything: `delivery.py` owns the outbox row."""

from __future__ import annotations

import json
import os
import re
import smtplib
import sys
import urllib.error
import urllib.request
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from .models import Message, MessageChannel


class DeliveryError(Exception):
    """The provider did not accept the message this time; `retry_after` (seconds) when it said when to retry.
    The text is stored on the outbox row for administrators; keep personal data out of it."""

    def __init__(self, text: str, *, retry_after: float | None = None):
        super().__init__(text)
        self.retry_after = retry_after


class PermanentDeliveryError(DeliveryError):
    """The provider refused this message for good (malformed address, rejected content)."""


# --- e-mail -------------------------------------------------------------------------------------------------
class EmailBackend:
    """Django's mail framework: `EMAIL_BACKEND` decides console, file or SMTP (settings MOTCUA_EMAIL_BACKEND)."""

    def send(self, message: Message) -> str:
        message_id = f"<{message.delivery_key}@{_mail_domain()}>"
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            # SMTP has no idempotency key; a stable Message-ID at least lets mail systems drop a duplicate.
            headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
        )
        if message.attachment:
            filename, content = _render_attachment(message)
            email.attach(filename, content, "application/pdf")
        try:
            connection = get_connection(fail_silently=False)
            accepted = connection.send_messages([email])
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentDeliveryError("SMTP: người nhận bị từ chối") from error
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"SMTP: {type(error).__name__}") from error
        if not accepted:
            raise DeliveryError("SMTP: máy chủ thư không nhận thư")
        return message_id


def _mail_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "motcua.localhost"


def _render_attachment(message: Message) -> tuple[str, bytes]:
    if message.attachment != "form01" or message.dossier_id is None:
        raise PermanentDeliveryError(f"Không biết tệp đính kèm “{message.attachment}”.")
    from motcua.core.exceptions import DomainError

    try:
        # Imported here: WeasyPrint is heavy and only e-mails with a form need it.
        from motcua.paperwork import render_form
    except ImportError as error:
        raise DeliveryError("Chưa cài đặt chức năng in biểu mẫu") from error
    dossier = message.dossier
    try:
        pdf = render_form(dossier=dossier, number="01", base_url=settings.MOTCUA_PUBLIC_URL)
    except DomainError as error:
        # The receipt does not exist for this dossier: no retry will make it exist.
        raise PermanentDeliveryError(f"Không tạo được Mẫu 01: {error.message}") from error
    return f"{dossier.reference}-mau-01.pdf", pdf


# --- SMS ----------------------------------------------------------------------------------------------------
_NON_DIGITS = re.compile(r"[\s.\-()]")


def sms_number(phone: str) -> str:
    """The number in international form without "+", as Vietnamese gateways take it: 0912… → 84912…"""
    digits = _NON_DIGITS.sub("", phone or "")
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = "84" + digits[1:]
    if not digits.isdigit() or not 10 <= len(digits) <= 15:
        raise PermanentDeliveryError("Số điện thoại không hợp lệ")
    return digits


class ConsoleSmsBackend:
    """Development: prints the SMS (like Django's console e-mail backend)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, message: Message) -> str:
        self.stream.write(f"SMS {message.delivery_key} → {sms_number(message.recipient)}\n{message.body}\n\n")
        self.stream.flush()
        return f"console:{message.delivery_key}"


class FileSmsBackend:
    """Development and demonstrations: one JSON line per SMS in `<MOTCUA_OUTBOX_DIR>/sms.jsonl`."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path or Path(settings.MOTCUA_OUTBOX_DIR) / "sms.jsonl")

    def send(self, message: Message) -> str:
        line = json.dumps(
            {
                "id": str(message.delivery_key),
                "to": sms_number(message.recipient),
                "text": message.body,
                "at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write() of one line on a file opened for appending: lines of concurrent workers never interleave.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)
        return f"file:{message.delivery_key}"


# Refused for this message whatever the retry: the request itself is wrong.
_PERMANENT_STATUSES = frozenset({400, 422})


class HttpSmsBackend:
    """An HTTP SMS gateway (contract in docs/notifications.md): POST JSON {to, text, id} with a bearer token
    and `Idempotency-Key: id`; any 2xx means accepted."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None):
        self.url = url if url is not None else settings.MOTCUA_SMS_URL
        self.token = token if token is not None else settings.MOTCUA_SMS_TOKEN
        self.timeout = timeout if timeout is not None else settings.MOTCUA_SMS_TIMEOUT
        if not self.url.startswith(("https://", "http://")):
            raise DeliveryError("Chưa cấu hình địa chỉ cổng SMS (MOTCUA_SMS_URL)")

    def send(self, message: Message) -> str:
        key = str(message.delivery_key)
        payload = {"to": sms_number(message.recipient), "text": message.body, "id": key}
        request = urllib.request.Request(
            self.url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - URL from settings
                body = response.read(65536)
        except urllib.error.HTTPError as error:
            status = error.code
            retry_after = _retry_after(error.headers.get("Retry-After"))
            error.close()
            if status in _PERMANENT_STATUSES:
                raise PermanentDeliveryError(f"Cổng SMS từ chối: HTTP {status}") from error
            raise DeliveryError(f"Cổng SMS: HTTP {status}", retry_after=retry_after) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            # A timeout leaves the outcome unknown: the retry carries the same key, so the gateway can tell.
            reason = getattr(error, "reason", error)
            raise DeliveryError(f"Cổng SMS không phản hồi: {type(reason).__name__}") from error
        return _gateway_reference(body) or key


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the backoff schedule is good enough


def _gateway_reference(body: bytes) -> str:
    try:
        data = json.loads(body or b"null")
    except ValueError:
        return ""
    if isinstance(data, dict):
        for name in ("reference", "message_id", "id"):
            if data.get(name):
                return str(data[name])[:200]
    return ""


# --- choice -------------------------------------------------------------------------------------------------
SMS_BACKENDS = {"console": ConsoleSmsBackend, "file": FileSmsBackend, "http": HttpSmsBackend}


def backend_for(channel: str):
    if channel == MessageChannel.EMAIL:
        return EmailBackend()
    if channel == MessageChannel.SMS:
        backend = SMS_BACKENDS.get(settings.MOTCUA_SMS_BACKEND)
        if backend is None:
            raise DeliveryError(f"MOTCUA_SMS_BACKEND “{settings.MOTCUA_SMS_BACKEND}” không hợp lệ")
        return backend()
    raise PermanentDeliveryError(f"Kênh “{channel}” không được hỗ trợ")
