"""Every answer carries the Content Security Policy and the other security headers: citizen pages, officer
pages and the API alike."""

import pytest

from tests.factories import dossier_world

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def _assert_security_headers(response) -> None:
    directives = _directives(response["Content-Security-Policy"])
    for name, value in EXPECTED_CSP.items():
        assert directives[name] == value, name
    assert (
        "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions


def test_citizen_pages_carry_the_headers(client):
    for url in ("/", "/dang-nhap/", "/tra-cuu/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_security_headers(response)


def test_officer_pages_carry_the_headers(client):
    w = dossier_world()
    client.force_login(w.receiver)
    response = client.get("/can-bo/")
    assert response.status_code == 200
    _assert_security_headers(response)


def test_api_answers_carry_the_headers(client):
    response = client.get("/api/v1/ping")
    assert response.status_code == 200
    _assert_security_headers(response)
    refused = client.get("/api/v1/auth/me")
    assert refused.status_code == 401
    _assert_security_headers(refused)


def test_api_docs_are_served_from_our_own_static_files(client):
    # Swagger UI from a CDN would need a hole in script-src; with "ninja" installed it comes from /static/.
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html


def test_no_template_carries_inline_script_or_event_handler():
    # The CSP refuses them in the browser; this finds them before a browser test has to.
    import re
    from pathlib import Path

    import motcua

    root = Path(motcua.__file__).parent
    inline_script = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I
    )
    handler = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if inline_script.search(text := path.read_text(encoding="utf-8")) or handler.search(text)
    ]
    assert offenders == []
