"""Schemathesis, a property-based API tester, fuzzes every operation of /api/schema/ on a
real portal process (gunicorn, DEBUG off, as production runs), anonymously and as a
signed-in member with the session cookie, CSRF token and a screen's device token passed
as headers (`st run --header`). Fixed seed, bounded examples: no 5xx, every response
matches its documented schema, every status code is documented."""

import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from base.ports import free_port
from tests.content.factories import ArticleFactory, DirectiveFactory, library
from tests.learning.factories import LessonFactory, MemberFactory, learning_home
from tests.screens.factories import DeviceFactory, DisplayGroupFactory
from tests.sites.factories import column

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
SEED = 20261202
EXAMPLES = 15
PASSWORD = "member-pass-2026"


def database_url(folder):
    """A DATABASE_URL for another process to see this test's (committed) data: the
    PostgreSQL test database itself, or a file copy of the in-memory SQLite one."""
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict["USER"] or ""
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
        return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    copy = folder / "db.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


@pytest.fixture
def portal(tmp_path):
    """gunicorn serving the portal with production settings (DEBUG off, plain HTTP) on a
    free port; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "SECURE_COOKIES": "0",
        "PORTAL_VAR_DIR": str(settings.VAR_DIR),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DATABASE_URL": database_url(tmp_path),
        "DB_CONN_MAX_AGE": "0",
    }
    for name in ("REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "ELASTICSEARCH_URL"):
        env.pop(name, None)
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "1", "--threads", "4", "--timeout", "60"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{url}/api/schema/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def sign_in(url, username, password):
    """A member signs in through the login page; the headers a browser then sends."""
    browser = requests.Session()
    browser.get(f"{url}/login/", timeout=10)
    token = browser.cookies["csrftoken"]
    answer = browser.post(
        f"{url}/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{url}/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302 and "sessionid" in browser.cookies, answer.text[:500]
    cookies = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    return {"Cookie": cookies, "X-CSRFToken": browser.cookies["csrftoken"]}


def schemathesis(url, headers, folder):
    command = [
        str(BIN / "st"),
        "run",
        f"{url}/api/schema/",
        *("--checks", CHECKS),
        # One worker: Hypothesis describes its strategies with ast.parse, which CPython 3.11
        # before 3.11.8 can fail in threads ("AST constructor recursion depth mismatch").
        *("--seed", str(SEED), "--max-examples", str(EXAMPLES), "--workers", "1"),
        *("--generation-database", "none", "--no-color", "--request-timeout", "30"),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout + done.stderr


@pytest.fixture
def content(org_tree):
    """Something behind every operation: directives, an article, a lesson, a screen."""
    DirectiveFactory(parent=library(org_tree["home"], "central"), title="中央文件")
    ArticleFactory(parent=column(org_tree["da"], "news"), title="区里的动态")
    LessonFactory(parent=learning_home(org_tree["da-s1-b1"]))
    member = MemberFactory(branch=org_tree["da-s1-b1"], name="李党员", phone="13800000009")
    # Hashed as production does: the test settings' MD5 hasher is unknown to the server.
    member.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    member.save(update_fields=["password"])
    device = DeviceFactory(group=DisplayGroupFactory(name="站台屏", slug="platform"))
    return {"member": member, "device_token": device.token}


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_schemathesis_finds_no_failure(content, portal, tmp_path, who, capsys):
    headers = {}
    if who == "member":
        headers = sign_in(portal, content["member"].member.phone, PASSWORD)
        headers["Authorization"] = f"Bearer {content['device_token']}"
    status, output = schemathesis(portal, headers, tmp_path)
    summary = re.search(r"Tested: (\d+).*?(\d+) generated[^\n]*", output, re.S)
    with capsys.disabled():
        print(f"\nschemathesis ({who}): {summary.group(0) if summary else output[-400:]}")
    assert status == 0, output[-8000:]
    assert summary and int(summary.group(1)) >= 19, output[-2000:]  # every operation
