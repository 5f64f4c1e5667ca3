"""HTTP side of live streaming: nginx-rtmp's callbacks, the players' heartbeat, and HLS
files in development.

nginx-rtmp POSTs form data (app, name, addr, call, and the push's own arguments such as
`key`) to the callback URLs that `livestream_nginx_conf` writes, each with
`?secret=<LIVESTREAM_CALLBACK_SECRET>`; a 2xx answer to on_publish lets the push in,
anything else refuses it.
"""

import hmac

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.static import serve

from base.api import MAX_ID
from base.limits import client_address, seconds_left

from . import ingest, viewers
from .models import LiveEventPage


def callback(handler):
    @csrf_exempt
    @require_POST
    def view(request):
        secret = request.GET.get("secret", "")
        if not hmac.compare_digest(secret, settings.LIVESTREAM_CALLBACK_SECRET):
            return HttpResponse("回调密钥无效", status=403, content_type="text/plain")
        try:
            handler(request.POST)
        except ingest.Refused as refused:
            return HttpResponse(refused.reason, status=refused.status, content_type="text/plain")
        return HttpResponse("ok", content_type="text/plain")

    return view


publish = callback(lambda form: ingest.start_publish(form.get("name"), form.get("key")))
publish_done = callback(lambda form: ingest.end_publish(form.get("name")))
record_done = callback(lambda form: ingest.recording_done(form.get("name"), form.get("path")))


@csrf_exempt
@require_POST
@never_cache
def heartbeat(request, event_id):
    """A player says it is watching: {"state", "state_label", "viewers"} back, so the page
    also learns when the event goes live or ends. Rate-limited per address and per viewer
    (livestream/viewers.py); 429 with Retry-After beyond that."""
    address = client_address(request)
    if not viewers.address_allowed(address):
        return too_many()
    # An id past the column's range never names an event (and would overflow the query).
    event = (
        LiveEventPage.objects.live().public().filter(pk=event_id).first()
        if event_id <= MAX_ID
        else None
    )
    if event is None:
        return JsonResponse(
            {"error": {"code": "not_found", "message": _("没有这个直播")}}, status=404
        )
    viewer = request.POST.get("viewer", "")
    if not viewers.VIEWER_ID.match(viewer):
        message = "viewer 应为 8–64 位字母、数字或连字符"
        return JsonResponse({"error": {"code": "bad_viewer", "message": message}}, status=400)
    if not viewers.viewer_allowed(event.pk, viewer):
        return too_many()
    live = event.status == LiveEventPage.LIVE
    watching = viewers.beat(event.pk, viewer, address) if live else 0
    return JsonResponse(
        {
            "state": event.public_state,
            "state_label": event.public_state_label,
            "viewers": watching,
        }
    )


def too_many():
    message = _("心跳过于频繁，请稍后再试")
    response = JsonResponse({"error": {"code": "rate_limited", "message": message}}, status=429)
    response["Retry-After"] = str(seconds_left(viewers.WINDOW))
    return response


HLS_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t"}


def hls_headers(response, path):
    """The headers nginx sends for HLS (deploy/nginx-live.conf): playlists are never
    cached, segments (unique names) for a day; any origin may read them (app players)."""
    suffix = "." + path.rsplit(".", 1)[-1] if "." in path else ""
    if suffix in HLS_TYPES:
        response["Content-Type"] = HLS_TYPES[suffix]
    response["Cache-Control"] = "no-cache" if suffix == ".m3u8" else "public, max-age=86400"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def serve_hls(request, path):
    """Development only (LIVESTREAM_SERVE_HLS): what nginx-rtmp wrote to the HLS folder."""
    try:
        response = serve(request, path, document_root=settings.LIVESTREAM_HLS_DIR)
    except SuspiciousFileOperation:
        raise Http404 from None  # outside the HLS folder
    return hls_headers(response, path)
