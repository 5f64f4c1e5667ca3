"""Fixtures of the central kitchen's tests: a real task worker in a process of its own."""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url(target):
    """A DATABASE_URL another process can open with what this one has committed: the
    PostgreSQL test database itself; on SQLite (in memory here) a copy in `target`."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        return f"postgres://{credentials}@{host}/{db['NAME']}"
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{target}"


@pytest.fixture
def worker(tmp_path):
    """`start()` runs `manage.py db_worker` as the systemd unit does, on a database this
    test's committed data reached; `run(code)` runs Python in `manage.py shell` there. Call
    `share_database()` once the data is written. Processes still running are killed."""
    started = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.kitchen.worker_settings",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DEBUG": "1",
    }

    class Worker:
        def share_database(self):
            env["DATABASE_URL"] = database_url(tmp_path / "worker.sqlite3")

        def start(self):
            assert "DATABASE_URL" in env, "share_database() first"
            process = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            started.append(process)
            return process

        def run(self, code):
            done = subprocess.run(
                [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            return done.stdout

    yield Worker()
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
    assert settings.TASKS  # the test's own settings were never touched
