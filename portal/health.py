"""GET /healthz/ for monitoring: the scheduler's last run, the task queue's depth and its
oldest ready task, as JSON; HTTP 200 when all is well ("ok"), 503 when the scheduler is
late or not queued, a dead worker's task waits to be reclaimed, or the queue backs up
("degraded", with the problems named). Three queries; no login, no personal data."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kitchen.tasks import queue_status


@require_safe
@never_cache
def healthz(request):
    status = queue_status()
    return JsonResponse(status, status=200 if status["status"] == "ok" else 503)
