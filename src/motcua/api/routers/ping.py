"""A liveness answer that touches neither the database nor the cache: the floor the load benchmark
(bench/load_http.py) compares real endpoints against, and a probe for load balancers."""

from ninja import Router, Schema

router = Router(tags=["ping"])


class PingOut(Schema):
    ok: bool


@router.get("", response=PingOut, auth=None)
def ping(request):
    """Always `{"ok": true}` while the process answers; no database query, no session."""
    return {"ok": True}
