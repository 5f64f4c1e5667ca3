"""Background work of the central kitchen, run by the django-tasks worker
(`manage.py db_worker`, `make worker`).

- deliver_outbox: send due webhook deliveries; when retries are waiting, queue itself again
  for the earliest one.
- run_schedules: Wagtail's scheduled publishing and expiry (go-live / expire-at), then the
  `schedules_ran` signal (the screens rebuild stale snapshots on it) and a delivery sweep,
  every PORTAL_SCHEDULE_INTERVAL seconds, queued again by itself, so nobody has to be online
  for a 7:00 publication.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task

from . import outbox

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


@task()
def run_schedules():
    call_command("publish_scheduled", verbosity=0)
    schedules_ran.send(sender=run_schedules)
    outbox.deliver_due()
    interval = getattr(settings, "PORTAL_SCHEDULE_INTERVAL", 30)
    schedule_once(run_schedules, timezone.now() + timedelta(seconds=interval))
