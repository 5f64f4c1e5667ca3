"""Test data built once and shared by the tests that ask for it.

`shared_fixture` turns a builder into a fixture whose data is built once and kept while the
tests that ask for it run, as Django's `TestCase.setUpTestData` does: the data is written
inside a transaction that stays open, each test runs in a savepoint of its own inside it and
is rolled back to it, and each test gets its own deep copy of the built objects. Data sets
stack (`org_tree` on `home`, `world` on `org_tree`): a test that asks for less rolls the
layers above back, one that asks for more builds only what is missing, and a test that asks
for nothing runs on the empty database as before. So every test sees exactly the data it
asked for, and no more.

Transactional tests (a live server, or a program reading the database from outside) cannot
see uncommitted rows: for them the fixture builds its data itself, committed, like an
ordinary fixture.

The demo city is the other shared starting point: `demo_snapshot.py` builds it once per
worker with `load_demo` and keeps a copy of that database; tests asking for `demo` run on
the copy.

Switching happens in `pytest_runtest_setup`, before any fixture of the test and so before
pytest-django opens the test's own transaction (see tests/conftest.py).
"""

import copy
import inspect
import sys

import pytest
from django.core.cache import cache
from django.db import transaction
from pytest_django.fixtures import validate_django_db

from screens.feeds import forget_snapshots


def fresh_caches():
    """What every test starts from: the site index version lives in the cache, and the
    screen feed keeps snapshots in process; the database is rolled back per test."""
    cache.clear()
    forget_snapshots()


def shared_fixture(build):
    """A fixture named after `build`, whose data `build(**dependencies)` makes once for
    the tests that ask for it. The dependencies are other shared fixtures, named by the
    builder's parameters; each is passed as built, not copied."""
    dependencies = list(inspect.signature(build).parameters)

    def fixture(request, _shared_data, db, **values):
        return _shared_data.value(build, request.node, values)

    parameter = inspect.Parameter
    fixture.__signature__ = inspect.Signature(
        [
            parameter(name, parameter.POSITIONAL_OR_KEYWORD)
            for name in ["request", "_shared_data", "db", *dependencies]
        ]
    )
    fixture.__doc__ = build.__doc__
    fixture.shared_build = build
    build.dependencies = dependencies
    return pytest.fixture(name=build.__name__)(fixture)


class Plan:
    """What a test needs from the database: whether it uses it at all, whether it runs
    transactionally (pytest-django's rules), the demo, and the shared data sets in the
    order they are built."""

    def __init__(self, item):
        names = getattr(item, "fixturenames", ())
        marker = item.get_closest_marker("django_db")
        transactional = False
        if marker:
            transaction, reset_sequences, *_ = validate_django_db(marker)
            transactional = transaction or reset_sequences
        self.transactional = transactional or any(
            name in names for name in ("transactional_db", "live_server")
        )
        self.uses_db = bool(marker) or self.transactional or "db" in names
        self.demo = "demo" in names
        self.layers = self._layers(item, names)

    @staticmethod
    def _layers(item, names):
        info = getattr(item, "_fixtureinfo", None)
        builders = {}
        for name in names:
            definitions = info.name2fixturedefs.get(name) if info else None
            build = getattr(definitions[-1].func, "shared_build", None) if definitions else None
            if build is not None:
                builders[name] = build

        depth = {}

        def depth_of(name):
            if name not in depth:
                depth[name] = 1 + max(
                    (depth_of(dep) for dep in builders[name].dependencies), default=0
                )
            return depth[name]

        order = sorted(builders, key=lambda name: (depth_of(name), builders[name].__module__, name))
        return [(name, builders[name]) for name in order]


class Layer:
    def __init__(self, name, build, atomic, value):
        self.name, self.build, self.atomic, self.value = name, build, atomic, value


def _enter_atomic():
    atomic = transaction.atomic()
    # Like TestCase's own blocks: code under test may still open durable ones inside.
    atomic._from_testcase = True
    atomic.__enter__()
    return atomic


class SharedData:
    """The shared data of one worker: an outer transaction, the layers built in it, and the
    database the tests start from (the empty one, or the demo's copy)."""

    def __init__(self, blocker, demo):
        self.blocker = blocker
        self.demo = demo
        self.outer = None
        self.layers = []
        self.memo = {}

    def prepare(self, item):
        """Make the database what `item` needs before any of its fixtures run."""
        plan = Plan(item)
        self.memo = {}
        if not plan.uses_db:
            return
        with self.blocker.unblock():
            if plan.transactional:
                # Its data must be committed; it starts from the empty database, and the
                # `demo` fixture swaps the demo in after pytest-django's own set-up.
                self.close()
                if plan.demo:
                    self.demo.build()
                self.demo.leave()
                return
            if plan.demo and not self.demo.entered:
                self.close()
                self.demo.enter()
            elif self.demo.entered and not plan.demo:
                self.close()
                self.demo.leave()
            if self.outer is None:
                self.outer = _enter_atomic()
            self._stack(plan.layers)

    def _stack(self, wanted):
        kept = 0
        for layer, (_, build) in zip(self.layers, wanted, strict=False):
            if layer.build is not build:
                break
            kept += 1
        while len(self.layers) > kept:
            self._pop()
        for name, build in wanted[kept:]:
            self._push(name, build)

    def _push(self, name, build):
        fresh_caches()
        built = {layer.name: layer.value for layer in self.layers}
        atomic = _enter_atomic()
        try:
            value = build(**{dep: built[dep] for dep in build.dependencies})
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
        self.layers.append(Layer(name, build, atomic, value))

    def _pop(self):
        layer = self.layers.pop()
        transaction.set_rollback(True)
        layer.atomic.__exit__(None, None, None)

    def close(self):
        """Roll everything shared back: the database is as the test run started it."""
        with self.blocker.unblock():
            while self.layers:
                self._pop()
            if self.outer is not None:
                transaction.set_rollback(True)
                self.outer.__exit__(None, None, None)
                self.outer = None

    def value(self, build, item, dependencies):
        """The test's own copy of what `build` made (one copy per test, so objects shared
        between data sets stay shared); a transactional test's data, built now."""
        if Plan(item).transactional:
            return build(**dependencies)
        for layer in self.layers:
            if layer.build is build:
                return copy.deepcopy(layer.value, self.memo)
        raise RuntimeError(f"{build.__name__} was not built for {item.nodeid}")
