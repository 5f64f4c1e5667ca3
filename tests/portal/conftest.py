import pytest

from tests.redis_server import redis_binary, running_redis


def redis_caches(url):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }


@pytest.fixture
def redis_server(settings):
    """Debian's redis-server on a free port as the Django cache (REDIS_URL). CI installs
    redis-server; without it the test is skipped."""
    if redis_binary() is None:
        pytest.skip("redis-server not installed")
    with running_redis() as server:
        settings.REDIS_URL = server.url
        settings.CACHES = redis_caches(server.url)
        yield server
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
