"""A real task worker (`manage.py db_worker`, its own process and database connection)
killed with SIGKILL in the middle of a batch of webhook deliveries: once restarted and
the lease of the lost batch is over, every delivery arrives; the only repeats are
deliveries the receiver had already taken, and it drops them by their webhook-id."""

import json
import signal

import pytest
from django_tasks_db.backend import DatabaseBackend

from kitchen.devtools.webhook_receiver import WebhookReceiver
from kitchen.tasks import deliver_outbox

from .factories import DeliveryFactory, WebhookSubscriberFactory

pytestmark = pytest.mark.server

EVENTS = 39  # × web and app = 78 deliveries, as in the report

STATUSES = (
    "import json; from kitchen.models import Delivery; "
    "print(json.dumps({str(d.id): [d.status, d.attempts] for d in Delivery.objects.all()}))"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_killed_mid_batch_delivers_everything_after_restart(worker, wait_for):
    receiver = WebhookReceiver("whsec_a2lsbGVkLW1pZC1iYXRjaA==", accept_seconds=0.05)
    with receiver.start():
        subscriber = WebhookSubscriberFactory(url=receiver.url, secret=receiver.secret)
        deliveries = [
            DeliveryFactory(subscriber=subscriber, change=change.change, channel="app")
            for change in [DeliveryFactory(subscriber=subscriber) for _ in range(EVENTS)]
        ]
        deliveries = {str(d.id) for d in deliveries} | {
            str(d.pk) for d in subscriber.deliveries.all()
        }
        assert len(deliveries) == 2 * EVENTS
        DatabaseBackend("default", {}).enqueue(deliver_outbox, (), {})
        worker.share_database()

        first = worker.start()
        wait_for(lambda: receiver.accepted_count() >= 20, 120, 0.05, "the batch to be under way")
        first.send_signal(signal.SIGKILL)
        first.wait()
        before_kill = set(receiver.accepted)
        assert 20 <= len(before_kill) < 2 * EVENTS  # killed in the middle of the batch

        worker.start()  # restarted (systemd does it); something asks for a delivery round
        worker.run(
            "from django_tasks_db.backend import DatabaseBackend; "
            "from kitchen.tasks import deliver_outbox; "
            "DatabaseBackend('default', {}).enqueue(deliver_outbox, (), {})"
        )
        wait_for(lambda: receiver.accepted_count() == 2 * EVENTS, 120, 0.05, "every delivery")
        wait_for(
            lambda: {s for s, _ in json.loads(worker.run(STATUSES)).values()} == {"delivered"},
            60,
            0.05,
            "every delivery to be marked delivered",
        )

    assert set(receiver.accepted) == deliveries  # nothing lost
    repeats = [a["delivery_id"] for a in receiver.attempts if a["outcome"] == "duplicate"]
    assert set(repeats) <= before_kill  # only what the killed worker had sent
    assert len(repeats) == len(set(repeats)) == receiver.duplicates  # each once, dropped by id
    assert receiver.bad_signatures == receiver.stale == 0
    print(f"killed after {len(before_kill)} of {len(deliveries)}; re-sent {len(repeats)}")
