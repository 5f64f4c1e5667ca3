import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from standardwebhooks.webhooks import Webhook

from kitchen.devtools.webhook_receiver import WebhookReceiver
from kitchen.signing import new_secret

pytestmark = pytest.mark.server

SECRET = new_secret()


def payload(event_id=1, delivery_id=None, title="关于开展主题党日活动的通知"):
    delivery_id = delivery_id or str(uuid.uuid4())
    return {
        "delivery_id": delivery_id,
        "event_id": event_id,
        "event": "page.published",
        "channel": "app",
        "occurred_at": "2025-01-01T08:00:00+08:00",
        "page": {"id": 5, "title": title},
    }


def post(receiver, body, secret=SECRET, timeout=2, signature=None, sent_at=None):
    """POST `body` signed with the standardwebhooks library, as sent at `sent_at`."""
    raw = json.dumps(body, ensure_ascii=False)
    sent_at = sent_at or datetime.now(UTC)
    if signature is None:
        signature = Webhook(secret).sign(body["delivery_id"], sent_at, raw)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": body["delivery_id"],
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": signature,
        "X-Portal-Event": str(body["event_id"]),
    }
    return requests.post(receiver.url, data=raw.encode(), headers=headers, timeout=timeout)


@pytest.fixture
def receiver():
    with WebhookReceiver(SECRET) as r:
        yield r


def test_signed_post_is_accepted_and_recorded(receiver):
    body = payload(event_id=12)
    response = post(receiver, body)
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert receiver.wait_for(1, timeout=1)
    assert receiver.accepted == {body["delivery_id"]: body}
    (arrival,) = receiver.arrivals
    assert arrival[:4] == (body["delivery_id"], 12, 5, "app")
    assert [a["outcome"] for a in receiver.attempts] == ["accepted"]
    assert receiver.duplicates == 0 and receiver.bad_signatures == 0


def test_bad_or_missing_signature_is_rejected(receiver):
    assert post(receiver, payload(), secret=new_secret()).status_code == 401
    assert post(receiver, payload(), signature="v1,not-base64!").status_code == 401
    response = post(receiver, payload(), signature="")
    assert response.status_code == 401
    assert response.json() == {"error": "bad signature"}
    assert receiver.bad_signatures == 3
    assert receiver.accepted_count() == 0
    assert not receiver.wait_for(1, timeout=0.05)


def test_old_and_future_timestamps_are_rejected(receiver):
    now = datetime.now(UTC)
    for sent_at in [now - timedelta(minutes=6), now + timedelta(minutes=6)]:
        response = post(receiver, payload(), sent_at=sent_at)  # correctly signed
        assert response.status_code == 401
        assert response.json() == {"error": "stale timestamp"}
    assert post(receiver, payload(), sent_at=now - timedelta(minutes=4)).status_code == 200
    assert receiver.stale == 2 and receiver.bad_signatures == 0
    assert receiver.accepted_count() == 1


def test_a_replayed_request_is_not_accepted_twice(receiver):
    body = payload()
    first = datetime.now(UTC) - timedelta(seconds=30)
    assert post(receiver, body, sent_at=first).status_code == 200
    assert post(receiver, body, sent_at=first).status_code == 200  # the same request again
    assert receiver.accepted_count() == 1 and receiver.duplicates == 1


def test_a_secret_without_the_prefix_is_the_raw_key():
    with WebhookReceiver("legacy-secret") as r:
        assert r.secret.startswith("whsec_")
        assert post(r, payload(), secret=r.secret).status_code == 200
        assert post(r, payload(), secret="whsec_" + "bGVnYWN5LXNlY3JldA==").status_code == 200


def test_repeated_delivery_counts_as_duplicate(receiver):
    body = payload()
    assert post(receiver, body).status_code == 200
    assert post(receiver, body).status_code == 200
    assert receiver.accepted_count() == 1
    assert receiver.duplicates == 1
    assert len(receiver.arrivals) == 1
    assert [a["outcome"] for a in receiver.attempts] == ["accepted", "duplicate"]


def test_injected_500():
    with WebhookReceiver(SECRET, fail_share=1.0, failure_modes=("500",), seed=1) as r:
        statuses = [post(r, payload(event_id=i)).status_code for i in range(5)]
        assert statuses == [500] * 5
        assert r.accepted_count() == 0
        assert [a["outcome"] for a in r.attempts] == ["500"] * 5


def test_injected_close():
    with WebhookReceiver(SECRET, fail_share=1.0, failure_modes=("close",)) as r:
        with pytest.raises(requests.ConnectionError):
            post(r, payload())
        assert r.accepted_count() == 0
        assert [a["outcome"] for a in r.attempts] == ["close"]


def test_injected_slow_times_the_client_out():
    with WebhookReceiver(SECRET, fail_share=1.0, failure_modes=("slow",), slow_seconds=0.5) as r:
        with pytest.raises(requests.Timeout):
            post(r, payload(), timeout=0.2)
        assert r.accepted_count() == 0
        assert [a["outcome"] for a in r.attempts] == ["slow"]


def test_get_lists_accepted_newest_first(receiver):
    first, second = payload(event_id=1), payload(event_id=2, title="<b>党课</b>")
    post(receiver, first)
    post(receiver, second)
    response = requests.get(receiver.url, timeout=2)
    assert response.status_code == 200
    assert response.json() == [second, first]

    page = requests.get(receiver.url, params={"format": "html"}, timeout=2)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Webhook 接收器" in page.text
    assert "页面标题" in page.text
    assert "&lt;b&gt;党课&lt;/b&gt;" in page.text
    assert second["delivery_id"] in page.text
