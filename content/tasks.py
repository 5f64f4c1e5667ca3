"""Background work run by the django-tasks worker (`manage.py db_worker`, `make worker`).

- deliver_outbox: send due webhook deliveries; when retries are waiting, queue itself again
  for the earliest one.
- rebuild_screen_snapshots: the metro screens' playlist snapshots (content/screens.py).
- run_schedules: Wagtail's scheduled publishing and expiry (go-live / expire-at) plus a
  delivery sweep, every PORTAL_SCHEDULE_INTERVAL seconds, queued again by itself, so nobody
  has to be online for a 7:00 publication.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import outbox


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
def rebuild_screen_snapshots(group_ids=None):
    """Rebuild the snapshots of these display groups (all when None)."""
    from .screens import DisplayGroup, rebuild

    groups = DisplayGroup.objects.all()
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
    return {group.slug: rebuild(group) for group in groups}


def rebuild_stale_snapshots():
    """Hourly, so the 24-hour schedule in every snapshot keeps reaching ahead."""
    from .screens import DisplayGroup, rebuild

    stale = timezone.now() - timedelta(hours=1)
    for group in DisplayGroup.objects.filter(
        Q(snapshot_built_at__lt=stale) | Q(snapshot_built_at__isnull=True)
    ):
        rebuild(group)


@task()
def run_schedules():
    call_command("publish_scheduled", verbosity=0)
    rebuild_stale_snapshots()
    outbox.deliver_due()
    interval = getattr(settings, "PORTAL_SCHEDULE_INTERVAL", 30)
    schedule_once(run_schedules, timezone.now() + timedelta(seconds=interval))
