"""The screen feed and heartbeat: what a metro screen player talks to.

GET  /api/screens/v1/feed/       Authorization: Bearer <device token>
     → the group's snapshot (JSON), ETag = its content hash, 304 on If-None-Match, and
       X-Poll-URL: a signed link to the same snapshot, valid PORTAL_SCREENS_LINK_TTL s.
GET  /api/screens/v1/poll/<group>/?d=<device>&e=<expires>&s=<signature>
     → the same answer without a token lookup. Its signature is nginx's secure_link
       (MD5 of expires, path, device and a secret, base64url), so in production nginx
       checks it and answers polls from a one-second cache (`manage.py
       screens_nginx_conf`); without nginx Django checks it. 403 on a bad signature, 410
       once expired: the player then asks the feed (with its token) for a new link. A
       revoked device is refused by the feed at once, by its link within the TTL.
POST /api/screens/v1/heartbeat/  Authorization: Bearer <device token>
     {"player_version": "...", "status": {...}, "plays": [{"item", "started_at", "duration"}]}

The feed path is one indexed query (device by token hash, with its group's snapshot hash)
and an in-process cache of the serialised snapshot, refreshed when the hash changes.
"""

import base64
import datetime
import hashlib
import hmac
import json
import re
import threading
import time
from http import HTTPStatus
from urllib.parse import parse_qs

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from base.api import BadJson, strict_json

from .models import Device, DisplayGroup, PlayTally, hash_token

EMERGENCY_TTL = 10  # seconds a feed with an active emergency insert may be cached

HEARTBEAT_MAX_BYTES = 256 * 1024
HEARTBEAT_MAX_PLAYS = 2000
ITEM_KEY = re.compile(r"^(page|image|clip|emergency):\d{1,12}$")

_snapshots = {}  # group id -> (hash, body bytes, [(starts, ends) of emergency inserts])
_lock = threading.Lock()


class Unauthorised(Exception):
    pass


def bearer_token(header):
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorised("缺少设备令牌（Authorization: Bearer <令牌>）")
    return token.strip()


# The device lookup (feed and heartbeat): one indexed query in plain SQL, no ORM query
# building, with what the feed needs from the device's group. It is
# not cached: each of tens of thousands of screens polls once a minute with its own token,
# so a per-token cache would only flatter a benchmark; revocations take effect at once.
DEVICE_SQL = (
    "SELECT d.id, d.revoked_at, d.group_id, g.snapshot_hash, g.poll_interval "
    "FROM content_device d JOIN content_displaygroup g ON g.id = d.group_id "
    "WHERE d.token_hash = %s"
)


def device_for(authorization):
    """(id, revoked_at, group_id, snapshot_hash, poll_interval) of the device whose token is
    in this Authorization header; Unauthorised if there is none or it is revoked."""
    with connection.cursor() as cursor:
        cursor.execute(DEVICE_SQL, [hash_token(bearer_token(authorization))])
        row = cursor.fetchone()
    if row is None:
        raise Unauthorised("设备令牌无效")
    if row[1] is not None:
        raise Unauthorised("设备令牌已停用")
    return row


def forget_snapshots():
    """Drop the in-process snapshot copies (tests)."""
    _snapshots.clear()


def cached_snapshot(group_id, snapshot_hash):
    entry = _snapshots.get(group_id)
    if entry is None or entry[0] != snapshot_hash:
        row = DisplayGroup.objects.filter(pk=group_id).values("snapshot", "snapshot_hash").first()
        snapshot = row["snapshot"] or {}
        body = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":")).encode()
        inserts = [
            (parse_datetime(e["starts_at"]), parse_datetime(e["ends_at"]))
            for e in snapshot.get("emergency", [])
        ]
        entry = (row["snapshot_hash"], body, inserts)
        with _lock:
            _snapshots[group_id] = entry
    return entry


def max_age(poll_interval, inserts, now):
    """Short while an emergency insert runs or is about to start; else the poll interval."""
    soon = now + datetime.timedelta(seconds=poll_interval)
    if any(starts <= soon and ends > now for starts, ends in inserts):
        return EMERGENCY_TTL
    return poll_interval


JSON_TYPE = "application/json; charset=utf-8"


def error(status, code, message):
    """(status, headers, body) of a JSON error; a 401 says which scheme to use."""
    headers = [("Content-Type", JSON_TYPE)]
    if status == 401:
        headers.append(("WWW-Authenticate", 'Bearer realm="screens"'))
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
    return status, headers, body.encode()


def as_response(status, headers, body):
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response[name] = value
    return response


POLL_PATH = "/api/screens/v1/poll/"
POLL_PATH_RE = re.compile(r"^/api/screens/v1/poll/(\d{1,12})/$")


