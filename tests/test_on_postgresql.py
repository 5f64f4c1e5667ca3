"""The search tests again, on a real PostgreSQL (its tsvector backend): the same
queries, scope, sync and odd input must behave the same as on SQLite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .postgres import binaries, postgres_cluster

ROOT = Path(__file__).resolve().parent.parent
WHICH_DATABASE = (
    "import django; django.setup(); from django.db import connection; print(connection.vendor)"
)
MODULES = [
    "tests/test_search.py",
    "tests/test_search_analysis.py",
    "tests/test_search_relevance.py",
]


@pytest.mark.skipif(binaries() is None, reason="PostgreSQL not installed (CI installs it)")
def test_search_behaves_the_same_on_postgresql():
    with postgres_cluster() as url:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
        vendor = subprocess.run(
            [sys.executable, "-c", WHICH_DATABASE],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert vendor == "postgresql"  # the settings really take DATABASE_URL
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", *MODULES],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout.splitlines()[-1]
