"""Request ids and one log line per request (docs/deployment.md, "Monitoring").

nginx gives each request an id (`X-Request-ID: $request_id`); without one the middleware makes it. The id goes
back in the response header and into every log record written while the request runs, so the lines of one
request can be found across nginx, the web process and the logs of a support call. The request line carries
the method, the path without its query string (queries hold search terms, names and phone digits), the status,
the duration and the user's id: never a name, a username or a client address."""

import contextvars
import ipaddress
import logging
import re
import time
import uuid

from django.conf import settings
from django.core.signals import request_finished

logger = logging.getLogger("motcua.request")

HEADER = "X-Request-ID"
_current = contextvars.ContextVar("motcua_request_id", default="-")
# Anything else from outside (a forged header, a very long one) is replaced rather than logged as is.
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_id() -> str:
    return _current.get()


class RequestIdFilter(logging.Filter):
    """Puts the running request's id on every record ("-" outside a request: commands, Celery tasks)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True


def _user_id(request) -> int | None:
    # Only when the authentication middleware ran (static files answered by WhiteNoise come back before it).
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user.pk


def _forget(**kwargs) -> None:
    _current.set("-")


# The id stays set until the response is closed, not only until the middleware returns: Django writes its
# "Not Found" and error lines after the middleware chain, and they belong to the request too.
request_finished.connect(_forget, dispatch_uid="motcua.requestlog.forget")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if _ACCEPTED.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        _current.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[HEADER] = request_id
        # "=>" between path and status: a path ending in a dossier code ("…-0148") followed by " 200 955.3"
        # read as a phone grouped 4-3-3 to the log filter, which masked the status and the duration away.
        logger.info(
            "%s %s => %s %sms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": _user_id(request),
            },
        )
        return response


class ClientAddressMiddleware:
    """Behind nginx every request comes from 127.0.0.1: the per-client rate limits (status look-ups,
    verification codes, kiosks) would then count the whole province as one client. With
    MOTCUA_CLIENT_IP_HEADER=X-Real-IP, REMOTE_ADDR becomes the address nginx puts in that header, which nginx
    always overwrites. Without the setting the header is ignored: a client could otherwise choose its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = settings.MOTCUA_CLIENT_IP_HEADER
        if header:
            value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(value))
            except ValueError:
                pass  # no or malformed header: keep the socket's address
        return self.get_response(request)
