"""Fixtures every app's tests use: the portal home and the organisation trees, the
directives filed in them, the demo city, a live event, and the helpers more than one
folder needs.

The trees, the directives and the demo are shared data (tests/shared_data.py): built once
and kept while the tests asking for them run, each test in a savepoint of its own."""

import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from signal import SIGKILL

import pytest
from django.core import signals
from django.db import close_old_connections, connection
from wagtail.models import Page, Site

from base.nginx import nginx_binary, running_nginx
from base.ports import free_port
from learning import ffmpeg
from livestream.management.commands.livestream_nginx_conf import RTMP_MODULE, render
from portal.setup import ensure_portal_home
from sites.site_index import get_site_index

from .content.factories import DirectiveFactory, library, own_column
from .demo_snapshot import PASSWORD, DemoDatabase
from .learning.factories import learning_home
from .livestream.factories import LiveEventFactory
from .shared_data import SharedData, fresh_caches, shared_fixture
from .sites.factories import DEEP_CSV, TREE_CSV, provision_tree

SHARED = pytest.StashKey[SharedData]()
CURRENT = pytest.StashKey[pytest.Item]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The demo's tests come first, one after the other: pytest-xdist starts each worker on
    a run of consecutive tests, so they share the first worker's one build of the demo.
    (`--dist loadgroup` would say so outright, but pytest-xdist 3.8 no longer groups on
    pytest 9.2: pytest-dev/pytest-xdist#1386.) A transactional one among them runs early
    too, which is safe: the test database is copied back when the demo's tests are done.
    Tests marked `long` come next, so that none of them starts late and holds up the end
    of the run. Otherwise pytest-django's order stands (transactional tests last)."""
    items.sort(
        key=lambda item: ("demo" not in item.fixturenames, item.get_closest_marker("long") is None)
    )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Shared data and the demo are switched before any fixture of the test runs, so
    before pytest-django opens the test's own transaction."""
    item.config.stash[CURRENT] = item
    shared = item.config.stash.get(SHARED, None)
    if shared is not None:
        shared.prepare(item)


@pytest.fixture(scope="session")
def _shared_data(request, django_db_setup, django_db_blocker, tmp_path_factory):
    shared = SharedData(django_db_blocker, DemoDatabase(tmp_path_factory.mktemp("demo-var")))
    shared.prepare(request.config.stash[CURRENT])
    request.config.stash[SHARED] = shared
    yield shared
    del request.config.stash[SHARED]
    shared.close()
    with django_db_blocker.unblock():
        shared.demo.discard()


@pytest.fixture(autouse=True)
def _fresh_cache():
    fresh_caches()
    yield
    fresh_caches()


@pytest.fixture
def request_signals():
    """Counts request_started / request_finished sent meanwhile. Like Django's test client,
    keeps close_old_connections (which they trigger) away from the test's transaction."""
    counts = {"started": 0, "finished": 0}

    def started(**kwargs):
        counts["started"] += 1

    def finished(**kwargs):
        counts["finished"] += 1

    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield counts
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


# --- organisations and what they publish ----------------------------------------------


@shared_fixture
def home():
    """The portal home: the city 测试市, its columns, groups and libraries."""
    return ensure_portal_home("测试市", "testcity")


@shared_fixture
def org_tree(home):
    """tests/sites/factories.py TREE_CSV: a district, two streets, a branch under each."""
    return provision_tree(TREE_CSV, home)


# When the oversight tests' organisations were founded (tests/oversight/).
FOUNDED = datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.UTC)


@shared_fixture
def aged_tree(org_tree):
    """org_tree founded on 2025-01-01: oversight's update rules apply from then on."""
    from sites.models import OrganisationPage

    OrganisationPage.objects.update(first_published_at=FOUNDED)
    return org_tree


@shared_fixture
def deep(home):
    """tests/sites/factories.py DEEP_CSV: two districts, four levels below the city."""
    return provision_tree(DEEP_CSV, home)


