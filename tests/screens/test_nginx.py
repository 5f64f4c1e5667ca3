"""Screen polls through real nginx with the configuration `screens_nginx_conf` writes.

nginx checks the signed link the feed hands out and answers from its one-second cache
(304 on If-None-Match); bad and expired links never reach the portal; a new snapshot
(an emergency insert) gets through. CI installs nginx-light; without nginx this module
is skipped, and the link logic is still tested in test_screens.py.
"""

import time

import pytest
import requests
from django.core.signals import request_started

from base.nginx import nginx_binary, running_nginx
from base.ports import free_port
from screens import snapshots
from screens.management.commands.screens_nginx_conf import render
from tests.screens.factories import EmergencyInsertFactory

FEED = "/api/screens/v1/feed/"

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(nginx_binary() is None, reason="nginx not installed"),
]


@pytest.fixture
def front(live_server):
    port = free_port()
    upstream = live_server.url.removeprefix("http://")
    with running_nginx(lambda prefix: render(upstream, f"127.0.0.1:{port}", prefix)):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def portal_hits():
    """Paths of the requests that reached Django (the live server runs in this process)."""
    seen = []

    def record(sender, environ, **kwargs):
        seen.append(environ["PATH_INFO"])

    request_started.connect(record)
    yield seen
    request_started.disconnect(record)


def test_nginx_answers_polls_from_its_cache(front, platform, portal_hits):
    feed = requests.get(front + FEED, headers={"Authorization": f"Bearer {platform['token']}"})
    assert feed.status_code == 200 and feed.headers["ETag"]
    link = front + feed.headers["X-Poll-URL"]
    first = requests.get(link)
    assert first.status_code == 200 and first.content == feed.content
    assert first.headers["ETag"] == feed.headers["ETag"]
    before = len(portal_hits)
    polls = [requests.get(link, headers={"If-None-Match": feed.headers["ETag"]}) for _ in range(20)]
    assert {p.status_code for p in polls} == {304}
    assert {p.headers["X-Cache-Status"] for p in polls} <= {"HIT", "STALE", "UPDATING"}
    # One request per group and second reaches the portal, not one per poll.
    assert len(portal_hits) - before < 10


def test_nginx_refuses_bad_and_expired_links_without_the_portal(front, platform, portal_hits):
    from screens.feeds import poll_link

    group, device = platform["group"], platform["group"].devices.get()
    good = poll_link(device.pk, group.pk)
    before = len(portal_hits)
    bad = requests.get(front + good.replace(f"d={device.pk}", f"d={device.pk + 7}"))
    assert bad.status_code == 403 and bad.json()["error"]["code"] == "bad_link"
    expired = requests.get(front + poll_link(device.pk, group.pk, now=0))
    assert expired.status_code == 410 and expired.json()["error"]["code"] == "link_expired"
    assert len(portal_hits) == before


def test_an_emergency_insert_gets_through_the_cache(front, platform):
    feed = requests.get(front + FEED, headers={"Authorization": f"Bearer {platform['token']}"})
    link, etag = front + feed.headers["X-Poll-URL"], feed.headers["ETag"]
    assert requests.get(link, headers={"If-None-Match": etag}).status_code == 304
    insert = EmergencyInsertFactory(
        groups=[platform["group"]], title="紧急插播", text="列车晚点，请注意安全。", minutes=5
    )
    snapshots.rebuild(platform["group"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        response = requests.get(link, headers={"If-None-Match": etag})
        if response.status_code == 200:
            break
        time.sleep(0.2)
    assert response.status_code == 200, "the new snapshot never got through nginx"
    assert [e["id"] for e in response.json()["emergency"]] == [f"emergency:{insert.pk}"]
    assert "max-age=10" in response.headers["Cache-Control"]  # the insert's short TTL
