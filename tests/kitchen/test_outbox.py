"""Outbox and webhooks against a real HTTP receiver on 127.0.0.1 that fails on purpose."""

import base64
import importlib
import json
import random
from collections import defaultdict
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from kitchen import outbox
from kitchen.changes import ContentChange
from kitchen.devtools.webhook_receiver import WebhookReceiver
from kitchen.models import WebhookSubscriber
from kitchen.signing import new_secret
from kitchen.tasks import run_schedules
from tests.content.factories import ArticleFactory
from tests.sites.factories import column

SECRET = "s3cret"


@pytest.fixture
def fast_retries(settings):
    settings.PORTAL_WEBHOOK_BACKOFF_BASE = 0.0  # every retry is due at once
    settings.PORTAL_WEBHOOK_MAX_ATTEMPTS = 60
    settings.PORTAL_WEBHOOK_TIMEOUT = 0.5
    return settings


@pytest.fixture
def news(home):
    return column(home, "news")


def publish(parent, n, **fields):
    page = ArticleFactory(
        parent=parent, title=f"稿件{n}", slug=f"item-{n}", live=False, channel_app=True, **fields
    )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def drain(max_rounds=500):
    for _ in range(max_rounds):
        outbox.deliver_due()
        if not outbox.Delivery.objects.filter(status=outbox.Delivery.Status.PENDING).exists():
            return
    raise AssertionError("deliveries still pending")


def subscribe(receiver, **channels):
    return WebhookSubscriber.objects.create(
        name="接收方", url=receiver.url, secret=SECRET, **channels
    )


def test_every_event_arrives_once_in_order_despite_a_failing_receiver(news, fast_retries):
    receiver = WebhookReceiver(
        SECRET, fail_share=0.3, failure_modes=("500", "close", "slow"), seed=7, slow_seconds=0.8
    )
    with receiver.start():
        subscribe(receiver, channel_screen=False)
        pages = [publish(news, n) for n in range(12)]
        for page in pages[:4]:  # more events on the same pages: order matters
            page.unpublish()
            page.save_revision().publish()
        assert receiver.attempts == []  # publishing never talked to the receiver

        drain()

        deliveries = outbox.Delivery.objects.all()
        assert deliveries.count() == (12 + 4 * 2) * 2  # web + app per event
        assert set(deliveries.values_list("status", flat=True)) == {"delivered"}
        assert set(receiver.accepted) == {str(pk) for pk in deliveries.values_list("id", flat=True)}
        assert receiver.duplicates == 0 and receiver.bad_signatures == 0
        failures = [a for a in receiver.attempts if a["outcome"] != "accepted"]
        assert len(failures) >= 5  # the receiver really failed, and retries got through
        assert {a["outcome"] for a in failures} >= {"500", "close"}

        arrivals = defaultdict(list)
        for _delivery, event_id, page_id, channel, _at in receiver.arrivals:
            arrivals[(page_id, channel)].append(int(event_id))
        for events in arrivals.values():
            assert events == sorted(events)
        first = pages[0].pk
        actions = [
            receiver.accepted[str(d.id)]["event"]
            for d in deliveries.filter(page_id=first, channel="app").order_by("change_id")
        ]
        assert actions == ["page.published", "page.unpublished", "page.published"]


def test_failing_deliveries_become_dead_letters_and_can_be_retried(news, fast_retries):
    fast_retries.PORTAL_WEBHOOK_MAX_ATTEMPTS = 3
    with WebhookReceiver(SECRET, fail_share=1.0, failure_modes=("500",)).start() as receiver:
        subscribe(receiver, channel_web=False, channel_screen=False)
        page = publish(news, 1)
        drain()
        dead = outbox.Delivery.objects.get(page_id=page.pk)
        assert dead.status == "dead" and dead.attempts == 3 and dead.last_status == 500
        assert len(receiver.attempts) == 3

        receiver.fail_share = 0.0
        assert outbox.retry(outbox.Delivery.objects.filter(pk=dead.pk)) == 1
        drain()
        dead.refresh_from_db()
        assert dead.status == "delivered"
        assert list(receiver.accepted) == [str(dead.pk)]


