"""The demo city, built once per worker and kept as a copy of the test database.

`load_demo` takes one to three minutes, so the tests that look at the demo (the demo itself,
its translations, the search relevance set, the screens playing it in Chromium) share one
build. The test database is copied as it was before the build ("start") and after it
("demo"), and the one a test needs is copied back in: SQLite with its backup API, in
memory (milliseconds); PostgreSQL by recreating the test database from a copy kept as a
template (CREATE DATABASE … TEMPLATE, a fraction of a second). Other threads and
processes keep using the same database name, so a live server sees the copy too.
"""

import io
import os
import sqlite3
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings

PASSWORD = "demo-pass-2026"


class SqliteCopies:
    def __init__(self):
        self.saved = {}

    @staticmethod
    def _database():
        connection.ensure_connection()
        return connection.connection

    def save(self, label):
        target = sqlite3.connect(":memory:", check_same_thread=False)
        self._database().backup(target)
        self.saved[label] = target

    def restore(self, label):
        self.saved[label].backup(self._database())

    def discard(self):
        for saved in self.saved.values():
            saved.close()
        self.saved.clear()


class PostgresCopies:
    def __init__(self):
        self.name = connection.settings_dict["NAME"]
        self.saved = []

    def _copy_name(self, label):
        return connection.ops.quote_name(f"{self.name}_{label}")

    def _run(self, *statements):
        """DDL from the maintenance database, with every session on the test database
        closed (ours here; a live server's, which reconnects on its next request)."""
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.name],
            )
            for statement in statements:
                cursor.execute(statement)

    def save(self, label):
        copy = self._copy_name(label)
        main = connection.ops.quote_name(self.name)
        self._run(f"DROP DATABASE IF EXISTS {copy}", f"CREATE DATABASE {copy} TEMPLATE {main}")
        self.saved.append(label)

    def restore(self, label):
        main = connection.ops.quote_name(self.name)
        self._run(
            f"DROP DATABASE {main} WITH (FORCE)",
            f"CREATE DATABASE {main} TEMPLATE {self._copy_name(label)}",
        )

    def discard(self):
        self._run(*(f"DROP DATABASE IF EXISTS {self._copy_name(label)}" for label in self.saved))
        self.saved.clear()


class DemoDatabase:
    """`load_demo` run once (lazily) with `var_dir` as VAR_DIR and the demo admin password
    set, as `make run` does; `output` is what it printed."""

    def __init__(self, var_dir):
        self.var_dir = var_dir
        self.output = None
        self.entered = False
        self.copies = None

    def build(self):
        if self.output is not None:
            return
        copies = PostgresCopies() if connection.vendor == "postgresql" else SqliteCopies()
        copies.save("start")
        out = io.StringIO()
        with (
            override_settings(VAR_DIR=self.var_dir),
            mock.patch.dict(os.environ, {"DEMO_ADMIN_PASSWORD": PASSWORD}),
        ):
            call_command("load_demo", stdout=out, stderr=io.StringIO())
        copies.save("demo")
        self.copies, self.output, self.entered = copies, out.getvalue(), True

    def _restore(self, label):
        self.copies.restore(label)
        ContentType.objects.clear_cache()

    def enter(self):
        """The test database becomes the demo's copy (built first if need be)."""
        self.build()
        if not self.entered:
            self._restore("demo")
            self.entered = True

    def leave(self):
        """The test database becomes what it was before the demo."""
        if self.entered:
            self._restore("start")
            self.entered = False

    def discard(self):
        self.leave()
        if self.copies is not None:
            self.copies.discard()
