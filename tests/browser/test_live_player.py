"""The live event page in real Chromium: open while 未开始, the broadcaster pushes through
real nginx-rtmp, the page notices (heartbeat), plays the HLS stream with hls.js (the
development /hls/ view of the portal reading what nginx wrote), counts its viewer, and
shows 已结束 when the push ends. Prints how far behind the push the picture was."""

import time

import pytest

from livestream import keys
from tests.learning.factories import learning_home
from tests.livestream.factories import LiveEventFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STATE = """
const v = document.querySelector('[data-live-video]');
return [v.currentTime, v.paused, v.readyState, String(v.src || v.currentSrc || ''),
        document.querySelector('[data-live-state]').textContent,
        document.querySelector('[data-live-viewers]').textContent,
        document.querySelector('[data-live-notice]').textContent, !!window.Hls];
"""


def test_the_page_starts_playing_when_the_event_goes_live(
    live_server, ingest, push, home, settings, capsys, chromium, wait
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    event = LiveEventFactory(parent=learning_home(home))
    key, _ = keys.issue(event)
    browser = chromium(1280, 800, ["--autoplay-policy=no-user-gesture-required"])
    pusher = None
    try:
        browser.get(f"{live_server.url}{event.url}")
        assert browser.execute_script(STATE)[4] == "未开始"
        started = time.monotonic()
        pusher = push(f"{ingest['rtmp']}/{event.pk}?key={key}", seconds=30)
        state = wait(
            browser,
            lambda d: (s := d.execute_script(STATE)) and s[0] > 2 and not s[1] and s,
            30,
            "the live stream did not play",
        )
        playing_after = time.monotonic() - started
        assert state[4] == "直播中" and state[7]
        assert state[3].startswith("blob:")  # media source from hls.js, not a plain URL
        wait(browser, lambda d: "1 人正在观看" in d.execute_script(STATE)[5], 15, "no viewers")
        # Stream time starts at the push: how far the picture trails the broadcaster.
        behind = time.monotonic() - started - browser.execute_script(STATE)[0]
        assert pusher.wait(timeout=60) == 0
        wait(
            browser,
            lambda d: d.execute_script(STATE)[4] == "已结束",
            20,
            "the page never said the event ended",
        )
        assert "直播已结束" in browser.execute_script(STATE)[6]
    finally:
        if pusher and pusher.poll() is None:
            pusher.kill()
        browser.quit()
    with capsys.disabled():
        print(
            f"\n[live] Chromium (hls.js) played {playing_after:.1f} s after the push began; "
            f"the picture trailed the push by ≈ {behind:.1f} s (measured glass-to-glass)"
        )