def link_signature(expires, path, device_id):
    """nginx secure_link_md5 "$secure_link_expires$uri$arg_d <secret>", base64url."""
    raw = f"{expires}{path}{device_id} {settings.SCREENS_LINK_SECRET}".encode()
    return base64.urlsafe_b64encode(hashlib.md5(raw).digest()).rstrip(b"=").decode()  # noqa: S324


def poll_link(device_id, group_id, now=None):
    expires = int(now if now is not None else time.time()) + settings.PORTAL_SCREENS_LINK_TTL
    path = f"{POLL_PATH}{group_id}/"
    return f"{path}?d={device_id}&e={expires}&s={link_signature(expires, path, device_id)}"


def link_group(path, query):
    """The group id a signed poll link grants, or an error (status, headers, body)."""
    match = POLL_PATH_RE.match(path or "")
    args = parse_qs(query or "")
    device, expires, signature = (args.get(k, [""])[0] for k in ("d", "e", "s"))
    if not (match and device.isdigit() and expires.isdigit()) or not hmac.compare_digest(
        signature, link_signature(expires, path, device)
    ):
        return None, error(403, "bad_link", "播放链接无效，请用设备令牌重新获取")
    if int(expires) < time.time():
        return None, error(410, "link_expired", "播放链接已过期，请用设备令牌重新获取")
    return int(match.group(1)), None


GROUP_SQL = "SELECT snapshot_hash, poll_interval FROM content_displaygroup WHERE id = %s"


def poll_response(path, query, if_none_match):
    """(status, headers, body) of a poll by signed link: the feed without the token."""
    group_id, failure = link_group(path, query)
    if failure:
        return failure
    with connection.cursor() as cursor:
        cursor.execute(GROUP_SQL, [group_id])
        row = cursor.fetchone()
    if row is None:
        return error(404, "no_group", "显示分组不存在")
    return snapshot_response(group_id, *row, if_none_match)


def feed_response(authorization, if_none_match):
    """(status, headers, body) of a feed request: shared by the Django view and the lean
    WSGI path (portal/wsgi.py), so both answer exactly alike."""
    try:
        device_id, _, group_id, snapshot_hash, poll_interval = device_for(authorization)
    except Unauthorised as exc:
        return error(401, "invalid_token", str(exc))
    status, headers, body = snapshot_response(group_id, snapshot_hash, poll_interval, if_none_match)
    if status in (200, 304):
        headers.append(("X-Poll-URL", poll_link(device_id, group_id)))
    return status, headers, body


