import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from wagtail.models import Locale

from portal.demo_i18n import machine_translate_page
from portal.translation import HandWrittenTranslator, OpenCCTranslator
from tests.redis_server import redis_binary, running_redis

PROJECT = Path(django_settings.BASE_DIR)


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


@pytest.fixture
def project_copy(tmp_path, settings):
    """The project as makemessages sees it, with a copy of locale/ to write into."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is missing: .ci/run installs it")
        pytest.skip("GNU gettext (xgettext) not installed")
    for item in PROJECT.iterdir():
        if not item.name.startswith(".") and item.name not in ("locale", "var"):
            (tmp_path / item.name).symlink_to(item)
    shutil.copytree(PROJECT / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    return tmp_path


@pytest.fixture
def translated_home(home, admin_user):
    """The test home translated into zh-hant (OpenCC) and en ("测试市" → "Test City")."""
    machine_translate_page(
        home, Locale.objects.get(language_code="zh-hant"), admin_user, OpenCCTranslator({})
    )
    machine_translate_page(
        home,
        Locale.objects.get(language_code="en"),
        admin_user,
        HandWrittenTranslator({"strings": {"测试市": "Test City"}}),
    )
    return home