@shared_fixture
def directives(deep):
    """One directive per place, titled after where it was issued."""
    made = {}
    for level in ["central", "province", "city"]:
        made[level] = DirectiveFactory(parent=library(deep["home"], level), title=f"{level}文件")
    for code in ["da", "da-s1", "da-s1-c1", "da-s1-c1-b1", "da-s1-c2", "db", "db-s1"]:
        made[code] = DirectiveFactory(parent=own_column(deep[code]), title=f"{code}文件")
    return made


@pytest.fixture
def demo(_shared_data, db, settings, monkeypatch):
    """The demo city as `make run` loads it (`load_demo`, with the demo admin password),
    built once per worker; the test database is its copy. `.output` is what the build
    printed, `.var_dir` the VAR_DIR it wrote (the settings point there meanwhile)."""
    demo = _shared_data.demo
    if not demo.entered:  # a transactional test: swapped in after its own set-up
        with _shared_data.blocker.unblock():
            demo.enter()
    settings.VAR_DIR = demo.var_dir
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", PASSWORD)
    return demo


@pytest.fixture
def event(org_tree):
    """A live event of branch da-s1-b1, ten minutes from now."""
    return LiveEventFactory(parent=learning_home(org_tree["da-s1-b1"]))


# --- checks more than one folder makes ------------------------------------------------


def _wagtail_relevant(page):
    # Wagtail's own definition (wagtail.models.Page._get_relevant_site_root_paths).
    return tuple(
        srp for srp in Site.get_site_root_paths() if page.url_path.startswith(srp.root_path)
    )


@pytest.fixture
def wagtail_relevant():
    """The site root paths Wagtail itself finds relevant for a page."""
    return _wagtail_relevant


@pytest.fixture
def index_matches_wagtail():
    """Whether the fast site index gives Wagtail's answer for every page."""

    def check():
        Site.clear_site_root_paths_cache()
        index = get_site_index()
        return all(index.relevant(p.url_path) == _wagtail_relevant(p) for p in Page.objects.all())

    return check


@pytest.fixture
def sidebar():
    """The admin menu of a page as text (the sidebar is rendered from JSON props)."""

    def menu(html):
        props = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
        return json.dumps(json.loads(props.group(1)), ensure_ascii=False)

    return menu


# Words a script shows are handed to it translated, in these attributes of the page.
SPOKEN_ATTRIBUTES = re.compile(
    r"^(aria-label|title|alt|placeholder|label|data-(msg|label|viewers|points|step|title)\b.*)$"
)


@pytest.fixture
def page_chrome():
    """What a person reads or hears of a page's own part (its <main>) that the page says
    itself: the text, and the labels in aria-label, title, alt and the data-* attributes
    scripts show, minus the `content` strings given (titles and names, shown as written).
    """
    from bs4 import BeautifulSoup

    def chrome(html, content=()):
        main = BeautifulSoup(html, "html.parser").find("main")
        for hidden in main.find_all(["script", "style"]):
            hidden.decompose()
        words = [main.get_text(" ")]
        for tag in main.find_all(True):
            words += [str(v) for k, v in tag.attrs.items() if SPOKEN_ATTRIBUTES.match(k)]
        text = " ".join(words)
        for item in sorted(content, key=len, reverse=True):
            text = text.replace(item, " ")
        return " ".join(text.split())

    return chrome


# --- real nginx-rtmp and an ffmpeg broadcaster ----------------------------------------