def snapshot_response(group_id, snapshot_hash, poll_interval, if_none_match):
    if not snapshot_hash:
        return error(503, "snapshot_pending", "播放列表正在生成，请稍后再试")
    snapshot_hash, body, inserts = cached_snapshot(group_id, snapshot_hash)
    etag = f'"{snapshot_hash}"'
    headers = [
        ("ETag", etag),
        ("Cache-Control", f"private, max-age={max_age(poll_interval, inserts, timezone.now())}"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if etag in [tag.strip() for tag in (if_none_match or "").split(",")]:
        return 304, headers, b""
    return 200, [("Content-Type", JSON_TYPE), *headers], body


@require_GET
def feed(request):
    return as_response(
        *feed_response(request.headers.get("Authorization"), request.headers.get("If-None-Match"))
    )


@require_GET
def poll(request, group_id):
    return as_response(
        *poll_response(
            request.path, request.META.get("QUERY_STRING"), request.headers.get("If-None-Match")
        )
    )


FEED_PATH = "/api/screens/v1/feed/"


def lean_wsgi(app):
    """Answer GET feed requests before Django's middleware and URL routing: screens poll
    by the tens of thousands, and the feed needs neither sessions nor pages. Everything
    else goes to `app`.

    Like a Django request, each one sends request_started and request_finished, so the
    database connection is closed or kept by CONN_MAX_AGE (and dropped when it broke)
    and the cache connections are released: a worker that only answers feeds honours
    the same limits as any other."""

    def application(environ, start_response):
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "GET" or not (
            path == FEED_PATH or path.startswith(POLL_PATH)
        ):
            return app(environ, start_response)
        signals.request_started.send(sender=WSGIHandler, environ=environ)
        try:
            if path == FEED_PATH:
                status, headers, body = feed_response(
                    environ.get("HTTP_AUTHORIZATION"), environ.get("HTTP_IF_NONE_MATCH")
                )
            else:
                status, headers, body = poll_response(
                    path, environ.get("QUERY_STRING"), environ.get("HTTP_IF_NONE_MATCH")
                )
        finally:
            signals.request_finished.send(sender=WSGIHandler)
        headers.append(("Content-Length", str(len(body))))
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [body]

    return application


class BadHeartbeat(ValueError):
    pass


def parse_heartbeat(raw):
    if len(raw) > HEARTBEAT_MAX_BYTES:
        raise BadHeartbeat(f"心跳数据超过 {HEARTBEAT_MAX_BYTES // 1024} KB")
    try:
        data = strict_json(raw)  # no NaN/Infinity (jsonb refuses them), no deep nesting
    except BadJson as exc:
        raise BadHeartbeat(str(exc)) from None
    if not isinstance(data, dict):
        raise BadHeartbeat("心跳应为 JSON 对象")
    version = data.get("player_version", "")
    status = data.get("status", {})
    plays = data.get("plays", [])
    if not isinstance(version, str) or len(version) > 32 or not storable(version):
        raise BadHeartbeat("player_version 应为不超过 32 字的字符串")
    if not isinstance(status, dict) or len(json.dumps(status)) > 4096:
        raise BadHeartbeat("status 应为不超过 4 KB 的 JSON 对象")
    if not storable(json.dumps(status, ensure_ascii=False)):
        raise BadHeartbeat("status 中不能有 NUL 字符或不成对的代理字符")
    if not isinstance(plays, list) or len(plays) > HEARTBEAT_MAX_PLAYS:
        raise BadHeartbeat(f"plays 应为最多 {HEARTBEAT_MAX_PLAYS} 条的列表")
    parsed = []
    for n, play in enumerate(plays):
        where = f"plays[{n}]"
        if not isinstance(play, dict):
            raise BadHeartbeat(f"{where} 应为对象")
        item, started, duration = play.get("item"), play.get("started_at"), play.get("duration")
        if not isinstance(item, str) or not ITEM_KEY.match(item):
            raise BadHeartbeat(f"{where}.item 应形如 page:12、image:3、clip:4 或 emergency:5")
        day = play_day(started)
        if day is None:
            raise BadHeartbeat(f"{where}.started_at 应为带时区的 ISO 时间")
        if isinstance(duration, bool) or not isinstance(duration, int | float):
            raise BadHeartbeat(f"{where}.duration 应为秒数")
        if not 0 <= duration <= 3600:
            raise BadHeartbeat(f"{where}.duration 应在 0～3600 秒之间")
        parsed.append((day, item, duration))
    return version, status, parsed


def storable(text):
    """Whether PostgreSQL can store this text: no NUL, no lone UTF-16 surrogate (JSON
    allows both as escapes; text and jsonb columns refuse them)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text and "\\u0000" not in text  # (as JSON writes a NUL)


def play_day(started):
    """The local day of an ISO time with its offset, or None: not a string, not a real
    date (month 13, 30 February), no offset, or a moment whose local day is past the
    calendar (9999-12-31T23:59:59-14:00 is already the year 10000 here)."""
    try:
        when = parse_datetime(started) if isinstance(started, str) else None
        if when is None or timezone.is_naive(when):
            return None
        return timezone.localdate(when)
    except (ValueError, OverflowError):
        return None


def store_plays(device_id, plays):
    totals = {}
    for day, item, duration in plays:
        plays_, seconds = totals.get((day, item), (0, 0))
        totals[(day, item)] = (plays_ + 1, seconds + round(duration))
    if not totals:
        return
    days = {day for day, _ in totals}
    existing = {
        (t.day, t.item): t for t in PlayTally.objects.filter(device_id=device_id, day__in=days)
    }
    new = []
    for (day, item), (plays_, seconds) in totals.items():
        tally = existing.get((day, item))
        if tally is None:
            new.append(
                PlayTally(day=day, device_id=device_id, item=item, plays=plays_, seconds=seconds)
            )
        else:
            PlayTally.objects.filter(pk=tally.pk).update(
                plays=F("plays") + plays_, seconds=F("seconds") + seconds
            )
    PlayTally.objects.bulk_create(new)


@csrf_exempt
@require_POST
def heartbeat(request):
    try:
        device_id = device_for(request.headers.get("Authorization"))[0]
    except Unauthorised as exc:
        return as_response(*error(401, "invalid_token", str(exc)))
    try:
        raw = request.body
    except RequestDataTooBig:
        message = f"心跳数据超过 {HEARTBEAT_MAX_BYTES // 1024} KB"
        return as_response(*error(413, "too_large", message))
    try:
        version, status, plays = parse_heartbeat(raw)
    except BadHeartbeat as exc:
        return as_response(*error(400, "bad_heartbeat", str(exc)))
    with transaction.atomic():
        Device.objects.filter(pk=device_id).update(
            last_seen_at=timezone.now(), player_version=version, status=status
        )
        store_plays(device_id, plays)
    return JsonResponse({"ok": True, "plays": len(plays)})
