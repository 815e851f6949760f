"""The Redis cache backend (crm_health.cache): Django's RedisCache behaviour, with one
redis client per connection pool instead of a new one per operation."""

from __future__ import annotations

import threading
import uuid

from crm_health.cache import ReusedClientRedisCache
from tests.services import require_redis


def test_it_behaves_as_djangos_redis_cache_and_reuses_one_client():
    url = require_redis()
    cache = ReusedClientRedisCache(url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    try:
        cache.set("a", {"n": 1}, 30)
        assert cache.get("a") == {"n": 1}
        assert cache.add("a", "other") is False
        assert cache.get_many(["a", "missing"]) == {"a": {"n": 1}}
        assert cache.add("n", 1)
        assert cache.incr("n", 2) == 3
        cache.delete_many(["a", "n"])
        assert cache.get("a") is None

        client = cache._cache.get_client(write=True)
        assert cache._cache.get_client(write=True) is client
        assert cache._cache.get_client(write=False) is client  # one server: one pool

        # Shared between threads, as gunicorn's threads and the cache's callers would.
        seen, errors = [], []

        def work(i: int) -> None:
            try:
                cache.set(f"t{i}", i, 30)
                seen.append(cache.get(f"t{i}"))
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors and sorted(seen) == list(range(8))
    finally:
        cache.delete_many([f"t{i}" for i in range(8)])
        cache.close()
