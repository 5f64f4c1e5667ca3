"""deploy/ is checked by the tools that will run it: the gunicorn config by gunicorn,
the nginx site by a real nginx (with our paths and ports substituted), the systemd units
by systemd-analyze. The example environment file is kept complete by
tests/portal/test_env_checks.py."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import urllib3

from base.nginx import nginx_binary, running_nginx
from base.ports import free_port
from screens.management.commands.screens_nginx_conf import render as screens_part

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent


def gunicorn(*args, **env):
    return subprocess.run(
        [str(VENV_BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py"), *args],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_gunicorn_accepts_the_config():
    checked = gunicorn("--check-config")
    assert checked.returncode == 0, checked.stderr[-2000:]
    printed = gunicorn("--print-config", GUNICORN_WORKERS="3", GUNICORN_BIND="127.0.0.1:8123")
    assert printed.returncode == 0, printed.stderr[-2000:]
    values = dict(re.findall(r"^(\w+)\s*=\s*(.*)$", printed.stdout, re.MULTILINE))
    assert values["workers"] == "3" and values["bind"] == "['127.0.0.1:8123']"
    assert values["wsgi_app"] == "portal.wsgi:application"
    assert values["forwarded_allow_ips"] == "['127.0.0.1']"
    assert values["accesslog"] == "-"


def test_gunicorn_workers_follow_the_cpu_count():
    printed = gunicorn("--print-config")
    workers = re.search(r"^workers\s*=\s*(\d+)$", printed.stdout, re.MULTILINE)
    assert int(workers.group(1)) == 2 * os.cpu_count() + 1


def test_gunicorn_refuses_a_bad_worker_count():
    refused = gunicorn("--check-config", GUNICORN_WORKERS="many")
    assert refused.returncode != 0 and "GUNICORN_WORKERS 应为整数" in refused.stderr


def site_for_test(prefix, http_port, https_port, upstream_port):
    """deploy/nginx/portal.conf with this machine's paths and free ports."""
    prefix = Path(prefix)
    for folder in ["static", "media/documents", "media/images", "hls", "cache", "portal", "ssl"]:
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=portal.example.org", "-keyout", str(prefix / "ssl/privkey.pem")]
        + ["-out", str(prefix / "ssl/fullchain.pem")],
        check=True,
        capture_output=True,
    )
    upstream = f"127.0.0.1:{upstream_port}"
    (prefix / "portal/screens-http.conf").write_text(
        screens_part(upstream, "", str(prefix), part="http")
    )
    (prefix / "portal/screens-locations.conf").write_text(
        screens_part(upstream, "", str(prefix), part="locations")
    )
    hls = (DEPLOY / "nginx/hls.conf").read_text()
    assert "/var/lib/portal/live/hls/" in hls
    (prefix / "portal/hls.conf").write_text(
        hls.replace("/var/lib/portal/live/hls/", f"{prefix}/hls/")
    )
    site = (DEPLOY / "nginx/portal.conf").read_text()
    for old, new in [
        ("/etc/nginx/portal/", f"{prefix}/portal/"),
        ("/srv/portal/static_collected/", f"{prefix}/static/"),
        ("/var/lib/portal/media/", f"{prefix}/media/"),
        ("/var/cache/nginx/", f"{prefix}/cache/"),
        ("/etc/ssl/portal/", f"{prefix}/ssl/"),
        ("127.0.0.1:8000", upstream),
        ("listen [::]:80;", ""),
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
    ]:
        assert old in site, old
        site = site.replace(old, new)
    (prefix / "portal.conf").write_text(site)
    (prefix / "static/portal.css").write_text("body { color: #b00; }")
    (prefix / "media/documents/secret.txt").write_text("内部")
    (prefix / "media/images/photo.txt").write_text("公开")
    (prefix / "hls/1.m3u8").write_text("#EXTM3U\n")
    return f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/portal.conf;
}}
"""


needs_nginx = pytest.mark.skipif(nginx_binary() is None, reason="nginx not installed")


@needs_nginx
def test_nginx_site_passes_nginx_t(tmp_path):
    tmp_path.chmod(0o755)
    (tmp_path / "tmp").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(site_for_test(tmp_path, free_port(), free_port(), free_port()))
    tested = subprocess.run(
        [nginx_binary(), "-t", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "e.log")],
        capture_output=True,
        text=True,
    )
    assert tested.returncode == 0, tested.stderr
    assert "syntax is ok" in tested.stderr and "test is successful" in tested.stderr


@needs_nginx
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nginx_site_serves_files_and_proxies_the_portal(live_server):
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    http_port, https_port = free_port(), free_port()
    app_port = int(live_server.url.rsplit(":", 1)[1])
    host = {"Host": "portal.example.org"}
    with running_nginx(lambda p: site_for_test(p, http_port, https_port, app_port)):
        plain = requests.get(f"http://127.0.0.1:{http_port}/x", headers=host, allow_redirects=False)
        assert plain.status_code == 301
        assert plain.headers["Location"] == "https://portal.example.org/x"

        def get(path):
            return requests.get(f"https://127.0.0.1:{https_port}{path}", headers=host, verify=False)

        css = get("/static/portal.css")
        assert css.status_code == 200 and "max-age=86400" in css.headers["Cache-Control"]
        assert css.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert css.headers["X-Content-Type-Options"] == "nosniff"
        assert get("/media/images/photo.txt").status_code == 200
        assert get("/media/documents/secret.txt").status_code == 404  # only via Wagtail
        assert get("/api/live/callbacks/publish/").status_code == 404
        playlist = get("/hls/1.m3u8")
        assert playlist.status_code == 200 and playlist.headers["Cache-Control"] == "no-cache"
        assert playlist.headers["Access-Control-Allow-Origin"] == "*"
        # Everything else reaches the portal, with one HSTS header.
        page = get("/directory/")
        assert page.status_code in (200, 404) and "text/html" in page.headers["Content-Type"]
        assert page.headers["Strict-Transport-Security"].count("max-age") == 1


def unit_for_test(name, folder):
    text = (DEPLOY / "systemd" / name).read_text()
    for old, new in [
        ("/srv/portal/.venv/bin/", f"{VENV_BIN}/"),
        ("/srv/portal/", f"{ROOT}/"),
        ("WorkingDirectory=/srv/portal", f"WorkingDirectory={ROOT}"),
        ("/etc/portal/portal.env", str(DEPLOY / "portal.env.example")),
    ]:
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["portal-web.service", "portal-worker.service"])
def test_systemd_units(name, tmp_path):
    unit = unit_for_test(name, tmp_path)
    text = unit.read_text()
    sections = re.findall(r"^\[(\w+)\]$", text, re.MULTILINE)
    assert sections == ["Unit", "Service", "Install"]
    assert "EnvironmentFile=" in text and "User=portal" in text
    command = re.search(r"^ExecStart=(\S+)", text, re.MULTILINE).group(1)
    assert os.access(command, os.X_OK), command
    if name == "portal-web.service":
        assert "ExecReload=/bin/kill -s HUP $MAINPID" in text and "Type=notify" in text
    else:
        assert text.rstrip().count("run_worker") >= 1 and "KillMode=mixed" in text
    analyze = shutil.which("systemd-analyze")
    if analyze:
        verified = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
        assert verified.returncode == 0 and verified.stderr.strip() == "", verified.stderr


def production_static(static_root, *command):
    """`manage.py <command>` with production settings and STATIC_ROOT=static_root."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "STATIC_ROOT": str(static_root),
        "PORTAL_VAR_DIR": str(Path(static_root).parent / "var"),
    }
    for name in ("DATABASE_URL", "REDIS_URL", "AWS_STORAGE_BUCKET_NAME"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def production_static_url(static_root, name):
    """What `{% static name %}` gives under production settings."""
    code = f"from django.templatetags.static import static; print(static({name!r}))"
    return production_static(static_root, "shell", "-v0", "-c", code).strip().splitlines()[-1]


@needs_nginx
def test_nginx_sends_collected_static_files_compressed_and_cached_for_a_year():
    """Production static files: collectstatic (production settings) writes hashed names
    and gzip copies, the pages link the hashed names, nginx sends them gzip-compressed
    with a year's Cache-Control; a plain name gets a day."""
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    http_port, https_port = free_port(), free_port()
    host = {"Host": "portal.example.org"}
    with running_nginx(lambda p: site_for_test(p, http_port, https_port, free_port())) as prefix:
        static_root = Path(prefix) / "static"
        production_static(static_root, "collectstatic", "--noinput", "-v0")
        linked = production_static_url(static_root, "css/portal.css")
        assert re.fullmatch(r"/static/css/portal\.[0-9a-f]{12}\.css", linked), linked
        subprocess.run(["chmod", "-R", "a+rX", str(prefix)], check=True)

        def get(path, encoding="gzip"):
            return requests.get(
                f"https://127.0.0.1:{https_port}{path}",
                headers={**host, "Accept-Encoding": encoding},
                verify=False,
            )

        css = get(linked)
        assert css.status_code == 200
        assert css.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in css.headers["Vary"]
        assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert css.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        assert css.headers["X-Content-Type-Options"] == "nosniff"
        collected = (static_root / linked.removeprefix("/static/")).read_bytes()
        assert css.content == collected and b".picture" in collected
        plain = get(linked, encoding="identity")
        assert "Content-Encoding" not in plain.headers and plain.content == collected
        script = get(production_static_url(static_root, "content/album.js"))
        assert script.status_code == 200 and script.headers["Content-Encoding"] == "gzip"
        old_link = get("/static/css/portal.css")
        assert old_link.status_code == 200 and "max-age=86400" in old_link.headers["Cache-Control"]
