"""What the interfaces (back office, API) call: the access log line for the current request."""

from __future__ import annotations

from motcua.core.ratelimit import client_ip

from .access import personal_data_access_record, personal_data_search_record
from .enums import AccessChannel


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return match.route
    return request.path[:100]


def _channel(request) -> str:
    return AccessChannel.API if request.path.startswith("/api/") else AccessChannel.WEB


def record_access(request, *, kind: str, dossier=None, subject=None, unit=None, detail: str = ""):
    return personal_data_access_record(
        actor=request.user,
        kind=kind,
        route=_route(request),
        channel=_channel(request),
        dossier=dossier,
        subject=subject,
        unit=unit,
        detail=detail,
        ip=client_ip(request),
    )


def record_search(request, *, q: str):
    return personal_data_search_record(
        actor=request.user, q=q, route=_route(request), channel=_channel(request), ip=client_ip(request)
    )
