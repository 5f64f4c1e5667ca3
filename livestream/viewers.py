"""Viewer count from heartbeats, in the cache (Redis in production).

Each open player sends a heartbeat every 10 s with a random viewer id. Time is cut into
30-second buckets; a viewer is counted once per bucket (cache.add), so "watching now"
is the larger of this bucket's and the last bucket's count: everyone seen in the last
30–60 s. A few cache calls per heartbeat, no database write except for a new peak, which
is kept on the event as 最高同时在线人数.

The viewer id is made up by the player, so it proves nothing: a script could send a new
one with every beat and raise the saved peak at will. Hence, per 30-second bucket:
- an address (base/limits.client_address) has at most LIVESTREAM_VIEWERS_PER_ADDRESS
  distinct viewers counted (a meeting room, a campus behind one NAT); more ids from it
  are answered but not counted, so one machine can add at most that many to the peak;
- an address may send LIVESTREAM_ADDRESS_BEATS heartbeats and a viewer id
  LIVESTREAM_VIEWER_BEATS (the player sends 3) before getting 429.
Limits and counts are in the shared cache, so every web process applies the same ones.
Many addresses (a botnet) can still inflate the count; that needs sign-in, not this.
"""

import re

from django.conf import settings
from django.core.cache import cache

from base import limits
from base.limits import within_limit

from .models import LiveEventPage

WINDOW = 30
VIEWER_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def address_allowed(address, now=None):
    """False once `address` has sent more heartbeats (to any event) than allowed."""
    limit = settings.LIVESTREAM_ADDRESS_BEATS
    return within_limit(f"live-beat-address:{address}", limit, WINDOW, now)


def viewer_allowed(event_id, viewer, now=None):
    limit = settings.LIVESTREAM_VIEWER_BEATS
    return within_limit(f"live-beat-viewer:{event_id}:{viewer}", limit, WINDOW, now)


def _incr(key, timeout):
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout)
        return 1


def _bucket(now):
    return int(now // WINDOW)


def beat(event_id, viewer, address, now=None):
    """Count `viewer` (from `address`) as watching `event_id`; returns how many watch now."""
    now = limits.clock() if now is None else now
    bucket = _bucket(now)
    if cache.add(f"live:{event_id}:seen:{bucket}:{viewer}", 1, WINDOW * 2):
        from_address = _incr(f"live:{event_id}:address:{bucket}:{address}", WINDOW * 2)
        if from_address <= settings.LIVESTREAM_VIEWERS_PER_ADDRESS:
            _incr(f"live:{event_id}:count:{bucket}", WINDOW * 3)
    watching = count(event_id, now)
    peak_key = f"live:{event_id}:peak"
    if watching > (cache.get(peak_key) or 0):
        cache.set(peak_key, watching, 24 * 3600)
        LiveEventPage.objects.filter(pk=event_id, viewer_count__lt=watching).update(
            viewer_count=watching
        )
    return watching


def count(event_id, now=None):
    now = limits.clock() if now is None else now
    bucket = _bucket(now)
    keys = [f"live:{event_id}:count:{bucket}", f"live:{event_id}:count:{bucket - 1}"]
    return max(cache.get_many(keys).values(), default=0)