def test_a_dead_letter_does_not_hold_up_later_events_of_the_page(news, fast_retries):
    fast_retries.PORTAL_WEBHOOK_MAX_ATTEMPTS = 1
    with WebhookReceiver(SECRET, fail_share=1.0, failure_modes=("500",)).start() as receiver:
        subscribe(receiver, channel_web=False, channel_screen=False)
        page = publish(news, 1)
        drain()
        receiver.fail_share = 0.0
        page.unpublish()
        drain()
        statuses = list(
            outbox.Delivery.objects.order_by("change_id").values_list("status", flat=True)
        )
        assert statuses == ["dead", "delivered"]


def test_wrong_secret_is_refused_by_the_receiver_and_retried(news, fast_retries):
    fast_retries.PORTAL_WEBHOOK_MAX_ATTEMPTS = 2
    with WebhookReceiver(SECRET).start() as receiver:
        WebhookSubscriber.objects.create(name="x", url=receiver.url, secret="wrong")
        publish(news, 1)
        drain()
        assert receiver.bad_signatures == 2 * 2 and not receiver.accepted  # web, app × 2
        assert set(outbox.Delivery.objects.values_list("last_status", flat=True)) == {401}


def test_unreachable_receiver_never_blocks_publishing(news, fast_retries):
    WebhookSubscriber.objects.create(name="down", url="http://127.0.0.1:9/hook/", secret="x")
    page = publish(news, 1)  # no network here: deliveries are only written
    assert page.live
    assert outbox.Delivery.objects.filter(status="pending").count() == 2
    report = outbox.deliver_due(max_rounds=1)
    assert report.failed == 2
    pending = outbox.Delivery.objects.get(channel="app")
    assert pending.status == "pending" and "ConnectionError" in pending.last_error


def test_deliveries_roll_back_with_the_publish(news):
    WebhookSubscriber.objects.create(name="x", url="http://127.0.0.1:9/", secret="x")
    changes_before = ContentChange.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        publish(news, 1)
        assert outbox.Delivery.objects.count() == 2
        raise RuntimeError("the publish fails after the signal")
    assert ContentChange.objects.count() == changes_before
    assert not outbox.Delivery.objects.exists()


def test_subscribers_get_only_their_channels(news):
    WebhookSubscriber.objects.create(
        name="屏幕", url="http://127.0.0.1:9/", channel_web=False, channel_app=False
    )
    publish(news, 1)  # web + app, no screen
    publish(news, 2, channel_screen=True)
    assert list(outbox.Delivery.objects.values_list("channel", "payload__page__title")) == [
        ("screen", "稿件2")
    ]


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.PORTAL_WEBHOOK_BACKOFF_BASE = 10
    settings.PORTAL_WEBHOOK_BACKOFF_CAP = 300
    rng = random.Random(1)
    for attempts, full in [(1, 10), (2, 20), (3, 40), (5, 160), (6, 300), (12, 300)]:
        delays = [outbox.backoff(attempts, rng) for _ in range(50)]
        assert all(full / 2 <= d <= full for d in delays)
        assert max(delays) - min(delays) > 0  # jitter spreads retries out


class RecordingSession:
    """Stands in for requests.Session: keeps what would have been sent."""

    def __init__(self):
        self.sent = []

    def post(self, url, data, headers, **kwargs):
        self.sent.append((data, headers))
        return SimpleNamespace(status_code=204, text="")


