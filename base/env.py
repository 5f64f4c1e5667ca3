"""Environment checks at start-up: a bad value stops the portal with a message naming
the variable (ImproperlyConfigured), instead of a ValueError deep in the settings or a
failure on the first request.

`check_environment()` runs first thing in portal/settings/base.py; the helpers read one
variable each. deploy/portal.env.example lists every variable
(tests/portal/test_env_checks.py keeps the two in step).
"""

import os
import re
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Integer variables read by the settings: name -> smallest allowed value (and largest).
INTEGERS = {
    "PORTAL_PORT": (1, 65535),
    "DB_CONN_MAX_AGE": (0, None),
    "REDIS_TIMEOUT": (1, None),
    "AWS_QUERYSTRING_EXPIRE": (1, 604800),
    "PORTAL_DOCUMENT_URL_EXPIRE": (1, 604800),
    "WAGTAILMEDIA_MAX_UPLOAD_SIZE": (1, None),
    "PORTAL_SCREENS_LINK_TTL": (1, None),
    "LIVESTREAM_EARLY_MINUTES": (0, None),
    "LIVESTREAM_KEY_TTL_HOURS": (1, None),
    "LIVESTREAM_VIEWERS_PER_ADDRESS": (1, None),
    "LIVESTREAM_ADDRESS_BEATS": (1, None),
    "LIVESTREAM_VIEWER_BEATS": (1, None),
    "ELASTICSEARCH_REPLICAS": (0, None),
    "AXES_FAILURE_LIMIT": (1, None),
    "SECURE_HSTS_SECONDS": (0, None),
    "PORTAL_SCHEDULE_INTERVAL": (1, 3600),
    "PORTAL_TASK_STALE_AFTER": (10, None),
    "PORTAL_WORKER_DB_RETRY": (1, None),
    "PORTAL_HANDBOOK_INLINE_RECORDS": (0, None),
    "PORTAL_HANDBOOK_INLINE_MEMBERS": (0, None),
    "PORTAL_OVERSIGHT_ZOMBIE_DAYS": (1, None),
    "PORTAL_OVERSIGHT_RELAY_REMIND_DAYS": (0, 60),
    "PORTAL_OVERSIGHT_HOUR": (0, 23),
    "PORTAL_OVERSIGHT_MAIL_ATTEMPTS": (1, 50),
    "EMAIL_PORT": (1, 65535),
    "EMAIL_TIMEOUT": (1, 600),
}
BOOLEANS = [
    "DEBUG",
    "PORTAL_SERVE_MEDIA",
    "LIVESTREAM_SERVE_HLS",
    "SECURE_COOKIES",
    "AWS_QUERYSTRING_AUTH",
    "SECURE_HSTS_PRELOAD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
]
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
# S3 bucket names: 3–63 lower-case letters, digits, dots and hyphens.
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
DATABASE_ENGINES = {"django.db.backends.postgresql", "django.db.backends.sqlite3"}


def _get(name):
    return os.environ.get(name, "").strip()


def env_int(name, default):
    value = _get(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} 应为整数，现为 {value!r}") from None
    low, high = INTEGERS.get(name, (None, None))
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"{low} 到 {high}" if high is not None else f"不小于 {low}"
        raise ImproperlyConfigured(f"{name} 应为 {bounds} 的整数，现为 {number}")
    return number


def env_bool(name, default):
    value = _get(name).lower()
    if not value:
        return default
    if value not in TRUE | FALSE:
        raise ImproperlyConfigured(f"{name} 应为 1/0、true/false、yes/no 或 on/off，现为 {value!r}")
    return value in TRUE


def env_url(name, schemes, default=""):
    """A URL with one of `schemes` and a host (unix:// needs a path instead)."""
    value = _get(name)
    if not value:
        return default
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} 不是有效的地址：{error}") from None
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} 应以 {' 或 '.join(s + '://' for s in schemes)} 开头，现为 {value!r}"
        )
    if not (parts.hostname or (parts.scheme == "unix" and parts.path)):
        raise ImproperlyConfigured(f"{name} 缺少主机名：{value!r}")
    return value


def safe_location(url):
    """scheme://host:port of a service URL, without user or password (for log lines)."""
    parts = urlsplit(url)
    host = parts.hostname or parts.path
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def check_database_url():
    value = _get("DATABASE_URL")
    if not value:
        return
    try:
        config = dj_database_url.parse(value)
    except Exception as error:  # dj-database-url raises several types
        raise ImproperlyConfigured(f"DATABASE_URL 无法解析：{error}") from None
    if config["ENGINE"] not in DATABASE_ENGINES:
        raise ImproperlyConfigured(
            f"DATABASE_URL 只支持 postgres:// 和 sqlite://，现为 {safe_location(value)}"
        )
    if not config["NAME"]:
        raise ImproperlyConfigured("DATABASE_URL 缺少数据库名（…/<数据库名>）")


def check_object_storage():
    bucket = _get("AWS_STORAGE_BUCKET_NAME")
    endpoint = env_url("AWS_S3_ENDPOINT_URL", ("http", "https"))
    if not bucket:
        if endpoint:
            raise ImproperlyConfigured("设置了 AWS_S3_ENDPOINT_URL，但缺少 AWS_STORAGE_BUCKET_NAME")
        return
    if not BUCKET.match(bucket):
        raise ImproperlyConfigured(
            f"AWS_STORAGE_BUCKET_NAME 应为 3–63 位小写字母、数字、点或连字符，现为 {bucket!r}"
        )
    key, secret = _get("AWS_ACCESS_KEY_ID"), _get("AWS_SECRET_ACCESS_KEY")
    if bool(key) != bool(secret):
        missing = "AWS_SECRET_ACCESS_KEY" if key else "AWS_ACCESS_KEY_ID"
        raise ImproperlyConfigured(f"设置了 AWS_STORAGE_BUCKET_NAME，但缺少 {missing}")
    if not key and not (_get("AWS_PROFILE") or _get("AWS_S3_SESSION_PROFILE")):
        raise ImproperlyConfigured(
            "设置了 AWS_STORAGE_BUCKET_NAME，但缺少凭据："
            "请设置 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY（或 AWS_PROFILE）"
        )


# Caches that live in one process's memory: each web worker and the task worker would keep
# its own version tokens and site index.
PER_PROCESS_CACHES = {"django.core.cache.backends.locmem.LocMemCache"}


def check_shared_cache(caches, debug):
    """Production (DEBUG off) runs several processes (gunicorn workers, the task worker):
    refuse a per-process default cache, which would let them disagree."""
    backend = caches.get("default", {}).get("BACKEND", "")
    if not debug and backend in PER_PROCESS_CACHES:
        raise ImproperlyConfigured(
            "DEBUG 关闭时不能使用进程内缓存（LocMemCache）：网站进程与任务进程会各持一份版本号。"
            "请设置 REDIS_URL，或使用默认的文件缓存（PORTAL_VAR_DIR/cache）"
        )


def check_environment():
    """Every variable the settings read, checked once before they are used."""
    for name in INTEGERS:
        env_int(name, None)
    for name in BOOLEANS:
        env_bool(name, None)
    check_database_url()
    env_url("REDIS_URL", ("redis", "rediss", "unix"))
    env_url("ELASTICSEARCH_URL", ("http", "https"))
    env_url("WAGTAILADMIN_BASE_URL", ("http", "https"))
    check_object_storage()
