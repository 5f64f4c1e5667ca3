"""The metro screen player: a static HTML5 page and its service worker.

/screens/player/        the page (templates/screens/player.html, screens/static/screens/player.js)
/screens/player/sw.js   screens/static/screens/sw.js, served from here rather than /static/ so it
                        can control the player page (a worker's scope is limited to its own
                        path unless the response allows more with Service-Worker-Allowed).
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

SERVICE_WORKER = "screens/sw.js"


def service_worker_source():
    """The worker's text: from the static source folders, else from collected static files."""
    found = finders.find(SERVICE_WORKER)
    if found:
        return Path(found).read_bytes()
    fallback = Path(__file__).resolve().parent / "static" / SERVICE_WORKER
    if fallback.exists():
        return fallback.read_bytes()
    if staticfiles_storage.exists(SERVICE_WORKER):
        with staticfiles_storage.open(SERVICE_WORKER) as handle:
            return handle.read()
    raise Http404("service worker not found")


@require_GET
def player(request):
    response = render(request, "screens/player.html", {"time_zone": settings.TIME_ZONE})
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request):
    response = HttpResponse(
        service_worker_source(), content_type="application/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
