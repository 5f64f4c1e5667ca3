"""The cache on a real Redis (REDIS_URL): Debian's redis-server on a free port.

Django's cache, the live viewer count shared by two app servers, and a Redis that goes
down: a 503 page (JSON on /api/) and one clear log line, not a stack trace. CI installs
redis-server; without it this module is skipped.
"""

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from livestream import viewers
from livestream.models import LiveEventPage

pytestmark = pytest.mark.server


def test_the_cache_lives_in_redis(redis_server):
    cache.set("greeting", {"text": "学习贯彻"}, 60)
    assert cache.get("greeting") == {"text": "学习贯彻"}
    assert cache.add("counter", 1) and not cache.add("counter", 5)
    assert cache.incr("counter") == 2 and cache.incr("counter", 10) == 12
    assert cache.get_many(["greeting", "counter", "missing"]) == {
        "greeting": {"text": "学习贯彻"},
        "counter": 12,
    }
    raw = redis.Redis.from_url(redis_server.url)
    assert raw.exists("portal:1:greeting") and raw.ttl("portal:1:greeting") > 0
    cache.delete("greeting")
    assert cache.get("greeting") is None and not raw.exists("portal:1:greeting")


@pytest.mark.django_db
def test_viewers_are_counted_across_app_servers(redis_server, monkeypatch):
    """Two app servers (two cache connections) see one count for the event."""
    servers = [RedisCache(redis_server.url, {"KEY_PREFIX": "portal"}) for _ in range(2)]
    now = 1_700_000_010  # the start of a 30-second bucket
    for i in range(6):  # viewers alternate between the servers, each twice
        monkeypatch.setattr(viewers, "cache", servers[i % 2])
        viewers.beat(4242, f"viewer-{i % 3:04d}", f"10.0.0.{i % 3}", now=now + i)
    monkeypatch.setattr(viewers, "cache", RedisCache(redis_server.url, {"KEY_PREFIX": "portal"}))
    assert viewers.count(4242, now=now + 10) == 3
    assert viewers.count(4242, now=now + 10 + viewers.WINDOW) == 3  # last bucket still counts
    assert viewers.count(4242, now=now + 10 + 3 * viewers.WINDOW) == 0


@pytest.mark.django_db
def test_a_redis_that_is_down_gives_a_503_and_a_log_line(redis_server, event, caplog):
    LiveEventPage.objects.filter(pk=event.pk).update(status=LiveEventPage.LIVE)
    client = Client(raise_request_exception=False)
    beat = client.post(f"/api/live/{event.pk}/heartbeat/", {"viewer": "viewer-aaaa"})
    assert beat.status_code == 200 and beat.json()["viewers"] == 1
    redis_server.stop()

    beat = client.post(f"/api/live/{event.pk}/heartbeat/", {"viewer": "viewer-bbbb"})
    assert beat.status_code == 503
    assert beat.json()["error"]["code"] == "unavailable"
    assert beat["Retry-After"]

    page = client.get("/")
    assert page.status_code == 503
    assert "服务暂时不可用" in page.content.decode() and "Traceback" not in page.content.decode()

    logged = [r for r in caplog.records if r.name == "portal.unavailable"]
    assert logged and all(r.levelname == "ERROR" for r in logged)
    assert f"REDIS_URL=redis://127.0.0.1:{redis_server.port}" in logged[0].getMessage()
    assert "Redis 不可达" in logged[0].getMessage()
