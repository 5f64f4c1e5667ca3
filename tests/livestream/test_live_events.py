"""Live events without nginx: the callbacks nginx-rtmp makes (good, wrong, expired,
reused and revoked keys, the time window, unknown events), keys stored hashed and shown
once, the replay job with a real ffmpeg recording and with a corrupt one, the viewer
heartbeat, the page in each state, the API and the nginx configuration command.
The real nginx-rtmp run is tests/livestream/test_nginx.py."""

import datetime
import io
import os
import stat
import subprocess
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from base import limits
from learning import ffmpeg
from learning.media import LessonMedia
from learning.models import MicroLessonPage
from livestream import keys, viewers
from livestream.models import LiveEventPage, StreamKey
from livestream.replay import make_replay
from tests.factories import UserFactory
from tests.learning.factories import learning_home
from tests.livestream.factories import LiveEventFactory

PUBLISH = "/api/live/callbacks/publish/"
PUBLISH_DONE = "/api/live/callbacks/publish-done/"
RECORD_DONE = "/api/live/callbacks/record-done/"


@pytest.fixture(autouse=True)
def live_dirs(settings, tmp_path):
    settings.LIVESTREAM_HLS_DIR = tmp_path / "hls"
    settings.LIVESTREAM_RECORD_DIR = tmp_path / "record"
    settings.LIVESTREAM_HLS_DIR.mkdir()
    settings.LIVESTREAM_RECORD_DIR.mkdir()
    return settings


def callback(client, settings, url, event_or_name, secret=None, **form):
    name = str(getattr(event_or_name, "pk", event_or_name))
    secret = settings.LIVESTREAM_CALLBACK_SECRET if secret is None else secret
    body = {"app": "live", "name": name, "addr": "127.0.0.1", **form}
    return client.post(f"{url}?secret={secret}", body)


def publish(client, settings, event, key, **kwargs):
    return callback(client, settings, PUBLISH, event, key=key, call="publish", **kwargs)


def refreshed(event):
    return LiveEventPage.objects.get(pk=event.pk)


def visit(client, page):
    """The page on its own site (organisation sites answer on their hostnames)."""
    _, root_url, path = page.get_url_parts()
    return client.get(path, HTTP_HOST=urlparse(root_url).netloc)


# --- on_publish -----------------------------------------------------------------------


def test_a_valid_key_lets_the_push_in_and_the_event_goes_live(client, settings, event):
    key, row = keys.issue(event)
    response = publish(client, settings, event, key)
    assert response.status_code == 200
    event = refreshed(event)
    assert event.status == LiveEventPage.LIVE and event.went_live_at is not None
    row.refresh_from_db()
    assert row.used_at is not None


@pytest.mark.parametrize("wrong", ["", "not-the-key", "x" * 500])
def test_a_wrong_key_is_refused(client, settings, event, wrong):
    keys.issue(event)
    assert publish(client, settings, event, wrong).status_code == 403
    assert refreshed(event).status == LiveEventPage.SCHEDULED


def test_another_events_key_is_refused(client, settings, org_tree, event):
    other = LiveEventFactory(parent=learning_home(org_tree["da-s1-b1"]))
    key, _ = keys.issue(other)
    assert publish(client, settings, event, key).status_code == 403


