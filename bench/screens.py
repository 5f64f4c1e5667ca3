"""Metro screen feed under load: ours (gunicorn; nginx + gunicorn) vs nginx static. Not a test.

Run from the repository root: `.venv/bin/python bench/screens.py` (`--help` for the knobs).
Needs Debian's `nginx` (nginx-light is enough) and `wrk` (`apt-get install nginx-light wrk`).

Set-up, in a throw-away SQLite database under a temporary PORTAL_VAR_DIR: the portal home,
one display group (1920×1080) with a playlist of --items image slides, its snapshot built,
and --devices device tokens and poll links. The feed body is also written to a file that
nginx serves.

1. Load: `wrk` (one thread, --connections, --duration each), each run once without and
   once with a matching If-None-Match (304), against
   - gunicorn alone (sync workers, --workers, DEBUG=0): GET /api/screens/v1/feed/, each
     request with the next of --devices device tokens (a Lua script);
   - the production path: nginx with the configuration `manage.py screens_nginx_conf`
     writes, in front of the same gunicorn: GET of each device's signed poll link (the
     feed's X-Poll-URL) in turn; nginx checks the link and answers from its one-second
     cache;
   - nginx serving the same bytes as a static file (its own ETag): the physical limit.
   All on the same two cores as the load generator: the ratio is the figure, not the
   absolute rate. 52,000 screens polling every 60 s need ~870 req/s.
2. Emergency: with the task worker running (`manage.py db_worker`), an emergency insert is
   saved; a device polling its link through nginx every 50 ms with If-None-Match reports
   when it first sees it. Worst case for a real screen is that plus its poll interval
   (60 s by default, or the short TTL once an insert is running).

Prints a table and writes bench/results/screens-<UTC timestamp>.json and screens-latest.json.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import provisioning as base  # noqa: E402

log = base.log
ROOT = common.ROOT
FEED_PATH = "/api/screens/v1/feed/"
SECRET_KEY = "bench-screens-not-secret"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, headers=None, timeout=30):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, headers=headers or {}, timeout=1).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def server_env(work):
    env = dict(os.environ)
    env.update(
        PORTAL_VAR_DIR=str(work),
        DJANGO_SETTINGS_MODULE="portal.settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        SECURE_COOKIES="0",
        PORTAL_DOMAIN="localhost",
        MEDIA_ROOT=str(Path(work) / "media"),
    )
    for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "AWS_STORAGE_BUCKET_NAME"):
        env.pop(name, None)
    return env


def slide(title, n):
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from PIL import ImageDraw
    from wagtail.images.models import Image

    canvas = PILImage.new("RGB", (1920, 1080), (170 + n % 60, 20, 30))
    ImageDraw.Draw(canvas).rectangle((120, 400, 1800, 680), outline=(255, 220, 120), width=12)
    buffer = BytesIO()
    canvas.save(buffer, "JPEG", quality=80)
    return Image.objects.create(
        title=title, description=title, file=ImageFile(buffer, name=f"slide-{n}.jpg")
    )


def set_up(work, items, devices):
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from portal.setup import ensure_portal_home
    from screens import snapshots
    from screens.models import Device, DisplayGroup, Playlist, PlaylistItem

    ensure_portal_home("江城市", "jiangcheng")
    group = DisplayGroup.objects.create(name="地铁站台屏", slug="platform", width=1920, height=1080)
    playlist = Playlist.objects.create(name="日常轮播")
    playlist.groups.add(group)
    for n in range(items):
        PlaylistItem.objects.create(
            playlist=playlist, image=slide(f"党建宣传 {n + 1}", n), sort_order=n
        )
    snapshots.rebuild(group)
    tokens, rows = [], []
    for n in range(devices):
        device = Device(name=f"站台 {n + 1} 号屏", group=group)
        tokens.append(device.set_token())
        rows.append(device)
    Device.objects.bulk_create(rows, batch_size=1000)
    from screens.feeds import poll_link

    links = [poll_link(device.pk, group.pk) for device in rows]
    group.refresh_from_db()
    body = json.dumps(group.snapshot, ensure_ascii=False, separators=(",", ":")).encode()
    static = Path(work) / "static-feed"
    static.mkdir()
    (static / "feed.json").write_bytes(body)
    # nginx's workers run as an unprivileged user: let them read the file.
    for path in (Path(work), static, static / "feed.json"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    from django.db import connections

    connections.close_all()
    return group, tokens, links, len(body)


NGINX_CONF = """
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-tmp;
    proxy_temp_path {work}/nginx-tmp;
    fastcgi_temp_path {work}/nginx-tmp;
    uwsgi_temp_path {work}/nginx-tmp;
    scgi_temp_path {work}/nginx-tmp;
    server {{
        listen 127.0.0.1:{port};
        location = /feed.json {{
            root {work}/static-feed;
            default_type application/json;
            etag on;
        }}
    }}
}}
"""


def start_nginx(work, port):
    (Path(work) / "nginx-tmp").mkdir(exist_ok=True)
    conf = Path(work) / "nginx.conf"
    conf.write_text(NGINX_CONF.format(work=work, port=port))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run([nginx, "-c", str(conf), "-p", str(work)], check=True)
    return lambda: subprocess.run(
        [nginx, "-c", str(conf), "-p", str(work), "-s", "stop"], check=False
    )


STATIC = "nginx: static file"


def start_front(upstream_port, port):
    """nginx in front of gunicorn with the configuration `screens_nginx_conf` writes."""
    from base.nginx import running_nginx
    from screens.management.commands.screens_nginx_conf import render

    context = running_nginx(
        lambda prefix: render(f"127.0.0.1:{upstream_port}", f"127.0.0.1:{port}", prefix)
    )
    context.__enter__()
    return lambda: context.__exit__(None, None, None)


def start_gunicorn(work, port, workers):
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(
        [
            gunicorn,
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=server_env(work),
    )
    return process


def start_worker(work):
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        cwd=ROOT,
        env=server_env(work),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


WRK_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
WRK_P = re.compile(r"^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
WRK_STATUS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


LUA = """
values = {{{values}}}
etag = {etag}
counter = 0
request = function()
    counter = counter + 1
    local value = values[(counter % #values) + 1]
    local headers = {{}}
    if etag then headers["If-None-Match"] = etag end
    {use}
end
"""
USE_TOKEN = """headers["Authorization"] = "Bearer " .. value
    return wrk.format("GET", nil, headers)"""
USE_PATH = 'return wrk.format("GET", value, headers)'


def device_script(work, name, values, etag, use=USE_TOKEN):
    """A wrk script that sends every request as the next device: with its token (the feed)
    or its signed link (polls). Real screens each poll with their own, so nothing per
    device may be cached to look good."""
    path = Path(work) / f"{name}-{304 if etag else 200}.lua"
    quoted = ",".join(f'"{v}"' for v in values)
    path.write_text(LUA.format(values=quoted, etag=f"'{etag}'" if etag else "nil", use=use))
    return path


def run_wrk(url, headers, connections, duration, script=None):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    percentiles = {f"p{p}_ms": round(float(v) * UNIT_MS[u], 2) for p, v, u in WRK_P.findall(out)}
    bad = WRK_STATUS.search(out)
    return {
        "req_per_s": float(WRK_RATE.search(out).group(1)),
        **percentiles,
        "errors": int(bad.group(1)) if bad else 0,
    }


def status_and_etag(url, headers):
    import requests

    response = requests.get(url, headers=headers, timeout=5)
    return response.status_code, response.headers.get("ETag"), len(response.content)


def emergency_latency(link, rounds):
    import requests
    from django.db import transaction
    from django.utils import timezone

    from screens.models import DisplayGroup, EmergencyInsert

    group = DisplayGroup.objects.get(slug="platform")
    headers = {}
    seen = []
    for n in range(rounds + 1):  # round 0 warms up the worker just started
        time.sleep(1.5)  # let nginx's one-second copy settle, as between real inserts
        etag = requests.get(link, timeout=5).headers["ETag"]
        with transaction.atomic():
            insert = EmergencyInsert.objects.create(
                title=f"紧急插播 {n + 1}",
                text="因设备故障，列车晚点，请注意安全。",
                ends_at=timezone.now() + timedelta(minutes=10),
            )
            insert.groups.add(group)
        start = time.perf_counter()
        wanted = f"emergency:{insert.pk}"
        while time.perf_counter() - start < 30:
            response = requests.get(link, headers={**headers, "If-None-Match": etag}, timeout=5)
            if response.status_code == 200:
                etag = response.headers["ETag"]
                if wanted in [e["id"] for e in response.json().get("emergency", [])]:
                    seen.append((time.perf_counter() - start) * 1000)
                    break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"{wanted} not seen within 30 s")
    warm_up, seen = seen[0], seen[1:]
    return {
        "rounds": rounds,
        "median_ms": round(statistics.median(seen), 1),
        "max_ms": round(max(seen), 1),
        "min_ms": round(min(seen), 1),
        "warm_up_ms": round(warm_up, 1),
    }


def print_report(report):
    rows = []
    for row in report.get("load", []):
        rows.append(
            [
                row["target"],
                row["status"],
                f"{row['req_per_s']:.0f}",
                row.get("p50_ms", ""),
                row.get("p99_ms", ""),
                row.get("vs_nginx", ""),
                row["errors"],
            ]
        )
    base.table(
        f"Screen feed under wrk (-t1 -c{report['args']['connections']}, "
        f"{report['args']['devices']} devices' tokens or links in turn, "
        f"{report['args']['duration']} s each; gunicorn {report['args']['workers']} sync "
        f"workers, DEBUG=0; same 2 cores)",
        ["target", "status", "req/s", "p50 ms", "p99 ms", "ours/nginx", "errors"],
        rows,
    )
    if "emergency" in report:
        e = report["emergency"]
        base.table(
            "Emergency insert: saved → first poll that shows it "
            "(task worker; 50 ms polls by link through nginx's 1 s cache)",
            ["rounds", "median ms", "min ms", "max ms", "warm-up round ms"],
            [[e["rounds"], e["median_ms"], e["min_ms"], e["max_ms"], e.get("warm_up_ms", "")]],
        )
    if "goals" in report:
        print()
        for name, ok in report["goals"].items():
            print(f"{'OK ' if ok else 'NO '} {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=20, help="slides in the playlist")
    parser.add_argument("--devices", type=int, default=5000, help="devices, each its own token")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) + 1)
    parser.add_argument("--emergency-rounds", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            sys.exit(f"bench/screens.py needs {tool}: apt-get install nginx-light wrk")

    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-screens-"))
    report = common.report_head("screens", args)
    stops = []
    try:
        base.configure_environment(work)
        os.environ["DEBUG"] = "0"
        os.environ["SECRET_KEY"] = SECRET_KEY
        log("setting up the database, the playlist and its snapshot …")
        group, tokens, links, size = set_up(work, args.items, args.devices)
        token = tokens[0]
        report["snapshot_bytes"] = size
        ours_port, nginx_port, front_port = free_port(), free_port(), free_port()
        stops.append(start_nginx(work, nginx_port))
        gunicorn = start_gunicorn(work, ours_port, args.workers)
        stops.append(lambda: (gunicorn.send_signal(signal.SIGTERM), gunicorn.wait(10)))
        stops.append(start_front(ours_port, front_port))
        ours = f"http://127.0.0.1:{ours_port}{FEED_PATH}"
        front = f"http://127.0.0.1:{front_port}"
        static = f"http://127.0.0.1:{nginx_port}/feed.json"
        auth = {"Authorization": f"Bearer {token}"}
        wait_for(ours, auth)
        wait_for(static)
        wait_for(front + links[0])
        _, our_etag, our_size = status_and_etag(ours, auth)
        _, link_etag, link_size = status_and_etag(front + links[0], {})
        _, nginx_etag, nginx_size = status_and_etag(static, {})
        assert our_size == link_size == nginx_size == size, (our_size, nginx_size, size)
        assert link_etag == our_etag
        feed, poll = "gunicorn: feed (token)", "nginx → gunicorn: poll link"
        targets = []
        for status, etag, static_etag in ((200, None, None), (304, our_etag, nginx_etag)):
            match = {"If-None-Match": etag} if etag else {}
            targets += [
                (feed, status, ours, {**auth, **match}, device_script(work, "feed", tokens, etag)),
                (
                    poll,
                    status,
                    front + links[0],
                    match,
                    device_script(work, "poll", links, etag, USE_PATH),
                ),
                (
                    STATIC,
                    status,
                    static,
                    {"If-None-Match": static_etag} if static_etag else {},
                    None,
                ),
            ]
        load = []
        for name, status, url, headers, script in targets:
            assert status_and_etag(url, headers)[0] == status, (name, status)
            log(f"wrk: {name} {status} …")
            result = run_wrk(
                url, {} if script else headers, args.connections, args.duration, script
            )
            load.append({"target": name, "status": status, **result})
        for row in load:
            if row["target"] != STATIC:
                ref = next(
                    r for r in load if r["status"] == row["status"] and r["target"] == STATIC
                )
                row["vs_nginx"] = f"{row['req_per_s'] / ref['req_per_s']:.2f}"
        report["load"] = load

        def rate(target):
            return next(r for r in load if r["target"] == target and r["status"] == 304)[
                "req_per_s"
            ]

        report["goals"] = {
            "304 by poll link ≥ 50 % of nginx static": rate(poll) >= 0.5 * rate(STATIC),
            "304 by poll link ≥ 1,000 req/s": rate(poll) >= 1000,
            "304 by token (gunicorn alone) ≥ 870 req/s (52,000 screens every 60 s)": (
                rate(feed) >= 870
            ),
        }
        log("emergency insert latency (task worker running, polls by link through nginx) …")
        worker = start_worker(work)
        stops.append(lambda: (worker.send_signal(signal.SIGTERM), worker.wait(10)))
        report["emergency"] = emergency_latency(front + links[0], args.emergency_rounds)
    except Exception:
        report["error"] = traceback.format_exc()
        print(report["error"], file=sys.stderr)
    finally:
        for stop in reversed(stops):
            try:
                stop()
            except Exception:  # noqa: BLE001 - best effort clean-up
                pass
        common.finish_report(report, "screens", print_report, work, args.keep, t0)
    if "error" in report:
        sys.exit(1)


if __name__ == "__main__":
    main()