@pytest.fixture
def ingest(live_server, settings):
    """nginx-rtmp on free ports; its HLS and record folders are the portal's. CI installs
    nginx-light, libnginx-mod-rtmp and ffmpeg; without them the test is skipped."""
    if nginx_binary() is None:
        pytest.skip("nginx not installed")
    if not Path(RTMP_MODULE).exists():
        pytest.skip("libnginx-mod-rtmp not installed")
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not installed")
    rtmp_port, http_port = free_port(), free_port()
    upstream = live_server.url.removeprefix("http://").replace("localhost", "127.0.0.1")

    def conf(prefix):
        folders = {name: Path(prefix) / name for name in ("hls", "record")}
        for folder in folders.values():
            folder.mkdir()
            folder.chmod(0o777)  # nginx's workers run as nobody when we are root
        settings.LIVESTREAM_HLS_DIR = folders["hls"]
        settings.LIVESTREAM_RECORD_DIR = folders["record"]
        return render(
            rtmp_port=rtmp_port,
            http_port=http_port,
            upstream=upstream,
            hls_dir=folders["hls"],
            record_dir=folders["record"],
            prefix=prefix,
        )

    with running_nginx(conf) as prefix:
        yield {
            "rtmp": f"rtmp://127.0.0.1:{rtmp_port}/live",
            "http": f"http://127.0.0.1:{http_port}",
            "prefix": Path(prefix),
        }


@pytest.fixture
def push():
    """Starts ffmpeg pushing a testsrc + sine stream to an RTMP URL for `seconds`; what is
    still running at the end of the test is stopped."""
    started = []

    def start(url, seconds=10):
        command = [
            ffmpeg.ffmpeg_binary(),
            *("-hide_banner", "-loglevel", "error", "-re"),
            *("-f", "lavfi", "-i", "testsrc=size=320x240:rate=25"),
            *("-f", "lavfi", "-i", "sine"),
            *("-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast", "-g", "50"),
            *("-pix_fmt", "yuv420p", "-c:a", "aac", "-f", "flv", url),
        ]
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def api_get(client):
    """GET on the portal's own host (http://localhost), query parameters as keywords."""
    return lambda url, **params: client.get(url, params, HTTP_HOST="localhost")


# --- other processes on the test's database ---------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


class Outside:
    """Portal processes of their own (a server, a worker, a command) on the test's database
    and one VAR_DIR (so one file cache) in `var_dir`; whatever is still running at the end
    of the test is killed."""

    def __init__(self, database_url, var_dir):
        self.var_dir = var_dir
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "AWS_"))},
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DATABASE_URL": database_url,
            "PORTAL_VAR_DIR": str(var_dir),
            "PYTHONUNBUFFERED": "1",
        }
        self.started = []

    def manage(self, *args, check=True, timeout=180, **env):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert not check or done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        return done

    def shell(self, code, **env):
        """Python run by `manage.py shell -c`; returns what it printed (last line)."""
        return self.manage("shell", "-c", code, **env).stdout.strip().splitlines()[-1]

    def start(self, command, log_name, **env):
        log = open(self.var_dir / log_name, "w")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a group of its own: its children go with it
        )
        process.log_path, process.log = self.var_dir / log_name, log
        self.started.append(process)
        return process

    def stop_all(self):
        """Each process and what it started (gunicorn's workers, the autoreloader's child),
        so no connection to the test database outlives the test."""
        for process in self.started:
            try:
                os.killpg(process.pid, SIGKILL)
            except ProcessLookupError:  # the group is gone already
                pass
            process.wait()
            process.log.close()


def wait_for(condition, timeout=120, every=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(name="wait_for")
def wait_for_fixture():
    """wait_for(condition, timeout, every, what): the condition's value once it is true;
    AssertionError naming `what` when it has not become true in time."""
    return wait_for


@pytest.fixture
def outside(transactional_db, tmp_path):
    """Processes that share the test's database: on PostgreSQL the test database itself;
    on SQLite (in memory) a file copy of it, made with SQLite's backup API. The test reads
    and writes it through them (`manage`, `shell`), so it works the same on both."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        if db.get("PASSWORD"):
            url = url.replace("@", f":{db['PASSWORD']}@", 1)
    else:
        path = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        url = f"sqlite:///{path}"
    procs = Outside(url, tmp_path)
    procs.wait_for = wait_for
    yield procs
    procs.stop_all()