def test_an_expired_key_is_refused(client, settings, event):
    key, row = keys.issue(event)
    StreamKey.objects.filter(pk=row.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    response = publish(client, settings, event, key)
    assert response.status_code == 403 and "过期" in response.content.decode()
    assert refreshed(event).status == LiveEventPage.SCHEDULED


def test_a_key_lasts_until_the_scheduled_end_at_most(event):
    _, row = keys.issue(event)
    assert row.expires_at == event.ends_at


def test_a_used_key_is_refused_the_second_time(client, settings, event):
    key, _ = keys.issue(event)
    assert publish(client, settings, event, key).status_code == 200
    callback(client, settings, PUBLISH_DONE, event, call="publish_done")
    again = publish(client, settings, event, key)
    assert again.status_code == 403 and "已使用" in again.content.decode()


def test_a_second_push_while_live_is_refused(client, settings, event):
    key, _ = keys.issue(event)
    assert publish(client, settings, event, key).status_code == 200
    second, _ = keys.issue(event)
    assert publish(client, settings, event, second).status_code == 403
    assert refreshed(event).status == LiveEventPage.LIVE


def test_a_new_key_revokes_the_unused_one(client, settings, event):
    old, _ = keys.issue(event)
    new, _ = keys.issue(event)
    assert publish(client, settings, event, old).status_code == 403
    assert publish(client, settings, event, new).status_code == 200


@pytest.mark.parametrize(
    "starts_in, hours, allowed",
    [
        (datetime.timedelta(minutes=20), 1, True),  # inside the 30 minutes before
        (datetime.timedelta(minutes=-50), 1, True),  # running late, still before the end
        (datetime.timedelta(hours=2), 1, False),  # far too early
        (datetime.timedelta(hours=-3), 1, False),  # after the scheduled end
    ],
)
def test_pushes_are_accepted_only_in_the_window(
    client, settings, org_tree, starts_in, hours, allowed
):
    event = LiveEventFactory(
        parent=learning_home(org_tree["da-s1-b1"]), starts_in=starts_in, hours=hours
    )
    row = StreamKey.objects.create(
        event=event,
        salt="s" * 32,
        key_hash=keys.digest("s" * 32, "the-key"),
        hint="the-ke",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    response = publish(client, settings, event, "the-key")
    assert response.status_code == (200 if allowed else 403)
    row.refresh_from_db()
    assert (row.used_at is not None) == allowed


@pytest.mark.parametrize("name", ["999999", "abc", "", "1" * 40])
def test_an_unknown_event_is_404(client, settings, event, name):
    assert publish(client, settings, name, "whatever").status_code == 404
    assert callback(client, settings, PUBLISH_DONE, name).status_code == 404


def test_callbacks_without_the_secret_are_refused(client, settings, event):
    key, _ = keys.issue(event)
    assert publish(client, settings, event, key, secret="guess").status_code == 403
    assert client.post(PUBLISH, {"name": event.pk, "key": key}).status_code == 403
    assert client.get(f"{PUBLISH}?secret={settings.LIVESTREAM_CALLBACK_SECRET}").status_code == 405
    assert refreshed(event).status == LiveEventPage.SCHEDULED


# --- keys -----------------------------------------------------------------------------


def test_keys_are_stored_salted_and_hashed(event):
    key, row = keys.issue(event)
    other_key, other = keys.issue(event)
    stored = StreamKey.objects.values_list("salt", "key_hash", "hint")
    assert all(key not in value for values in stored for value in values)
    assert row.salt != other.salt and len(row.key_hash) == 64
    assert keys.find(event.pk, key) == row and keys.find(event.pk, other_key) == other
    assert keys.publish_url(event, key).endswith(f"/live/{event.pk}?key={key}")


def test_the_admin_shows_a_new_key_once(admin_client, event):
    url = f"/admin/live/{event.pk}/stream-key/"
    page = admin_client.get(url)
    assert page.status_code == 200 and "生成推流密钥" in page.content.decode()
    assert not StreamKey.objects.exists()
    made = admin_client.post(url)
    row = StreamKey.objects.get()
    html = made.content.decode()
    assert (
        made.status_code == 200 and "只显示这一次" in html and "no-store" in made["Cache-Control"]
    )
    shown = html.split(f"{event.pk}?key=")[1].split('"')[0]
    assert keys.find(event.pk, shown) == row
    assert shown not in admin_client.get(url).content.decode()
    assert "之前生成的未使用密钥将作废" in admin_client.get(url).content.decode()


def test_only_editors_of_the_event_may_make_keys(client, org_tree, event):
    sibling = UserFactory(username="sibling", groups=["da-s2-b1:editors"])
    client.force_login(sibling)
    response = client.post(f"/admin/live/{event.pk}/stream-key/")
    assert response.status_code == 403 and not StreamKey.objects.exists()
    own = UserFactory(username="own", groups=["da-s1-b1:editors"])
    client.force_login(own)
    assert client.post(f"/admin/live/{event.pk}/stream-key/").status_code == 200
    assert StreamKey.objects.get().created_by == own


# --- the end of a push and the replay -------------------------------------------------


def make_recording(folder, event, seconds=2, name=None):
    """An FLV like nginx-rtmp's `record all` writes: H.264 + AAC."""
    path = folder / (name or f"{event.pk}-1790000000.flv")
    command = [
        ffmpeg.ffmpeg_binary(),
        *("-hide_banner", "-loglevel", "error", "-y"),
        *("-f", "lavfi", "-i", f"testsrc=size=320x240:rate=25:duration={seconds}"),
        *("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"),
        *("-c:v", "libx264", "-preset", "veryfast", "-g", "50", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-f", "flv", str(path)),
    ]
    subprocess.run(command, check=True)
    return path


def go_live(client, settings, event):
    key, _ = keys.issue(event)
    assert publish(client, settings, event, key).status_code == 200


def end(client, settings, event, capture):
    with capture(execute=True):
        response = callback(client, settings, PUBLISH_DONE, event, call="publish_done")
    assert response.status_code == 200
    return refreshed(event)


def test_the_end_of_a_push_makes_the_replay_lesson(
    client, settings, event, django_capture_on_commit_callbacks
):
    go_live(client, settings, event)
    recording = make_recording(settings.LIVESTREAM_RECORD_DIR, event)
    callback(client, settings, RECORD_DONE, event, path=str(recording), call="record_done")
    event = end(client, settings, event, django_capture_on_commit_callbacks)
    assert event.status == LiveEventPage.REPLAY, event.status_message
    assert event.ended_at is not None
    lesson = event.replay
    assert lesson.live and lesson.get_parent().pk == event.get_parent().pk
    assert lesson.title == f"{event.title}（回放）" and lesson.speaker == "王教授"
    media = lesson.video
    assert media.status == LessonMedia.READY and media.duration == pytest.approx(2, abs=0.3)
    assert media.thumbnail and media.file.name.endswith(".mp4")
    assert media.collection == event.organisation().access.collection
    info = ffmpeg.probe(media.file.path)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac") and "mp4" in info.container
    assert not recording.exists()  # the MP4 is the copy now
    page = visit(client, event)
    assert "回放" in page.content.decode() and media.file.url in page.content.decode()


def test_a_draft_events_replay_stays_a_draft(
    client, settings, event, django_capture_on_commit_callbacks
):
    event.unpublish()
    go_live(client, settings, event)
    make_recording(settings.LIVESTREAM_RECORD_DIR, event)
    event = end(client, settings, event, django_capture_on_commit_callbacks)
    assert event.status == LiveEventPage.REPLAY and not event.replay.live


def test_a_corrupt_recording_marks_the_event_for_editors(
    client, settings, admin_client, event, django_capture_on_commit_callbacks
):
    go_live(client, settings, event)
    (settings.LIVESTREAM_RECORD_DIR / f"{event.pk}-1790000000.flv").write_bytes(b"FLV\x01" * 999)
    event = end(client, settings, event, django_capture_on_commit_callbacks)
    assert event.status == LiveEventPage.ERROR and "损坏" in event.status_message
    assert event.replay is None and not MicroLessonPage.objects.exists()
    edit = admin_client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert "回放生成失败" in edit and event.status_message in edit
    assert "已结束" in visit(client, event).content.decode()  # viewers see it ended


def test_a_missing_recording_marks_the_event_for_editors(
    client, settings, event, django_capture_on_commit_callbacks
):
    go_live(client, settings, event)
    event = end(client, settings, event, django_capture_on_commit_callbacks)
    assert event.status == LiveEventPage.ERROR and "没有找到直播录像" in event.status_message


def test_the_replay_job_ignores_events_that_did_not_end(event):
    assert make_replay(event.pk) is None and make_replay(987654) is None
    assert refreshed(event).status == LiveEventPage.SCHEDULED


def test_record_done_outside_the_record_folder_is_ignored(client, settings, event, tmp_path):
    outside = tmp_path / "elsewhere.flv"
    outside.write_bytes(b"x")
    callback(client, settings, RECORD_DONE, event, path=str(outside))
    assert refreshed(event).recording_path == ""
    inside = settings.LIVESTREAM_RECORD_DIR / f"{event.pk}-1.flv"
    callback(client, settings, RECORD_DONE, event, path=str(inside))
    assert refreshed(event).recording_path == str(inside)


def test_publishing_an_old_revision_keeps_the_live_state(client, settings, event):
    revision = event.save_revision()
    go_live(client, settings, event)
    revision.publish()
    event = refreshed(event)
    assert event.status == LiveEventPage.LIVE and event.went_live_at is not None


# --- viewers, page, HLS in development ------------------------------------------------


def heartbeat(client, event, viewer, address="203.0.113.7", **headers):
    url = f"/api/live/{event.pk}/heartbeat/"
    return client.post(url, {"viewer": viewer}, REMOTE_ADDR=address, **headers)


@pytest.fixture
def still_window(monkeypatch):
    """The rate-limit windows' clock held in the middle of one window."""
    monkeypatch.setattr(limits, "clock", lambda: 1_000_010.0)


def test_a_viewer_beating_too_fast_is_refused(client, settings, event, still_window):
    settings.LIVESTREAM_VIEWER_BEATS = 3  # per 30 s; the player beats every 10 s
    go_live(client, settings, event)
    codes = [heartbeat(client, event, "viewer-aaaa").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = heartbeat(client, event, "viewer-aaaa")
    assert response.json()["error"]["code"] == "rate_limited" and "Retry-After" in response
    assert heartbeat(client, event, "viewer-bbbb").status_code == 200  # others still count


def test_an_address_beating_too_fast_is_refused(client, settings, event, still_window):
    settings.LIVESTREAM_ADDRESS_BEATS = 5
    go_live(client, settings, event)
    codes = [heartbeat(client, event, f"viewer-{n:04d}").status_code for n in range(6)]
    assert codes == [200] * 5 + [429]
    assert heartbeat(client, event, "viewer-0006").json()["error"]["code"] == "rate_limited"
    assert heartbeat(client, event, "viewer-0007", address="198.51.100.2").status_code == 200


def test_made_up_viewer_ids_cannot_raise_the_peak(client, settings, event, still_window):
    settings.LIVESTREAM_VIEWERS_PER_ADDRESS = 3
    go_live(client, settings, event)
    for n in range(40):
        answer = heartbeat(client, event, f"fake-viewer-{n:04d}")
        assert answer.status_code == 200
    assert answer.json()["viewers"] == 3
    assert refreshed(event).viewer_count == 3 and viewers.count(event.pk) == 3
    heartbeat(client, event, "viewer-real", address="198.51.100.2")
    assert refreshed(event).viewer_count == 4


def test_behind_nginx_the_forwarded_address_is_the_viewers(client, settings, event, still_window):
    """nginx appends the peer it saw to X-Forwarded-For; only a trusted proxy's header is
    believed, and only its last entry (the rest is whatever the client sent)."""
    settings.LIVESTREAM_VIEWERS_PER_ADDRESS = 1
    settings.PORTAL_TRUSTED_PROXIES = ["127.0.0.1"]
    go_live(client, settings, event)
    for n, forwarded in enumerate(["10.9.9.9, 192.0.2.1", "10.9.9.8, 192.0.2.2", "192.0.2.2"]):
        heartbeat(client, event, f"viewer-{n:04d}", "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert viewers.count(event.pk) == 2  # 192.0.2.1 and 192.0.2.2
    for n, forwarded in enumerate(["192.0.2.3", "192.0.2.4"]):  # not from the proxy
        heartbeat(client, event, f"viewer-x{n:04d}", "203.0.113.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert viewers.count(event.pk) == 3  # one more: 203.0.113.9


def test_heartbeats_count_each_viewer_once(client, settings, event):
    assert heartbeat(client, event, "viewer-aaaa").json() == {
        "state": "upcoming",
        "state_label": "未开始",
        "viewers": 0,
    }
    go_live(client, settings, event)
    for viewer in ["viewer-aaaa", "viewer-bbbb", "viewer-aaaa"]:
        answer = heartbeat(client, event, viewer).json()
    assert answer == {"state": "live", "state_label": "直播中", "viewers": 2}
    assert refreshed(event).viewer_count == 2  # the peak, kept on the event
    assert heartbeat(client, event, "<script>").status_code == 400
    assert client.post("/api/live/987654/heartbeat/", {"viewer": "viewer-aaaa"}).status_code == 404


def test_viewers_seen_more_than_a_minute_ago_no_longer_count(event):
    viewers.beat(event.pk, "viewer-aaaa", "203.0.113.7", now=1_000_000.0)
    assert viewers.count(event.pk, now=1_000_000.0 + 20) == 1
    assert viewers.count(event.pk, now=1_000_000.0 + 65) == 0


def test_the_page_shows_each_state(client, settings, event, org_tree):
    html = visit(client, event).content.decode()
    assert "未开始" in html and "livestream/vendor/hls.min.js" in html
    assert f'data-hls="/hls/{event.pk}.m3u8"' in html
    go_live(client, settings, event)
    heartbeat(client, event, "viewer-aaaa")
    html = visit(client, event).content.decode()
    assert "直播中" in html and "1 人正在观看" in html
    LiveEventPage.objects.filter(pk=event.pk).update(status=LiveEventPage.ENDED)
    assert "已结束" in visit(client, event).content.decode()
    # The learning column lists events that are on or to come.
    upcoming = LiveEventFactory(parent=learning_home(org_tree["da-s1-b1"]), title="下周直播")
    column = visit(client, learning_home(org_tree["da-s1-b1"])).content.decode()
    assert "网络直播" in column and upcoming.title in column


def test_hls_files_are_served_in_development(db, client, settings):
    (settings.LIVESTREAM_HLS_DIR / "12.m3u8").write_text("#EXTM3U\n")
    (settings.LIVESTREAM_HLS_DIR / "12-1.ts").write_bytes(b"\x47" * 188)
    playlist = client.get("/hls/12.m3u8")
    assert playlist.status_code == 200
    assert playlist["Content-Type"] == "application/vnd.apple.mpegurl"
    assert playlist["Cache-Control"] == "no-cache"
    assert playlist["Access-Control-Allow-Origin"] == "*"
    segment = client.get("/hls/12-1.ts")
    assert segment["Content-Type"] == "video/mp2t" and "max-age=86400" in segment["Cache-Control"]
    assert client.get("/hls/../secret_key").status_code == 404


# --- API ------------------------------------------------------------------------------


def test_the_api_lists_live_upcoming_and_replays(client, settings, org_tree):
    branch = org_tree["da-s1-b1"]
    column = learning_home(branch)
    upcoming = LiveEventFactory(
        parent=column, title="下周直播", starts_in=datetime.timedelta(days=7)
    )
    on_air = LiveEventFactory(parent=column, title="正在直播")
    go_live(client, settings, on_air)
    heartbeat(client, on_air, "viewer-aaaa")
    results = client.get("/api/v2/live/").json()["results"]
    assert [r["title"] for r in results] == ["正在直播", "下周直播"]
    live = results[0]
    assert live["state"] == "live" and live["state_label"] == "直播中" and live["viewers"] == 1
    assert live["hls_url"] == f"http://testserver/hls/{on_air.pk}.m3u8"
    assert live["org"] == "da-s1-b1" and live["org_name"] == branch.title
    assert results[1]["state"] == "upcoming" and results[1]["hls_url"] is None
    only = client.get("/api/v2/live/?state=upcoming").json()["results"]
    assert [r["id"] for r in only] == [upcoming.pk]
    assert client.get("/api/v2/live/?org=da-s2").json()["count"] == 0
    assert client.get("/api/v2/live/?org=da-s1").json()["count"] == 2
    assert client.get("/api/v2/live/?org=nowhere").json()["error"]["code"] == "unknown_org"
    bad = client.get("/api/v2/live/?state=soon")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_state"
    upcoming.unpublish()
    assert client.get("/api/v2/live/").json()["count"] == 1  # drafts never appear


def test_the_api_gives_the_replay(client, settings, event, django_capture_on_commit_callbacks):
    go_live(client, settings, event)
    make_recording(settings.LIVESTREAM_RECORD_DIR, event)
    end(client, settings, event, django_capture_on_commit_callbacks)
    [item] = client.get("/api/v2/live/?state=replay").json()["results"]
    assert item["state"] == "replay" and item["replay"]["duration"] == 2
    assert item["replay"]["video_url"].endswith(".mp4")


def test_the_live_endpoint_is_in_the_openapi_schema(db, client):
    paths = client.get("/api/schema/").json()["paths"]
    assert "/api/v2/live/" in paths
    params = {p["name"] for p in paths["/api/v2/live/"]["get"]["parameters"]}
    assert {"org", "state", "page"} <= params


# --- nginx configuration ------------------------------------------------------------


def test_the_nginx_configuration_command(tmp_path, settings):
    output = tmp_path / "nginx.conf"
    call_command(
        "livestream_nginx_conf",
        "--rtmp-port=19350",
        "--http-port=18080",
        "--upstream=127.0.0.1:8000",
        f"--hls-dir={tmp_path / 'h'}",
        f"--record-dir={tmp_path / 'r'}",
        f"--prefix={tmp_path / 'p'}",
        f"--output={output}",
    )
    conf = output.read_text()
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert conf.startswith("# nginx-rtmp") and "load_module /usr/lib/nginx/modules/" in conf
    assert "listen 127.0.0.1:19350;" in conf and "listen 127.0.0.1:18080;" in conf
    secret = settings.LIVESTREAM_CALLBACK_SECRET
    assert f"on_publish http://127.0.0.1:8000/api/live/callbacks/publish/?secret={secret};" in conf
    assert "hls_fragment 2s;" in conf and "hls_playlist_length 6s;" in conf
    assert f"record_path {tmp_path / 'r'};" in conf and (tmp_path / "h").is_dir()
    if os.geteuid() == 0:  # (CI runs as root) nginx's workers must be able to write there
        import pwd

        nobody = pwd.getpwnam("nobody").pw_uid
        assert (tmp_path / "r").stat().st_uid == (tmp_path / "h").stat().st_uid == nobody


def test_the_stream_key_command_prints_the_push_url_once(event):
    out = io.StringIO()
    call_command("live_stream_key", str(event.pk), stdout=out)
    url = out.getvalue().strip().splitlines()[-1]
    assert url.startswith("rtmp://") and f"/live/{event.pk}?key=" in url
    assert keys.find(event.pk, url.split("key=")[1]) == StreamKey.objects.get()
    with pytest.raises(CommandError):
        call_command("live_stream_key", "987654")


def test_editors_add_events_in_the_learning_column(admin_client, org_tree):
    column = learning_home(org_tree["da-s1-b1"])
    form = admin_client.get(f"/admin/pages/add/livestream/liveeventpage/{column.pk}/")
    assert form.status_code == 200 and "保存草稿后即可生成推流密钥" in form.content.decode()
    assert "livestream.LiveEventPage" in [
        f"{m._meta.app_label}.{m.__name__}" for m in column.specific.allowed_subpage_models()
    ]
