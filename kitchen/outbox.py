"""Outbox: every published, unpublished, expired, moved or deleted page reaches every outlet.

The signal handlers that write the change feed (changes.record) also write one Delivery
row per subscriber and channel, in the same transaction as the change, so a commit either
has its deliveries or did not happen. A worker (django-tasks, `manage.py db_worker`) sends
them later: publishing never waits for a receiver.

Sending: JSON POST signed the Standard Webhooks way (kitchen/signing.py): `webhook-id`
(the delivery UUID, the same on every retry), `webhook-timestamp` (this attempt),
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, plus
`X-Portal-Event: <change id>`. A failure (timeout, refused or closed connection, non-2xx)
is retried with exponential backoff and jitter; after PORTAL_WEBHOOK_MAX_ATTEMPTS it becomes
a dead letter, listed in the admin with a retry button.

Delivery is at least once: a worker killed after a receiver accepted a delivery but before
it was marked delivered sends it again once its lease has expired. Receivers drop repeats
by `webhook-id`.

Private pages: events of pages under a view restriction go only to subscribers with
`private_content` ticked (kitchen/visibility.py).

Order: per subscriber and page, a delivery is only sent once every earlier event for that
page is delivered (or dead), so receivers see a page's events in order. Dead letters do not
hold the queue up; the event id lets receivers drop an out-of-date retry.
"""

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import Delivery, WebhookSubscriber
from .signing import signature_headers


def _setting(name, default):
    return getattr(settings, name, default)


EVENT_NAMES = {
    "publish": "page.published",
    "unpublish": "page.unpublished",
    "expire": "page.expired",
    "move": "page.moved",
    "delete": "page.deleted",
    "restrict": "page.restricted",  # came under a view restriction: drop it like unpublished
}


def page_channels(page):
    return list(getattr(page, "channels", None) or ["web"])


def channel_payload(page, channel):
    if hasattr(page, "channel_payload"):
        return page.channel_payload(channel)
    return {"id": page.pk, "title": page.title, "channels": ["web"], "url": page.get_full_url()}


def write_deliveries(events):
    """Called inside the transaction that recorded the events, a list of (change, page):
    one row per subscriber × channel. Private events go to trusted subscribers only."""
    subscribers = list(WebhookSubscriber.objects.filter(active=True))
    rows = []
    for change, page in events:
        channels = page_channels(page)
        payloads = {}
        for subscriber in subscribers:
            if change.private and not subscriber.private_content:
                continue
            for channel in channels:
                if channel not in subscriber.channels:
                    continue
                if channel not in payloads:
                    payloads[channel] = event_payload(change, page, channel)
                rows.append(
                    Delivery(
                        change=change,
                        subscriber=subscriber,
                        page_id=change.page_id,
                        channel=channel,
                        payload=payloads[channel],
                    )
                )
    if not rows:
        return []
    Delivery.objects.bulk_create(rows)
    transaction.on_commit(request_delivery)
    return rows


def event_payload(change, page, channel):
    if change.action == "restrict":  # outlets only need to know what to drop
        page_data = {"id": page.pk, "url_path": change.url_path}
    else:
        try:
            page_data = channel_payload(page, channel)
        except Exception as exc:  # a deleted page may no longer build its URL
            page_data = {"id": page.pk, "title": page.title, "error": str(exc)[:200]}
    return {
        "event": EVENT_NAMES[change.action],
        "event_id": change.id,
        "channel": channel,
        "occurred_at": change.at.isoformat(),
        "page": page_data,
        "page_type": change.page_type,
    }


def request_delivery():
    """Ask the worker to send what is due (after commit, never inside the publish)."""
    from .tasks import deliver_outbox

    deliver_outbox.enqueue()


def backoff(attempts, rng=random):
    """Seconds to wait after the `attempts`-th failure: exponential, capped, with jitter."""
    base = _setting("PORTAL_WEBHOOK_BACKOFF_BASE", 10.0)
    cap = _setting("PORTAL_WEBHOOK_BACKOFF_CAP", 3600.0)
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay / 2 + rng.uniform(0, delay / 2)


@dataclass
class Outcome:
    delivery: Delivery
    ok: bool
    status: int | None = None
    error: str = ""