def test_deliveries_are_signed_the_standard_webhooks_way(news, monkeypatch):
    subscriber = WebhookSubscriber.objects.create(name="x", url="http://127.0.0.1:9/")
    assert subscriber.secret.startswith("whsec_")
    publish(news, 1)
    delivery = outbox.Delivery.objects.select_related("subscriber").get(channel="app")
    session = RecordingSession()
    assert outbox.send(delivery, session).ok
    later = timezone.now() + timedelta(seconds=90)
    monkeypatch.setattr(outbox.timezone, "now", lambda: later)
    outbox.send(delivery, session)  # a retry: same id and body, a new timestamp
    (body, headers), (retry_body, retry_headers) = session.sent

    verifier = Webhook(subscriber.secret)
    assert verifier.verify(body, headers) == json.loads(delivery.body())
    assert body == retry_body == delivery.body()
    assert headers["webhook-id"] == retry_headers["webhook-id"] == str(delivery.id)
    assert int(retry_headers["webhook-timestamp"]) - int(headers["webhook-timestamp"]) == 90
    assert headers["webhook-signature"].startswith("v1,")
    assert headers["X-Portal-Event"] == str(delivery.change_id)
    with pytest.raises(WebhookVerificationError):
        verifier.verify(body.replace("稿件".encode(), "假稿".encode()), headers)  # tampered
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_an_old_timestamp_is_refused_by_the_verifier(news, monkeypatch):
    subscriber = WebhookSubscriber.objects.create(name="x", url="http://127.0.0.1:9/")
    publish(news, 1)
    delivery = outbox.Delivery.objects.select_related("subscriber").get(channel="app")
    session = RecordingSession()
    past = timezone.now() - timedelta(minutes=10)
    monkeypatch.setattr(outbox.timezone, "now", lambda: past)
    outbox.send(delivery, session)  # a captured request, replayed ten minutes later
    (body, headers) = session.sent[0]
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(subscriber.secret).verify(body, headers)


def test_secrets_from_before_keep_their_key(news):
    """Old secrets were random strings used as the HMAC key: the data migration spells them
    whsec_<base64>, the key stays the same bytes; one typed in the old way is taken so too."""
    migration = importlib.import_module("kitchen.migrations.0002_private_events_standard_webhooks")
    old = WebhookSubscriber.objects.create(name="旧", url="http://127.0.0.1:9/")
    WebhookSubscriber.objects.filter(pk=old.pk).update(secret="legacy-Secret_123")  # as stored
    migration.secrets_to_whsec(django_apps, None)
    old.refresh_from_db()
    assert old.secret == "whsec_" + base64.b64encode(b"legacy-Secret_123").decode()
    migration.secrets_to_whsec(django_apps, None)  # twice changes nothing
    old.refresh_from_db()
    assert base64.b64decode(old.secret.removeprefix("whsec_")) == b"legacy-Secret_123"
    typed = WebhookSubscriber.objects.create(name="新", url="http://x/", secret="legacy-Secret_123")
    assert typed.secret == old.secret


def test_scheduled_publish_and_expiry_run_without_anyone(news, fast_retries):
    WebhookSubscriber.objects.create(name="x", url="http://127.0.0.1:9/")
    now = timezone.now()
    scheduled = ArticleFactory(parent=news, title="定时稿", slug="later", live=False)
    scheduled.go_live_at = now + timedelta(hours=1)
    revision = scheduled.save_revision()
    revision.publish()  # scheduled: Wagtail sends page_published, but nothing is live yet
    assert not ContentChange.objects.filter(page_id=scheduled.pk).exists()
    assert not outbox.Delivery.objects.filter(page_id=scheduled.pk).exists()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None
    past = now - timedelta(seconds=5)  # time passes: the go-live moment is behind us
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    expiring = publish(news, 2)
    expiring.expire_at = now - timedelta(seconds=1)
    expiring.save()

    run_schedules.enqueue()  # the worker's periodic task (immediate backend in tests)

    scheduled.refresh_from_db()
    expiring.refresh_from_db()
    assert scheduled.live and scheduled.live_revision_id == revision.pk
    assert not expiring.live and expiring.expired
    events = dict(ContentChange.objects.values_list("page_id", "action").order_by("id"))
    assert events[scheduled.pk] == "publish" and events[expiring.pk] == "expire"
    expired = outbox.Delivery.objects.filter(page_id=expiring.pk, change__action="expire")
    assert {d.payload["event"] for d in expired} == {"page.expired"}
