"""Rate limits every process agrees on, and the address a request really came from.

The counters live in Django's cache (`CACHES`: Redis in production, the embedded default
for several processes otherwise), never in one process's memory: with several gunicorn
workers a limit kept per process would be multiplied by their number.
"""

import time
from ipaddress import ip_address

from django.conf import settings
from django.core.cache import cache

clock = time.time  # the windows' clock (tests hold it still)


def client_address(request):
    """The client's IP: REMOTE_ADDR, or, when that is one of PORTAL_TRUSTED_PROXIES
    (nginx in front), the last X-Forwarded-For entry — the peer nginx itself saw
    (`$proxy_add_x_forwarded_for` appends it; anything before it came from the client)."""
    address = request.META.get("REMOTE_ADDR", "")
    if address in settings.PORTAL_TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        try:
            return str(ip_address(forwarded))
        except ValueError:
            pass
    return address


def within_limit(key, limit, window, now=None):
    """Count one hit on `key` in the current fixed window of `window` seconds; False once
    the window has seen more than `limit` hits."""
    now = clock() if now is None else now
    slot = f"limit:{key}:{int(now // window)}"
    if cache.add(slot, 1, window * 2):
        return True
    try:
        return cache.incr(slot) <= limit
    except ValueError:  # expired between add and incr
        cache.set(slot, 1, window * 2)
        return True


def seconds_left(window, now=None):
    """Until the current window ends (a Retry-After)."""
    now = clock() if now is None else now
    return max(1, int(window - now % window))
