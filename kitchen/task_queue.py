"""Upkeep and figures of the background task queue (django-tasks database backend).

- reclaim_stale(): a task left RUNNING longer than PORTAL_TASK_STALE_AFTER seconds belongs
  to a worker that died in the middle of it (`kill -9`, OOM, power loss): it is put back in
  the queue (READY, due now) so another worker runs it again. Tasks are therefore run at
  least once; the setting must exceed the longest task (media transcoding: minutes).
- queue_status(): what /healthz/ reports (last scheduler run, queue depth, oldest ready task).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Case, Count, F, Min, Q, When
from django.utils import timezone


def _results():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def stale_after():
    return timedelta(seconds=getattr(settings, "PORTAL_TASK_STALE_AFTER", 3600))


def reclaim_stale(now=None):
    """Put tasks RUNNING for longer than PORTAL_TASK_STALE_AFTER back in the queue."""
    now = now or timezone.now()
    return (
        _results()
        .filter(status="RUNNING", started_at__lt=now - stale_after())
        .update(status="READY", run_after=now, started_at=None)
    )


def queue_status(schedule_path, interval, now=None):
    """Figures of the queue in three queries. `schedule_path`: the periodic task, expected
    to have run within three intervals and to have a copy waiting or running."""
    now = now or timezone.now()
    results = _results()
    last = (
        results.filter(task_path=schedule_path, status__in=["SUCCESSFUL", "FAILED"])
        .order_by("-finished_at")
        .values("finished_at", "status")
        .first()
    )
    from django_tasks_db.models import get_date_max

    # A ready task has waited since it became due: its run_after, or when it was queued.
    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    figures = results.ready().order_by().aggregate(depth=Count("id"), oldest=Min(due_since))
    cutoff = now - stale_after()
    waiting = results.filter(task_path=schedule_path).aggregate(
        queued=Count("id", filter=Q(status="READY") | Q(status="RUNNING", started_at__gte=cutoff)),
        stale=Count("id", filter=Q(status="RUNNING", started_at__lt=cutoff)),
    )
    oldest_age = (now - figures["oldest"]).total_seconds() if figures["oldest"] else None
    last_at = last["finished_at"] if last else None
    problems = []
    if last_at is None or now - last_at > timedelta(seconds=3 * interval + 60):
        problems.append("scheduler_late")
    if not waiting["queued"]:
        problems.append("scheduler_not_queued")
    if oldest_age is not None and oldest_age > max(300, 3 * interval):
        problems.append("queue_backlog")
    if waiting["stale"]:
        problems.append("scheduler_stale")
    return {
        "status": "degraded" if problems else "ok",
        "problems": problems,
        "scheduler": {
            "last_run": last_at.isoformat() if last_at else None,
            "last_status": last["status"] if last else None,
            "interval_seconds": interval,
            "queued": waiting["queued"],
        },
        "queue": {
            "depth": figures["depth"],
            "oldest_ready_age_seconds": round(oldest_age, 1) if oldest_age is not None else None,
        },
    }
