"""Settings for the test suite: same apps and middleware, faster hashing, isolated files."""

import os
import tempfile

from .base import *  # noqa: F401,F403
from .base import CACHES, DATABASES, PORTAL_EXTRA_HOSTS, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT") or tempfile.mkdtemp(prefix="portal-test-media-")
PORTAL_EXTRA_HOSTS = [*PORTAL_EXTRA_HOSTS, "testserver"]
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):  # one folder per test process
    CACHES["default"]["LOCATION"] = tempfile.mkdtemp(prefix="portal-test-cache-")
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = ":memory:"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
if STORAGES["handbooks"]["BACKEND"].endswith("FileSystemStorage"):  # handbooks: isolated too
    STORAGES["handbooks"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="portal-test-private-")
