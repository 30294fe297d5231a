import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from motcua.core import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_migration_check(monkeypatch):
    # The process remembers a passed migration check; each test starts as a newly started process.
    monkeypatch.setattr(health, "_migrations_applied", False)


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis(socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_lists_each_check_with_its_time(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert list(body["checks"]) == ["database", "migrations", "storage"]
    for result in body["checks"].values():
        assert result["ok"] is True
        assert isinstance(result["ms"], float) and result["ms"] >= 0
    assert "no-store" in response["Cache-Control"]


def test_readiness_leaves_no_file_behind(client, settings):
    assert client.get("/readyz").status_code == 200
    folder = settings.MEDIA_ROOT / "healthcheck"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_an_unwritable_storage_makes_the_host_unavailable(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["storage"]["ok"] is False
    # The exception class only: its message would name the folder.
    assert body["checks"]["storage"]["error"] in {"FileExistsError", "NotADirectoryError"}
    assert str(blocker) not in response.content.decode()


def test_an_unapplied_migration_makes_the_host_unavailable(client):
    executor = MigrationExecutor(connection)
    app_label, name = sorted(executor.loader.graph.leaf_nodes())[0]
    MigrationRecorder(connection).record_unapplied(app_label, name)  # rolled back with the test
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "ok": False,
        "error": "RuntimeError",
        "ms": response.json()["checks"]["migrations"]["ms"],
    }


def test_a_configured_redis_that_does_not_answer_makes_the_host_unavailable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["redis"]["ok"] is False
    assert checks["redis"]["error"] == "ConnectionError"
    assert checks["database"]["ok"] is True


def test_a_configured_redis_that_answers_is_checked(client, settings):
    if not _redis_reachable():
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["redis"]["ok"] is True


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
