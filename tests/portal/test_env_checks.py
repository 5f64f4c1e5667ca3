"""Bad environment values stop the portal at start-up, naming the variable (base/env.py).

Each case starts `django.setup()` in a fresh interpreter with the production settings.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from base import env

ROOT = Path(__file__).resolve().parents[2]


def start(**overrides):
    environ = {
        k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "REDIS_", "DATABASE_"))
    }
    environ.update(DJANGO_SETTINGS_MODULE="portal.settings", PORTAL_VAR_DIR="/tmp/portal-env-test")
    environ.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


BAD = [
    ({"PORTAL_PORT": "abc"}, "PORTAL_PORT 应为整数，现为 'abc'"),
    ({"PORTAL_PORT": "70000"}, "PORTAL_PORT 应为 1 到 65535 的整数"),
    ({"DB_CONN_MAX_AGE": "1.5"}, "DB_CONN_MAX_AGE 应为整数"),
    ({"REDIS_TIMEOUT": "0"}, "REDIS_TIMEOUT 应为 不小于 1 的整数"),
    ({"DEBUG": "maybe"}, "DEBUG 应为 1/0"),
    ({"REDIS_URL": "http://127.0.0.1:6379"}, "REDIS_URL 应以 redis:// 或 rediss://"),
    ({"REDIS_URL": "redis://127.0.0.1:port/0"}, "REDIS_URL 不是有效的地址"),
    ({"DATABASE_URL": "not a url"}, "DATABASE_URL 无法解析"),
    ({"DATABASE_URL": "mysql://u@db/portal"}, "DATABASE_URL 只支持 postgres://"),
    ({"DATABASE_URL": "postgres://u@db"}, "DATABASE_URL 缺少数据库名"),
    ({"ELASTICSEARCH_URL": "es.local:9200"}, "ELASTICSEARCH_URL 应以 http://"),
    ({"AWS_STORAGE_BUCKET_NAME": "portal-media"}, "AWS_STORAGE_BUCKET_NAME，但缺少凭据"),
    (
        {"AWS_STORAGE_BUCKET_NAME": "portal-media", "AWS_ACCESS_KEY_ID": "k"},
        "缺少 AWS_SECRET_ACCESS_KEY",
    ),
    (
        {"AWS_STORAGE_BUCKET_NAME": "Portal_Media", "AWS_ACCESS_KEY_ID": "k"},
        "AWS_STORAGE_BUCKET_NAME 应为 3–63 位小写字母",
    ),
    (
        {
            "AWS_STORAGE_BUCKET_NAME": "portal-media",
            "AWS_ACCESS_KEY_ID": "k",
            "AWS_SECRET_ACCESS_KEY": "s",
            "AWS_S3_ENDPOINT_URL": "minio:9000",
        },
        "AWS_S3_ENDPOINT_URL 应以 http:// 或 https://",
    ),
    ({"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000"}, "缺少 AWS_STORAGE_BUCKET_NAME"),
]


@pytest.mark.server
@pytest.mark.parametrize(("environ", "message"), BAD, ids=[str(e) for e, _ in BAD])
def test_a_bad_value_stops_start_up_naming_the_variable(environ, message):
    result = start(**environ)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured")
    assert message in last, result.stderr[-2000:]


@pytest.mark.server
def test_good_production_values_start():
    result = start(
        DEBUG="0",
        SECRET_KEY="x" * 50,
        PORTAL_PORT="8000",
        REDIS_URL="rediss://:secret@redis.internal:6380/1",
        DATABASE_URL="postgres://portal:pw@db.internal:5432/portal",
        AWS_STORAGE_BUCKET_NAME="portal-media",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_S3_ENDPOINT_URL="https://s3.internal:9000",
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_every_variable_is_in_the_example_env_file():
    """Everything the settings read is documented in deploy/portal.env.example, and every
    integer the settings read is checked."""
    settings_text = "\n".join(p.read_text() for p in (ROOT / "portal" / "settings").glob("*.py"))
    read = set(re.findall(r"""environ\.get\(\s*["']([A-Z0-9_]+)["']""", settings_text))
    read |= set(re.findall(r"""env_\w+\(\s*["']([A-Z0-9_]+)["']""", settings_text))
    ints = set(re.findall(r"""int\(os\.environ\.get\(\s*["']([A-Z0-9_]+)["']""", settings_text))
    ints |= set(re.findall(r"""env_int\(\s*["']([A-Z0-9_]+)["']""", settings_text))
    example = (ROOT / "deploy" / "portal.env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert read - {"TEST_MEDIA_ROOT"} <= listed, sorted(read - listed)
    assert ints <= set(env.INTEGERS), sorted(ints - set(env.INTEGERS))
