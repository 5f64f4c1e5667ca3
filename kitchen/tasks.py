"""Background work of the central kitchen, run by the django-tasks worker
(`manage.py db_worker`, `make worker`).

- deliver_outbox: send due webhook deliveries; when retries are waiting, queue itself again
  for the earliest one.
- run_schedules: Wagtail's scheduled publishing and expiry (go-live / expire-at), then the
  `schedules_ran` signal (the screens rebuild stale snapshots on it) and a delivery sweep,
  every PORTAL_SCHEDULE_INTERVAL seconds, queued again by itself, so nobody has to be online
  for a 7:00 publication. It queues its next run in a `finally`, so a run that fails does
  not end the chain, and it puts tasks of dead workers back in the queue
  (task_queue.reclaim_stale).
- ensure_schedules(): the chain made whole again, idempotently. Every worker start runs it
  (`manage.py run_worker`, as `make worker`, `make run` and the systemd unit start the
  worker), so a chain lost to a `kill -9` in the middle of a run comes back by itself.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task

from base.db_retry import retrying

from . import outbox, task_queue

# Sent by every run of the periodic task, after scheduled publishing: apps with periodic
# chores of their own connect to it (screens: stale snapshots).
schedules_ran = Signal()


def schedule_once(task_obj, run_after=None):
    """Queue `task_obj` unless a queued copy already runs by `run_after`. Backends that cannot
    defer (the immediate one in tests) get nothing deferred."""
    backend = task_obj.get_backend()
    if run_after is not None and not backend.supports_defer:
        return None
    if _queued(task_obj, run_after):
        return None
    if run_after is not None:
        task_obj = task_obj.using(run_after=run_after)
    return task_obj.enqueue()


def _queued(task_obj, run_after):
    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the package is a dependency
        return False
    if not isinstance(task_obj.get_backend(), DatabaseBackend):
        return False
    waiting = DBTaskResult.objects.filter(task_path=task_obj.module_path, status="READY")
    if run_after is not None:
        waiting = waiting.filter(run_after__lte=run_after)
    return waiting.exists()


@task()
def deliver_outbox():
    report = outbox.deliver_due()
    due = outbox.next_due_at()
    if due is not None and due > timezone.now():
        schedule_once(deliver_outbox, due)
    return {"sent": report.sent, "delivered": report.delivered, "dead": report.dead}


def schedule_interval():
    return getattr(settings, "PORTAL_SCHEDULE_INTERVAL", 30)


def retry_budget():
    return getattr(settings, "PORTAL_WORKER_DB_RETRY", 300)


@task()
def run_schedules():
    try:
        task_queue.reclaim_stale()
        call_command("publish_scheduled", verbosity=0)
        schedules_ran.send(sender=run_schedules)
        outbox.deliver_due()
    finally:
        # Even when a step above failed: the next run is queued (through a locked or
        # restarting database too), so the chain never ends with this run.
        retrying(
            lambda: schedule_once(
                run_schedules, timezone.now() + timedelta(seconds=schedule_interval())
            ),
            budget=retry_budget(),
            what="定时任务续排",
        )


def ensure_schedules(periodic_only=False):
    """Dead workers' tasks back in the queue, then the periodic work queued unless it
    already is; returns the tasks queued now. Safe to run any number of times.
    `periodic_only`: the chain alone, without the delivery sweep a start adds (the worker
    checks the chain after each of its runs, and each run sweeps the outbox itself)."""
    task_queue.reclaim_stale()
    wanted = (run_schedules,) if periodic_only else (run_schedules, deliver_outbox)
    return [t for t in wanted if schedule_once(t) is not None]


def queue_status():
    """The task queue's figures for /healthz/ (task_queue.queue_status)."""
    return task_queue.queue_status(run_schedules.module_path, schedule_interval())
