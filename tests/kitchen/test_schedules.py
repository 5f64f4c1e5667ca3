"""The periodic scheduler keeps itself alive (kitchen/tasks.py, kitchen/worker.py): its
next run is queued even when a run fails, every worker start seeds it idempotently, and
tasks a dead worker left RUNNING go back in the queue after PORTAL_TASK_STALE_AFTER."""

import pytest
from django.db.utils import OperationalError
from django_tasks_db.models import DBTaskResult

from base import db_retry
from kitchen import tasks
from tests.kitchen.factories import TaskResultFactory, ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_tasks(settings):
    """The production backend (tasks in the database) instead of the immediate one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return settings


def queued_runs():
    return DBTaskResult.objects.filter(task_path=tasks.run_schedules.module_path, status="READY")


def test_a_failing_run_still_queues_the_next(database_tasks, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("publish_scheduled failed")

    monkeypatch.setattr(tasks, "call_command", broken)
    with pytest.raises(RuntimeError):
        tasks.run_schedules.call()
    assert queued_runs().count() == 1  # the chain goes on
    with pytest.raises(RuntimeError):
        tasks.run_schedules.call()
    assert queued_runs().count() == 1  # and is not doubled


def test_the_next_run_is_queued_through_a_locked_database(database_tasks, monkeypatch):
    real, calls, slept = tasks.schedule_once, [], []

    def locked_twice(*args, **kwargs):
        calls.append(1)
        if len(calls) <= 2:
            raise OperationalError("database is locked")
        return real(*args, **kwargs)

    monkeypatch.setattr(tasks, "schedule_once", locked_twice)
    monkeypatch.setattr(db_retry.time, "sleep", slept.append)
    tasks.run_schedules.call()
    assert queued_runs().count() == 1 and slept == [0.5, 1.0]


def test_seeding_is_idempotent(database_tasks):
    assert {t.name for t in tasks.ensure_schedules()} == {"run_schedules", "deliver_outbox"}
    assert tasks.ensure_schedules() == [] and tasks.ensure_schedules() == []
    assert queued_runs().count() == 1


def test_the_check_after_each_run_adds_no_delivery_sweep(database_tasks):
    # The worker checks the chain after every run: no extra task row each interval.
    assert [t.name for t in tasks.ensure_schedules(periodic_only=True)] == ["run_schedules"]
    assert tasks.ensure_schedules(periodic_only=True) == []
    assert not DBTaskResult.objects.filter(task_path=tasks.deliver_outbox.module_path).exists()


def test_a_dead_workers_task_is_reclaimed_after_the_timeout(database_tasks):
    database_tasks.PORTAL_TASK_STALE_AFTER = 600
    killed = TaskResultFactory(status="RUNNING", started_at=ago(minutes=11), worker_ids=["w1"])
    working = TaskResultFactory(
        task_path="kitchen.tasks.deliver_outbox", status="RUNNING", started_at=ago(minutes=9)
    )
    tasks.ensure_schedules()
    killed.refresh_from_db()
    working.refresh_from_db()
    assert killed.status == "READY" and killed.started_at is None and killed.run_after <= ago()
    assert killed.worker_ids == ["w1"]  # who had it stays on record
    assert working.status == "RUNNING"  # still within the timeout: its worker may be alive
    assert queued_runs().count() == 1  # the reclaimed run is the chain; none added


def test_only_transient_database_errors_are_retried():
    slept, attempts = [], []

    def locked():
        attempts.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError):
        db_retry.retrying(locked, budget=5, sleep=slept.append, clock=lambda: len(slept) * 2.0)
    assert slept == [0.5, 1.0, 1.0] and len(attempts) == 4  # backoff, then the budget ends

    def missing_table():
        attempts.append(1)
        raise OperationalError("no such table: django_tasks_db_dbtaskresult")

    attempts.clear()
    with pytest.raises(OperationalError):
        db_retry.retrying(missing_table, sleep=slept.append)
    assert len(attempts) == 1
