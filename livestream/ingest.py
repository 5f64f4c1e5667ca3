"""What the nginx-rtmp callbacks mean for an event.

- on_publish: the broadcaster starts pushing. Accepted (2xx) only for a known event that
  has not been live yet, inside its window (LIVESTREAM_EARLY_MINUTES before the start
  until the scheduled end), with an issued, unrevoked, unexpired, unused key; the key is
  consumed and the event goes live. Otherwise 403 (nginx refuses the publish) or 404
  for an unknown event.
- on_publish_done: the push ended; the event is ended and the replay job queued (after
  the commit).
- on_record_done: nginx closed the recording; its path is kept for the replay job.
"""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import keys
from .models import LiveEventPage, StreamKey


class Refused(Exception):
    """A callback answered with `status` (403 refuse, 404 unknown event)."""

    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def event_for(name):
    """The event a stream name stands for (the event id), or Refused(404)."""
    name = (name or "").strip()
    event = None
    if name.isdigit() and len(name) < 12:
        event = LiveEventPage.objects.filter(pk=int(name)).first()
    if event is None:
        raise Refused(404, "没有这个直播")
    return event


def start_publish(name, key, now=None):
    now = now or timezone.now()
    event = event_for(name)
    if not event.publish_opens_at <= now <= event.ends_at:
        raise Refused(403, "不在直播时间段内")
    row = keys.find(event.pk, key)
    if row is None or row.revoked_at is not None:
        raise Refused(403, "推流密钥无效")
    if row.used_at is not None:
        raise Refused(403, "推流密钥已使用")
    if row.expires_at <= now:
        raise Refused(403, "推流密钥已过期")
    if event.status != LiveEventPage.SCHEDULED:
        raise Refused(403, "直播已开始或已结束")
    with transaction.atomic():
        # Claiming the key and the event in one go: a second push with the same key, or
        # for the same event, finds nothing left to claim.
        claimed = StreamKey.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
        went_live = (
            LiveEventPage.objects.filter(pk=event.pk, status=LiveEventPage.SCHEDULED).update(
                status=LiveEventPage.LIVE, went_live_at=now, status_message=""
            )
            if claimed
            else 0
        )
        if not went_live:  # leaving the block by the exception undoes the claim
            raise Refused(403, "推流密钥已使用或直播已开始")
    return event


def end_publish(name, now=None):
    event = event_for(name)
    ended = LiveEventPage.objects.filter(pk=event.pk, status=LiveEventPage.LIVE).update(
        status=LiveEventPage.ENDED, ended_at=now or timezone.now()
    )
    if ended:
        from .tasks import make_replay

        transaction.on_commit(lambda: make_replay.enqueue(event.pk))
    return event


def recording_done(name, path):
    """Keep the recording's path when it lies in LIVESTREAM_RECORD_DIR (anything else is
    not ours to read)."""
    event = event_for(name)
    record_dir = Path(settings.LIVESTREAM_RECORD_DIR).resolve()
    recording = Path(path or "").resolve()
    if path and recording.is_relative_to(record_dir) and recording.suffix == ".flv":
        LiveEventPage.objects.filter(pk=event.pk).update(recording_path=str(recording))
    return event
