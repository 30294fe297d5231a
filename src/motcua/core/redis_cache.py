"""Django's Redis cache, with one Redis client per server instead of one per cache call.

Django's RedisCacheClient builds a new `redis.Redis` object for every get, add or incr; redis-py 5+ fills a
table of several hundred response callbacks in each constructor, about 0.5 ms of CPU: more than the command's
round trip, and three of them per public status lookup for its rate limit (docs/performance.md, issue #7).
A `redis.Redis` client is safe to share between threads (connections come from its pool, which also notices
a fork), so each server's client is built once and kept."""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class SharedClientRedisCache(RedisCache):
    """The cache backend for settings.CACHES: Django's RedisCache with SharedClientRedisCacheClient."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