def due_deliveries(now, limit):
    earlier_pending = Delivery.objects.filter(
        subscriber_id=OuterRef("subscriber_id"),
        page_id=OuterRef("page_id"),
        status=Delivery.Status.PENDING,
        change_id__lt=OuterRef("change_id"),
    )
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .exclude(Exists(earlier_pending))
        .select_related("subscriber")
        .order_by("change_id", "channel")[:limit]
    )


def claim(deliveries, now):
    """Take a lease on each delivery so a second worker does not send it at the same time."""
    # Long enough for the batch to be sent; a worker killed meanwhile leaves its deliveries
    # to be sent again once the lease is over (at least once: receivers drop repeats).
    seconds = _setting("PORTAL_WEBHOOK_LEASE", None)
    if seconds is None:
        seconds = _setting("PORTAL_WEBHOOK_TIMEOUT", 5.0) * 2 + 30
    lease = timedelta(seconds=seconds)
    claimed = []
    for delivery in deliveries:
        taken = Delivery.objects.filter(
            pk=delivery.pk,
            status=Delivery.Status.PENDING,
            next_attempt_at=delivery.next_attempt_at,
        ).update(next_attempt_at=now + lease)
        if taken:
            claimed.append(delivery)
    return claimed


def send(delivery, session):
    body = delivery.body()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "party-portal-webhooks/2",
        **signature_headers(delivery.subscriber.secret, str(delivery.id), body, timezone.now()),
        "X-Portal-Event": str(delivery.change_id),
    }
    timeout = _setting("PORTAL_WEBHOOK_TIMEOUT", 5.0)
    try:
        response = session.post(
            delivery.subscriber.url,
            data=body,
            headers=headers,
            timeout=(min(3.0, timeout), timeout),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return Outcome(delivery, False, None, f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return Outcome(delivery, True, response.status_code)
    return Outcome(delivery, False, response.status_code, response.text[:500])


def send_all(deliveries):
    """Send one subscriber's deliveries in order; subscribers side by side."""
    by_subscriber = {}
    for delivery in deliveries:
        by_subscriber.setdefault(delivery.subscriber_id, []).append(delivery)

    def send_in_order(batch):
        with requests.Session() as session:
            return [send(delivery, session) for delivery in batch]

    workers = min(_setting("PORTAL_WEBHOOK_CONCURRENCY", 8), len(by_subscriber)) or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [o for outcomes in pool.map(send_in_order, by_subscriber.values()) for o in outcomes]


def record_outcome(outcome, now, rng=random):
    delivery = outcome.delivery
    delivery.attempts += 1
    delivery.last_status = outcome.status
    if outcome.ok:
        delivery.status = Delivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.last_error = ""
    else:
        delivery.last_error = outcome.error
        if delivery.attempts >= _setting("PORTAL_WEBHOOK_MAX_ATTEMPTS", 8):
            delivery.status = Delivery.Status.DEAD
        else:
            delivery.next_attempt_at = now + timedelta(seconds=backoff(delivery.attempts, rng))
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=delivery.attempts,
        last_status=delivery.last_status,
        last_error=delivery.last_error,
        status=delivery.status,
        delivered_at=delivery.delivered_at,
        next_attempt_at=delivery.next_attempt_at,
    )


@dataclass
class RoundReport:
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    dead: int = 0


def deliver_due(limit=200, max_rounds=None):
    """Send everything due now, round after round, until nothing is due. HTTP runs in
    threads; every database write happens here, on the caller's connection."""
    report = RoundReport()
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        now = timezone.now()
        batch = claim(due_deliveries(now, limit), now)
        if not batch:
            break
        outcomes = send_all(batch)
        finished = timezone.now()
        for outcome in outcomes:
            record_outcome(outcome, finished)
            report.sent += 1
            if outcome.ok:
                report.delivered += 1
            else:
                report.failed += 1
                if outcome.delivery.status == Delivery.Status.DEAD:
                    report.dead += 1
    return report


def next_due_at():
    return (
        Delivery.objects.filter(status=Delivery.Status.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )


def retry(deliveries):
    """Give dead letters (a queryset) a fresh set of attempts, due now."""
    count = deliveries.filter(status=Delivery.Status.DEAD).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        transaction.on_commit(request_delivery)
    return count
