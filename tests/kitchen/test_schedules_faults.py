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
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page, Revision

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
due = timezone.now() + timedelta(seconds={due})  # ... then moved to `due` (past: the hour
revision.content["go_live_at"] = due.isoformat()  # has passed); in the revision too, or
# publishing it would schedule it again
Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=due, content=revision.content)
type(page).objects.filter(pk=page.pk).update(go_live_at=due)
print(page.pk)
"""
STATE = """
import json
from django.db.models import Count
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page
from kitchen.models import Delivery
runs = DBTaskResult.objects.filter(task_path="kitchen.tasks.run_schedules")
live = Page.objects.filter(live=True, slug__startswith="sched").values_list("slug", flat=True)
print(json.dumps({
    "runs": dict(runs.values_list("status").annotate(n=Count("id")).order_by()),
    "running": [str(pk) for pk in runs.filter(status="RUNNING").values_list("id", flat=True)],
    "status": {str(pk): s for pk, s in runs.filter(id__in=WATCHED).values_list("id", "status")},
    "live": sorted(live),
    "deliveries": [
        [d.change.title, d.status, d.attempts, d.last_error[:200], str(d.id)]
        for d in Delivery.objects.select_related("change").order_by("change_id", "channel")
    ],
}))
"""


# The error of a database without the task queue's table, on SQLite and on PostgreSQL.
NO_TASK_TABLE = r"no such table: \w*dbtaskresult|dbtaskresult\" does not exist"


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
        self.received = []  # the delivery id of every request answered
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.arrived.set()
                if not receiver.released.wait(600):
                    return
                # The delivery's id (webhook-id when signed the Standard Webhooks way).
                delivery = self.headers.get("webhook-id") or self.headers["X-Portal-Delivery"]
                receiver.received.append(delivery)
                try:
                    self.send_response(200)
                    self.end_headers()
                except OSError:  # the sender was killed meanwhile
                    pass

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


def schedule(outside, title, slug, due=-60):
    """A page scheduled to go live `due` seconds from now (in the past by default)."""
    return outside.shell(SCHEDULE.format(title=title, slug=slug, due=due))


def state(outside, *watched):
    """The periodic task's runs by status (and the status of those `watched`), the pages
    live, the deliveries."""
    return json.loads(outside.shell(STATE.replace("WATCHED", repr(list(watched)))))


def test_a_worker_killed_mid_schedule_heals_on_restart(outside, receiver):
    schedule(outside, "定时稿一", "sched-1")
    # Subscribed after the set-up published its pages: the first delivery is sched-1's.
    outside.shell(
        "from kitchen.models import WebhookSubscriber; "
        f"WebhookSubscriber.objects.create(name='接收方', url='{receiver.url}'); print('ok')"
    )
    env = production_env(PORTAL_SCHEDULE_INTERVAL="1", PORTAL_TASK_STALE_AFTER="10")
    worker = outside.start(systemd_command(), "worker-1.log", **env)
    # The run publishes the page and then delivers its webhook: killed while it waits.
    assert receiver.arrived.wait(300), (state(outside), worker.log_path.read_text()[-3000:])
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    before = state(outside)
    log = worker.log_path.read_text()[-3000:]
    # Killed inside run_schedules, with nothing queued to follow it: what used to end the
    # chain for good.
    assert before["runs"].get("RUNNING") == 1 and not before["runs"].get("READY"), (before, log)
    assert before["live"] == ["sched-1"]
    killed = before["running"][0]

    receiver.release()
    schedule(outside, "定时稿二", "sched-2")
    worker = outside.start(systemd_command(), "worker-2.log", **env)

    def healed():
        now = state(outside, killed)
        done = now["live"] == ["sched-1", "sched-2"] and not now["runs"].get("RUNNING")
        delivered = now["deliveries"] and all(d[1] == "delivered" for d in now["deliveries"])
        return now if done and delivered and now["status"].get(killed) == "SUCCESSFUL" else None

    after = outside.wait_for(healed, timeout=600, every=2, what="the schedule to heal")
    assert after["runs"].get("READY") == 1  # the chain goes on, once
    assert {d[0] for d in after["deliveries"]} == {"定时稿一", "定时稿二"}
    # At least once: the killed run's delivery may come twice, with the same id.
    assert set(receiver.received) == {d[4] for d in after["deliveries"]}
    assert worker.poll() is None  # and the worker with it


def hold_write_lock(url, seconds, locked, errors):
    """Another connection holding the write lock for `seconds` (on PostgreSQL: the task
    queue's and the pages' tables, for reads too); what goes wrong lands in `errors`."""
    try:
        if url.startswith("sqlite:///"):
            db = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
            db.execute("BEGIN EXCLUSIVE")
            locked.set()
            time.sleep(seconds)
            db.execute("COMMIT")
            db.close()
        else:
            import psycopg
            from psycopg import sql

            tables = [m._meta.db_table for m in (DBTaskResult, Page, Revision)]
            with psycopg.connect(url) as db:
                for table in tables:
                    lock = sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE")
                    db.execute(lock.format(sql.Identifier(table)))
                locked.set()
                time.sleep(seconds)
    except Exception as error:
        errors.append(error)
        locked.set()


def test_a_database_locked_for_ten_seconds_loses_nothing(outside):
    schedule(outside, "定时稿一", "sched-1")
    env = production_env(PORTAL_SCHEDULE_INTERVAL="1")
    worker = outside.start(systemd_command(), "worker.log", **env)
    outside.wait_for(lambda: state(outside)["live"] == ["sched-1"], 300, 2, "the first run")
    # Due in a few seconds: while the database is locked, unless this machine is very slow
    # (then the page is published before the lock, and the rest still holds).
    schedule(outside, "定时稿二", "sched-2", due=3)
    locked, errors = threading.Event(), []
    url = outside.env["DATABASE_URL"]
    holder = threading.Thread(target=hold_write_lock, args=(url, 10, locked, errors))
    holder.start()
    assert locked.wait(120) and not errors, errors or "the lock was never taken"
    holder.join()
    assert not errors, errors  # meanwhile the worker (polling every second) runs into the lock
    assert worker.poll() is None, worker.log_path.read_text()[-3000:]  # waited, still here

    def carried_on():
        now = state(outside)
        published = now["live"] == ["sched-1", "sched-2"]
        return now if published and not now["runs"].get("RUNNING") else None

    after = outside.wait_for(carried_on, 300, 2, "sched-2 to be published")
    assert not after["runs"].get("FAILED"), worker.log_path.read_text()[-3000:]
    assert after["runs"].get("READY") == 1  # the chain goes on, once
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
    log = worker.log_path.read_text()
    assert code == 1, log[-3000:]
    # For the right reason: the missing table, not a set-up error of the test.
    assert re.search(NO_TASK_TABLE, log), log[-3000:]
