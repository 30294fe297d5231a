"""Health endpoints for load balancers and monitoring (docs/deployment.md).

`/healthz` answers while the process can serve a request and touches nothing else, so a database outage does not
make the balancer restart every web process. `/readyz` checks what a request needs (database, migrations,
Redis when configured, the file storage) and answers 503 when one fails, so the balancer stops sending traffic
to that host. Neither needs a login; both say only which check failed and the exception class, never a
message (messages can carry host names, user names or file names)."""

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# Applied migrations stay applied while the process lives; an upgrade restarts it. Checking the plan reads every
# migration file, too slow for a probe every few seconds.
_migrations_applied = False


def _database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations not applied")
    _migrations_applied = True


def _redis() -> None:
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


def _storage() -> None:
    # A real write and delete: a read-only mount or a bucket without write permission fails here, not at the
    # next citizen's upload.
    name = default_storage.save(f"healthcheck/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks = {"database": _database, "migrations": _migrations}
    if settings.REDIS_URL:
        checks["redis"] = _redis
    checks["storage"] = _storage
    return checks


def _run(check: Callable[[], None]) -> dict:
    started = time.perf_counter()
    try:
        check()
    except Exception as error:  # noqa: BLE001 — any failure means "not ready"; the class name says which
        outcome = {"ok": False, "error": type(error).__name__}
    else:
        outcome = {"ok": True}
    outcome["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return outcome


@require_safe
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_safe
@never_cache
def readyz(request):
    results = {name: _run(check) for name, check in readiness_checks().items()}
    ready = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results}, status=200 if ready else 503
    )
