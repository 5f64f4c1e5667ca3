"""Login lockout (django-axes) and security headers."""

import pytest

from tests.factories import UserFactory


def test_admin_login_locks_after_five_failures(org_tree, client):
    UserFactory(username="secretary", is_staff=True, groups=["da-s1:editors"])
    for _ in range(5):
        client.post("/admin/login/", {"username": "secretary", "password": "wrong"})
    locked = client.post("/admin/login/", {"username": "secretary", "password": "correct-horse-9"})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not affected.
    UserFactory(username="other", is_staff=True, groups=["da-s2:editors"])
    ok = client.post("/admin/login/", {"username": "other", "password": "correct-horse-9"})
    assert ok.status_code == 302 and "_auth_user_id" in client.session


def directive(policy, name):
    return next(d.split()[1:] for d in policy.split(";") if d.split()[0] == name)


def test_admin_gets_its_own_csp_and_pages_get_the_strict_one(org_tree, client):
    admin_csp = client.get("/admin/login/")["Content-Security-Policy"]
    assert "object-src 'none'" in admin_csp
    assert "'unsafe-inline'" in directive(admin_csp, "style-src")  # style="…" attributes
    page = client.get("/", HTTP_HOST="localhost")
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    assert page["X-Content-Type-Options"] == "nosniff"


@pytest.mark.server  # a production-settings process; no test database
def test_check_deploy_is_clean_with_production_settings(tmp_path):
    """`manage.py check --deploy` with what production sets (DEBUG off, a real secret,
    HTTPS behind nginx): no warning at all."""
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PORTAL_VAR_DIR": str(tmp_path),
    }
    for name in ("DATABASE_URL", "REDIS_URL", "SECURE_COOKIES", "AWS_STORAGE_BUCKET_NAME"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_var_and_the_sqlite_file_are_private(tmp_path):
    """A fresh checkout's var/ (database, generated secrets, media) is created 0700, its
    SQLite file and the WAL beside it 0600, whatever the umask: one `make run` on a shared
    machine must not leave the database readable by every account."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "SECRET_"))}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", PORTAL_VAR_DIR=str(var), DEBUG="1")
    script = """
import json, os, pathlib, stat
os.umask(0o022)
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x int)")
    var = pathlib.Path(os.environ["PORTAL_VAR_DIR"])
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [var, *var.iterdir()]}
print(json.dumps(modes))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modes = json.loads(result.stdout.splitlines()[-1])
    assert modes["var"] == 0o700
    assert {"db.sqlite3", "db.sqlite3-wal", "secret_key"} <= set(modes)
    assert {name: mode for name, mode in modes.items() if name != "var"} == {
        name: 0o600 for name in modes if name != "var"
    }


def test_admin_scripts_need_the_requests_nonce(org_tree, client):
    """No 'unsafe-inline' for admin scripts: a fresh nonce per response, carried by the
    inline scripts Wagtail's page editor renders (date pickers, inline panels, choosers)."""
    import re

    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    url = f"/admin/pages/{org_tree['da-s1-b1'].pk}/edit/"
    first, second = client.get(url), client.get(url)
    script_src = directive(first["Content-Security-Policy"], "script-src")
    assert "'unsafe-inline'" not in script_src
    (nonce,) = [s[len("'nonce-") : -1] for s in script_src if s.startswith("'nonce-")]
    assert len(nonce) >= 22 and nonce not in second["Content-Security-Policy"]
    body = first.content.decode()
    inline = re.findall(r"<script(?![^>]*\b(?:src|type)=)([^>]*)>", body)
    assert len(inline) >= 4  # inline panels, the schedule dialog's pickers, choosers
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline), inline


def test_every_inline_admin_script_of_our_add_ons_is_overridden_with_the_nonce():
    """A Wagtail or add-on upgrade that brings a new inline script into an admin template
    fails here rather than in an editor's browser (blocked by the admin CSP)."""
    import re
    from pathlib import Path

    from django.apps import apps
    from django.template.loader import get_template

    inline = re.compile(r"<script(?:\s+type=\"text/javascript\")?>")
    for app in apps.get_app_configs():
        folder = Path(app.path) / "templates"
        admin = app.name.startswith(("wagtail", "django.contrib.admin"))  # /admin/ screens
        if not admin or not folder.is_dir():
            continue
        for path in folder.rglob("*.html"):
            if inline.search(path.read_text(encoding="utf-8", errors="replace")):
                name = path.relative_to(folder).as_posix()
                origin = Path(get_template(name).origin.name)
                assert origin != path, f"{name} has an inline script without the nonce"
                assert "csp_nonce" in origin.read_text(), origin
