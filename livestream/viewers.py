"""Viewer count from heartbeats, in the cache (Redis in production).

Each open player sends a heartbeat every 10 s with a random viewer id. Time is cut into
30-second buckets; a viewer is counted once per bucket (cache.add), so "watching now"
is the larger of this bucket's and the last bucket's count: everyone seen in the last
30–60 s. Two cache calls per heartbeat, no database write except for a new peak, which
is kept on the event as 最高同时在线人数.
"""

import re
import time

from django.core.cache import cache

from .models import LiveEventPage

WINDOW = 30
VIEWER_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def _bucket(now):
    return int(now // WINDOW)


def beat(event_id, viewer, now=None):
    """Count `viewer` as watching `event_id`; returns how many watch now."""
    now = time.time() if now is None else now
    bucket = _bucket(now)
    if cache.add(f"live:{event_id}:seen:{bucket}:{viewer}", 1, WINDOW * 2):
        counter = f"live:{event_id}:count:{bucket}"
        cache.add(counter, 0, WINDOW * 3)
        try:
            cache.incr(counter)
        except ValueError:  # expired between add and incr
            cache.set(counter, 1, WINDOW * 3)
    watching = count(event_id, now)
    peak_key = f"live:{event_id}:peak"
    if watching > (cache.get(peak_key) or 0):
        cache.set(peak_key, watching, 24 * 3600)
        LiveEventPage.objects.filter(pk=event_id, viewer_count__lt=watching).update(
            viewer_count=watching
        )
    return watching


def count(event_id, now=None):
    now = time.time() if now is None else now
    bucket = _bucket(now)
    keys = [f"live:{event_id}:count:{bucket}", f"live:{event_id}:count:{bucket - 1}"]
    return max(cache.get_many(keys).values(), default=0)
