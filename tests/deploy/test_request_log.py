import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.utils.module_loading import import_string

from motcua.core.requestlog import RequestIdFilter
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines(settings):
    """The log lines of the test as the production JSON handler writes them (formatter and filter from
    settings.LOGGING), parsed."""
    options = dict(settings.LOGGING["formatters"]["json"])
    formatter = import_string(options.pop("()"))(**options)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def _request_lines(lines):
    return [line for line in lines if line["logger"] == "motcua.request"]


def test_a_request_without_an_id_gets_one_in_the_response(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_the_id_from_nginx_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="7f3a9c1e0b2d4e5f")
    assert response["X-Request-ID"] == "7f3a9c1e0b2d4e5f"


@pytest.mark.parametrize("forged", ["a b", "x" * 65, "abc\r\nSet-Cookie: x=1", "<script>"])
def test_a_malformed_id_is_replaced(client, forged):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=forged)
    assert response["X-Request-ID"] != forged
    assert len(response["X-Request-ID"]) == 32


def test_every_record_of_a_request_carries_its_id(client, json_lines):
    response = client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 404
    lines = json_lines()
    # Django's own "Not Found" warning, written inside the request, and the request line.
    assert {line["logger"] for line in lines} >= {"django.request", "motcua.request"}
    assert {line["request_id"] for line in lines} == {"req-42"}


def test_the_request_line_has_method_path_status_duration_and_no_query(client, json_lines):
    client.get("/thu-tuc/?q=nguyen+van+an+0912345678", HTTP_X_REQUEST_ID="req-1")
    (line,) = _request_lines(json_lines())
    assert line["method"] == "GET"
    assert line["path"] == "/thu-tuc/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user_id"] is None
    assert line["level"] == "INFO"
    assert line["timestamp"].endswith("+00:00")
    everything = json.dumps(json_lines())
    assert "nguyen" not in everything and "0912345678" not in everything


def test_the_request_line_names_the_user_by_id_only(client, json_lines):
    user = UserFactory(username="tran.thi.binh", first_name="Bình", last_name="Trần")
    client.force_login(user)
    client.get("/")
    (line,) = _request_lines(json_lines())
    assert line["user_id"] == user.pk
    everything = json.dumps(json_lines(), ensure_ascii=False)
    assert "tran.thi.binh" not in everything and "Bình" not in everything


def test_records_outside_a_request_say_so(json_lines):
    logging.getLogger("motcua.test").warning("outside")
    (line,) = [line for line in json_lines() if line["logger"] == "motcua.test"]
    assert line["request_id"] == "-"


def _log_from_a_fresh_process(tmp_path, **environ) -> str:
    env = {**os.environ, "MOTCUA_DATA_DIR": str(tmp_path), **environ}
    env.pop("DATABASE_URL", None)
    script = "import django, logging; django.setup(); logging.getLogger('motcua.check').warning('started')"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "motcua.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stderr.strip().splitlines()[-1]


def test_log_format_json_is_chosen_by_the_environment(tmp_path):
    line = json.loads(_log_from_a_fresh_process(tmp_path, MOTCUA_LOG_FORMAT="json"))
    assert line["logger"] == "motcua.check"
    assert line["message"] == "started"
    assert line["level"] == "WARNING"
    assert line["request_id"] == "-"


def test_plain_lines_by_default(tmp_path):
    environ = {k: v for k, v in os.environ.items() if k != "MOTCUA_LOG_FORMAT"}
    line = _log_from_a_fresh_process(tmp_path, **environ)
    assert line.endswith("WARNING motcua.check started")
    assert not line.startswith("{")


def test_the_id_is_forgotten_when_the_request_ends(client, json_lines):
    client.get("/healthz", HTTP_X_REQUEST_ID="req-done")
    logging.getLogger("motcua.test").warning("after")
    (line,) = [line for line in json_lines() if line["logger"] == "motcua.test"]
    assert line["request_id"] == "-"


def test_a_slow_request_to_a_dossier_code_keeps_its_status_in_the_message(client, json_lines, monkeypatch):
    # "…-0148 422 955.3ms" looked like a phone written 0148 422 955 to the personal-data filter.
    from types import SimpleNamespace

    import motcua.core.requestlog as requestlog

    ticks = iter([1000.0, 1000.9553])
    monkeypatch.setattr(requestlog, "time", SimpleNamespace(perf_counter=lambda: next(ticks)))
    client.get("/api/v1/public/status/H12.24.01-261124-0148")  # no phone digits: 422
    (line,) = _request_lines(json_lines())
    assert line["message"] == "GET /api/v1/public/status/H12.24.01-261124-0148 => 422 955.3ms"
