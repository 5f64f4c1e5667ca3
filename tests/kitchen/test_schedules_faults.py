"""Fault tests of the scheduler, with the worker started exactly as
deploy/systemd/portal-worker.service starts it (its ExecStart, paths made local):

- killed with SIGKILL in the middle of a run of the periodic task (while it delivers a
  webhook to a receiver that holds the request), then started again: a page scheduled in
  the past is published, the killed run is reclaimed, the chain goes on;
- SQLite (or PostgreSQL) locked for 10 s by another connection: the worker waits, carries
  on, nothing is lost;
- a worker that cannot continue (no schema) exits non-zero, also under the autoreloader.
"""

import json
import re
import secrets
import shlex
import signal
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "deploy" / "systemd" / "portal-worker.service"
VENV = Path(sys.executable).parent.parent

SCHEDULE = """
from datetime import timedelta
from django.utils import timezone
from wagtail.models import Revision
from portal.setup import ensure_portal_home
from tests.content.factories import ArticleFactory
from tests.sites.factories import column
home = ensure_portal_home("测试市", "testcity")
page = ArticleFactory(parent=column(home, "news"), title="{title}", slug="{slug}", live=False)
page.go_live_at = timezone.now() + timedelta(hours=1)
revision = page.save_revision()
revision.publish()  # scheduled for an hour from now ...
past = timezone.now() - timedelta(minutes=1)  # ... and that hour has passed
Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=past)
type(page).objects.filter(pk=page.pk).update(go_live_at=past)
print(page.pk)
"""
STATE = """
import json
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page
runs = DBTaskResult.objects.filter(task_path="kitchen.tasks.run_schedules")
live = Page.objects.filter(live=True, slug__startswith="sched").values_list("slug", flat=True)
print(json.dumps({
    "runs": dict(runs.values_list("status").annotate(n=Count("id")).order_by()),
    "live": sorted(live),
}))
"""


def systemd_command():
    """The unit's ExecStart, with /srv/portal/ (code and .venv) replaced by this checkout."""
    line = re.search(r"^ExecStart=(.+)$", UNIT.read_text(), re.MULTILINE).group(1)
    line = line.replace("/srv/portal/.venv/", f"{VENV}/").replace("/srv/portal/", f"{ROOT}/")
    return shlex.split(line)


def production_env(**extra):
    # What deploy/portal.env.example sets for the worker, on the test's database.
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), **extra}


class HoldingReceiver:
    """A webhook receiver whose first request is held until `release()`."""

    def __init__(self):
        self.arrived, self.released = threading.Event(), threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.arrived.set()
                receiver.released.wait(120)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def release(self):
        self.released.set()

    def close(self):
        self.release()
        self.server.shutdown()


@pytest.fixture
def receiver():
    held = HoldingReceiver()
    yield held
    held.close()


def state(outside):
    return json.loads(outside.shell(STATE))


def test_a_worker_killed_mid_schedule_heals_on_restart(outside, receiver):
    outside.shell(SCHEDULE.format(title="定时稿一", slug="sched-1"))
    # Subscribed after the set-up published its pages: the first delivery is sched-1's.
    outside.shell(
        "from kitchen.models import WebhookSubscriber; "
        f"WebhookSubscriber.objects.create(name='接收方', url='{receiver.url}'); print('ok')"
    )
    env = production_env(PORTAL_SCHEDULE_INTERVAL="1", PORTAL_TASK_STALE_AFTER="10")
    worker = outside.start(systemd_command(), "worker-1.log", **env)
    # The run publishes the page and then delivers its webhook: killed while it waits.
    assert receiver.arrived.wait(300), worker.log_path.read_text()[-3000:]
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    before = state(outside)
    log = worker.log_path.read_text()[-3000:]
    assert before["runs"].get("RUNNING") == 1 and not before["runs"].get("READY"), (before, log)
    assert before["live"] == ["sched-1"]

    receiver.release()
    outside.shell(SCHEDULE.format(title="定时稿二", slug="sched-2"))
    worker = outside.start(systemd_command(), "worker-2.log", **env)

    def healed():
        now = state(outside)
        ok = now["live"] == ["sched-1", "sched-2"] and not now["runs"].get("RUNNING")
        return now if ok and now["runs"].get("SUCCESSFUL", 0) >= 2 else None

    after = outside.wait_for(healed, timeout=300, every=2, what="the schedule to heal")
    assert after["runs"].get("READY") == 1  # the chain goes on, once
    assert worker.poll() is None  # and the worker with it


def hold_write_lock(url, seconds, locked):
    """Another connection holding the write lock for `seconds`."""
    if url.startswith("sqlite:///"):
        db = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        db.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(seconds)
        db.execute("COMMIT")
        db.close()
    else:
        import psycopg

        with psycopg.connect(url) as db:
            db.execute("LOCK TABLE django_tasks_db_dbtaskresult IN ACCESS EXCLUSIVE MODE")
            db.execute("LOCK TABLE wagtailcore_page IN ACCESS EXCLUSIVE MODE")
            locked.set()
            time.sleep(seconds)


def test_a_database_locked_for_ten_seconds_loses_nothing(outside):
    outside.shell(SCHEDULE.format(title="定时稿一", slug="sched-1"))
    env = production_env(PORTAL_SCHEDULE_INTERVAL="1")
    worker = outside.start(systemd_command(), "worker.log", **env)
    outside.wait_for(lambda: state(outside)["live"] == ["sched-1"], 300, 2, "the first run")
    outside.shell(SCHEDULE.format(title="定时稿二", slug="sched-2"))
    locked = threading.Event()
    url = outside.env["DATABASE_URL"]
    holder = threading.Thread(target=hold_write_lock, args=(url, 10, locked))
    holder.start()
    assert locked.wait(30)
    holder.join()
    assert worker.poll() is None, worker.log_path.read_text()[-3000:]  # waited, still here
    after = outside.wait_for(
        lambda: (s := state(outside))["live"] == ["sched-1", "sched-2"] and s, 300, 2, "sched-2"
    )
    assert not after["runs"].get("FAILED") and after["runs"].get("READY") == 1
    assert worker.poll() is None


@pytest.mark.parametrize("debug", ["0", "1"], ids=["systemd", "autoreload"])
def test_a_worker_that_cannot_continue_exits_non_zero(outside, debug):
    """No task table (a database not migrated): db_worker's thread used to die under the
    autoreloader while the process lived on; now the process exits with status 1."""
    if connection.vendor == "postgresql":
        empty = outside.env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    else:
        empty = f"sqlite:///{outside.var_dir / 'empty.sqlite3'}"
    command = [*systemd_command(), *(["--reload"] if debug == "1" else [])]
    worker = outside.start(command, "worker.log", DATABASE_URL=empty, **production_env(DEBUG=debug))
    try:
        code = worker.wait(timeout=300)
    except Exception:
        pytest.fail("the worker lives on without working:\n" + worker.log_path.read_text()[-3000:])
    assert code == 1, worker.log_path.read_text()[-3000:]
