"""Stream keys: made by the portal, shown once, stored as a salted sha256.

The broadcaster pushes to `rtmp://<ingest>/live/<event id>?key=<key>` (OBS: server
`rtmp://<ingest>/live`, stream key `<event id>?key=<key>`). nginx-rtmp passes the
`key` argument to the on_publish callback; the stream name, and so the HLS playlist
name, stays the bare event id, so the key never appears in a playback URL.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils import timezone

from .models import StreamKey


def digest(salt, key):
    return hashlib.sha256(f"{salt}:{key}".encode()).hexdigest()


def expiry_for(event, now):
    """Good until the scheduled end, and never longer than LIVESTREAM_KEY_TTL_HOURS."""
    longest = now + datetime.timedelta(hours=settings.LIVESTREAM_KEY_TTL_HOURS)
    return min(event.ends_at, longest)


def issue(event, user=None, now=None):
    """A new key for `event` (returned once, in clear) and its row; the event's unused
    keys are revoked."""
    now = now or timezone.now()
    StreamKey.objects.filter(event=event, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    key = secrets.token_urlsafe(24)
    salt = secrets.token_hex(16)
    row = StreamKey.objects.create(
        event=event,
        salt=salt,
        key_hash=digest(salt, key),
        hint=key[:6],
        created_by=user if user and user.is_authenticated else None,
        expires_at=expiry_for(event, now),
    )
    return key, row


def find(event_id, key):
    """The stored key of this event that `key` is, whatever its state; else None."""
    if not key:
        return None
    for row in StreamKey.objects.filter(event_id=event_id).order_by("-created_at"):
        if hmac.compare_digest(row.key_hash, digest(row.salt, key)):
            return row
    return None


def publish_url(event, key):
    return f"{settings.LIVESTREAM_RTMP_URL.rstrip('/')}/{event.pk}?key={key}"
