"""Fixed-window rate limits in the cache (Redis in production, shared by every web process)."""

import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


# Redis: count and set the expiry at the first hit in one atomic command. Django's add() then incr() costs
# three commands (SET NX, EXISTS, INCRBY), each a round trip and about 0.15 ms of redis-py's CPU, on every
# status lookup (docs/performance.md, issue #7).
_INCR_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


def _count_hit(cache_key: str, timeout: int) -> int:
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        full_key = backend.make_and_validate_key(cache_key)
        # INCR stores a plain integer, which the backend's get() reads back (rate_limit_reached).
        return int(backend._cache.get_client(full_key, write=True).eval(_INCR_SCRIPT, 1, full_key, timeout))
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=timeout)
        return 1


def rate_limit_hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one request; True when the client is over `limit` requests in the current window."""
    window = int(time.time()) // window_seconds
    return _count_hit(f"rl:{scope}:{key}:{window}", window_seconds + 5) > limit


def rate_limit_reached(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Whether `limit` hits are already counted in the current window, without counting one: for limits on
    failures, which are counted only once the attempt has failed."""
    window = int(time.time()) // window_seconds
    return (cache.get(f"rl:{scope}:{key}:{window}") or 0) >= limit
