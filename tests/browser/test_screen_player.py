"""The metro screen player in real headless Chromium against the live server.

It plays a looping playlist, sends heartbeats with proof of play, keeps playing (and even
reloads) while the network is gone, shows an emergency insert on top, and picks up a
changed playlist. Durations and the poll interval are shortened in the stored snapshot
(the models' validators do not allow 1 s items or 2 s polls) so the run stays short.
"""

import io
import json
from urllib.request import urlopen

import pytest
import websocket  # websocket-client, a dependency of selenium
from django.core.management import call_command
from django.core.signals import request_started
from selenium.webdriver.common.by import By

from screens import snapshots
from screens.models import Device, DisplayGroup, PlaylistItem, PlayTally
from tests.factories import ImageFactory
from tests.screens.factories import (
    DisplayGroupFactory,
    EmergencyInsertFactory,
    PlaylistFactory,
    PlaylistItemFactory,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POLL = 2  # seconds, written into the snapshot and the group (the model's minimum is 10)
ITEM_SECONDS = 1


@pytest.fixture
def browser(chromium):
    return chromium(1280, 720, ["--autoplay-policy=no-user-gesture-required"], exact_viewport=True)


def publish(group):
    """Rebuild the snapshot, then shorten durations and the poll interval in it."""
    snapshots.rebuild(group)
    snapshot = DisplayGroup.objects.get(pk=group.pk).snapshot
    snapshot["group"]["poll_interval"] = POLL
    for item in snapshot["items"]:
        item["duration"] = ITEM_SECONDS
    DisplayGroup.objects.filter(pk=group.pk).update(
        snapshot=snapshot, snapshot_hash=snapshots.content_hash(snapshot)
    )
    return [item["id"] for item in snapshot["items"]]


@pytest.fixture
def wait_for_items(on_stage, wait):
    """Wait until `count` item changes were seen on stage, all of them among `ids`."""

    def watch(driver, ids, count, seconds=15):
        seen = []

        def changed(d):
            item = on_stage(d)[0]
            if item and (not seen or seen[-1] != item):
                assert item in ids, (item, ids)
                seen.append(item)
            return len(seen) > count

        wait(driver, changed, seconds, f"stage showed only {seen}")
        return seen

    return watch


class DevTools:
    """The browser's own DevTools socket. chromedriver's network emulation reaches only the
    page; the service worker is a target of its own, and it fetches the feed and media."""

    def __init__(self, driver):
        address = driver.capabilities["goog:chromeOptions"]["debuggerAddress"]
        with urlopen(f"http://{address}/json/version") as answer:
            url = json.load(answer)["webSocketDebuggerUrl"]
        self.socket = websocket.create_connection(url, timeout=10, suppress_origin=True)
        self.calls = 0
        self.sessions = {}  # target id -> session id, kept attached while emulating

    def send(self, method, params=None, session=None):
        self.calls += 1
        message = {"id": self.calls, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        while True:
            reply = json.loads(self.socket.recv())
            if reply.get("id") == self.calls:
                assert "error" not in reply, reply
                return reply["result"]

    def workers_offline(self, offline):
        for target in self.send("Target.getTargets")["targetInfos"]:
            if target["type"] != "service_worker":
                continue
            if target["targetId"] not in self.sessions:
                attached = self.send(
                    "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
                )
                self.sessions[target["targetId"]] = attached["sessionId"]
                self.send("Network.enable", session=attached["sessionId"])
            conditions = {
                "offline": offline,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            }
            self.send(
                "Network.emulateNetworkConditions", conditions, self.sessions[target["targetId"]]
            )
        return len(self.sessions)

    def close(self):
        self.socket.close()


def network(driver, devtools, offline):
    driver.set_network_conditions(
        offline=offline, latency=0, download_throughput=-1, upload_throughput=-1
    )
    assert devtools.workers_offline(offline) == 1, "no service worker to take offline"


@pytest.fixture
def requests_seen():
    """Paths of the requests the live server received."""
    paths = []

    def seen(sender, environ, **kwargs):
        paths.append(environ["PATH_INFO"])

    request_started.connect(seen)
    yield paths
    request_started.disconnect(seen)


def test_player_plays_survives_the_network_going_away_and_follows_changes(
    live_server, browser, tmp_path, requests_seen, on_stage, wait, wait_for_items, screenshot
):
    group = DisplayGroupFactory(
        name="一号线站台屏", slug="line1", width=1280, height=720, poll_interval=10
    )
    DisplayGroup.objects.filter(pk=group.pk).update(poll_interval=POLL)  # below the validator
    colours = ["#c8102e", "#1f5fa8", "#2e8b57"]
    playlist = PlaylistFactory(
        groups=[group],
        items=[
            {
                "image": ImageFactory(file__width=1600, file__height=900, file__color=colour),
                "title": title,
                "duration": 5,
            }
            for colour, title in zip(colours[:2], ["文明乘车 礼让先行", "安全出行"], strict=True)
        ],
    )
    first, second = PlaylistItem.objects.filter(playlist=playlist).order_by("sort_order")
    ids = publish(group)
    assert ids == [first.key, second.key]
    out = io.StringIO()
    call_command("create_screen_device", "line1", "一号线 上行站台", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]

    # It starts with the token from the address, then forgets it there.
    browser.get(f"{live_server.url}/screens/player/?token={token}")
    wait(browser, lambda d: on_stage(d)[0] in ids, 20, "nothing played")
    assert "token" not in browser.current_url
    assert browser.execute_script("return localStorage.getItem('screens.token')") == token
    item, caption, *_ = on_stage(browser)
    assert caption == {first.key: first.title, second.key: second.title}[item]
    # It loops: both items take turns.
    assert set(wait_for_items(browser, ids, 2)) == set(ids)
    screenshot(browser, tmp_path / "playing.png")

    # Heartbeats arrive with status and proof of play.
    # (Database checks poll slowly: with SQLite in memory the live server shares our connection.)
    plays = PlayTally.objects.filter(item__in=ids)
    wait(browser, lambda d: plays.exists(), 15, "no plays", every=0.5)
    device = Device.objects.get()
    assert device.last_seen_at and device.player_version == "1.0"
    assert device.status["online"] is True and device.status["verify_failures"] == 0
    # After the first answer it polls by the feed's signed link, without its token.
    wait(
        browser,
        lambda d: any(p.startswith("/api/screens/v1/poll/") for p in requests_seen),
        3 * POLL + 5,
        "never polled by link",
    )
    assert device.status["current"] in ids and device.status["cached_items"] == 2

    # The network goes away: it notices, keeps looping, and even survives a reload.
    devtools = DevTools(browser)
    network(browser, devtools, offline=True)
    wait(browser, lambda d: on_stage(d)[3] == "false", 15, "did not notice being offline")
    since = len(requests_seen)
    wait_for_items(browser, ids, 2)
    browser.refresh()  # page, script, style, playlist and pictures all from the caches
    wait(browser, lambda d: on_stage(d)[0] in ids, 15, "nothing played after an offline reload")
    wait_for_items(browser, ids, 2)
    assert on_stage(browser)[3] == "false"
    assert browser.find_element(By.CSS_SELECTOR, '[data-testid="offline"]').is_displayed()
    # Only the browser's own update check of the worker script gets through the emulation.
    reached = [path for path in requests_seen[since:] if path != "/screens/player/sw.js"]
    assert reached == [], "the server was reached while offline"

    # Back online: an emergency insert covers the playlist within a few polls.
    network(browser, devtools, offline=False)
    devtools.close()
    insert = EmergencyInsertFactory(
        groups=[group], title="临时停运", text="因设备故障，一号线暂停运营，请乘客改乘公交。"
    )
    publish(group)
    wait(browser, lambda d: on_stage(d)[2], 5 * POLL + 5, "no emergency overlay")
    overlay = browser.find_element(By.CSS_SELECTOR, '[data-testid="emergency"]')
    assert "临时停运" in overlay.text and "改乘公交" in overlay.text
    assert overlay.get_attribute("data-item") == f"emergency:{insert.pk}"
    screenshot(browser, tmp_path / "emergency.png")
    wait(
        browser,
        lambda d: PlayTally.objects.filter(item=f"emergency:{insert.pk}").exists(),
        15,
        "the emergency insert was not reported as played",
        every=0.5,
    )

    # The insert ends and the playlist changes: the overlay goes, the new item plays.
    insert.delete()
    second.delete()
    third = PlaylistItemFactory(
        playlist=playlist,
        image=ImageFactory(file__width=1600, file__height=900, file__color=colours[2]),
        title="新线路开通",
        duration=5,
        sort_order=2,
    )
    new_ids = publish(group)
    assert new_ids == [first.key, third.key]
    wait(browser, lambda d: not on_stage(d)[2], 5 * POLL + 5, "the overlay stayed")
    wait(browser, lambda d: on_stage(d)[0] == third.key, 5 * POLL + 5, "new item never played")
    assert set(wait_for_items(browser, new_ids, 2)) == set(new_ids)

    errors = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not [e for e in errors if "Content Security Policy" in e], errors
