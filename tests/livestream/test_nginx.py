"""A live event through real nginx-rtmp, with the configuration `livestream_nginx_conf`
writes and its callbacks pointing at the test server.

ffmpeg pushes a 10-second testsrc + sine stream with a valid key: the push is let in, the
event goes live, an HLS playlist with segments is served over HTTP; when the push ends the
event ends, the replay job is queued, and running it gives a replay lesson whose MP4
ffprobe reads as ~10 s. A push with a bad key is refused by nginx (ffmpeg fails, no
playlist). Prints the glass-to-glass latency estimate and the replay job's time.

CI installs nginx-light, libnginx-mod-rtmp and ffmpeg; without them this module is
skipped (the callbacks and the replay are still tested in test_live_events.py).
"""

import time
from pathlib import Path

import pytest
import requests
from django_tasks.signals import task_enqueued

from learning import ffmpeg
from livestream import keys
from livestream.management.commands.livestream_nginx_conf import (
    FRAGMENT_S,
    PLAYLIST_S,
)
from livestream.models import LiveEventPage
from livestream.replay import make_replay
from tests.learning.factories import learning_home
from tests.livestream.factories import LiveEventFactory

pytestmark = [
    pytest.mark.server,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PUSH_SECONDS = 10


@pytest.fixture
def queued():
    """Tasks enqueued anywhere in this process (the live server runs in a thread)."""
    seen = []

    def record(sender, task_result, **kwargs):
        seen.append((task_result.task.name, list(task_result.args)))

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


def wait_for(check, timeout, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    return check()


def segments_in(playlist):
    return [line for line in playlist.splitlines() if line.endswith(".ts")]


def test_a_push_goes_live_over_hls_and_becomes_a_replay_lesson(
    ingest, push, org_tree, settings, queued, capsys, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    event = LiveEventFactory(parent=learning_home(org_tree["da-s1-b1"]))
    key, _ = keys.issue(event)
    playlist_url = f"{ingest['http']}/hls/{event.pk}.m3u8"

    # A bad key: nginx refuses the publish, ffmpeg fails, no playlist.
    refused = push(f"{ingest['rtmp']}/{event.pk}?key=wrong-key", seconds=3)
    assert refused.wait(timeout=30) != 0
    assert requests.get(playlist_url).status_code == 404
    assert LiveEventPage.objects.get(pk=event.pk).status == LiveEventPage.SCHEDULED

    started = time.monotonic()
    pusher = push(f"{ingest['rtmp']}/{event.pk}?key={key}", seconds=PUSH_SECONDS)
    try:

        def playlist_with_segments():
            response = requests.get(playlist_url)
            return response if response.ok and segments_in(response.text) else None

        playlist = wait_for(playlist_with_segments, timeout=PUSH_SECONDS)
        first_playlist_s = time.monotonic() - started
        assert playlist, "no HLS playlist with segments appeared"
        assert LiveEventPage.objects.get(pk=event.pk).status == LiveEventPage.LIVE
        assert playlist.headers["Content-Type"] == "application/vnd.apple.mpegurl"
        assert playlist.headers["Cache-Control"] == "no-cache"
        assert playlist.headers["Access-Control-Allow-Origin"] == "*"
        segment = requests.get(f"{ingest['http']}/hls/{segments_in(playlist.text)[0]}")
        assert segment.status_code == 200 and segment.headers["Content-Type"] == "video/mp2t"
        assert segment.content[:1] == b"\x47"  # an MPEG-TS sync byte
        assert "max-age=86400" in segment.headers["Cache-Control"]
        # The same key again, while the first push runs: refused.
        again = push(f"{ingest['rtmp']}/{event.pk}?key={key}", seconds=2)
        assert again.wait(timeout=30) != 0
        assert pusher.wait(timeout=PUSH_SECONDS * 4) == 0, pusher.stderr.read()
    finally:
        if pusher.poll() is None:
            pusher.kill()

    def ended():
        event = LiveEventPage.objects.get(pk=event_id)
        return event if event.status == LiveEventPage.ENDED and event.recording_path else None

    event_id = event.pk
    event = wait_for(ended, timeout=15)
    assert event, "the end of the push never reached the portal"
    # (Queued by the callback's thread just after its update commits: wait for it too.)
    assert wait_for(lambda: ("make_replay", [event_id]) in queued, timeout=5), queued
    assert Path(event.recording_path).parent == settings.LIVESTREAM_RECORD_DIR

    # The worker's job, run here so it can be timed.
    job_started = time.monotonic()
    lesson = make_replay(event.pk)
    replay_s = time.monotonic() - job_started
    event.refresh_from_db()
    assert event.status == LiveEventPage.REPLAY, event.status_message
    assert lesson is not None and event.replay_id == lesson.pk and lesson.live
    info = ffmpeg.probe(lesson.video.file.path)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert info.duration == pytest.approx(PUSH_SECONDS, abs=1.0)
    assert lesson.video.duration == pytest.approx(PUSH_SECONDS, abs=1.0)

    with capsys.disabled():
        print(
            f"\n[live] glass-to-glass latency estimate: {FRAGMENT_S} s fragments × "
            f"{PLAYLIST_S // FRAGMENT_S} in the playlist = {PLAYLIST_S} s "
            f"(+ encoder and player buffer); first playlist with segments "
            f"{first_playlist_s:.1f} s after the push started; replay job for the "
            f"{PUSH_SECONDS} s stream: {replay_s:.2f} s (MP4 {info.duration:.2f} s)"
        )
