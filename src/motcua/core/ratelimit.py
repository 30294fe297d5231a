"""Fixed-window rate limits in the cache (Redis in production, shared by every web process)."""

import time

from django.core.cache import cache


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one request; True when the client is over `limit` requests in the current window."""
    window = int(time.time()) // window_seconds
    cache_key = f"rl:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds + 5)
        count = 1
    return count > limit


def rate_limit_reached(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Whether `limit` hits are already counted in the current window, without counting one: for limits on
    failures, which are counted only once the attempt has failed."""
    window = int(time.time()) // window_seconds
    return (cache.get(f"rl:{scope}:{key}:{window}") or 0) >= limit
