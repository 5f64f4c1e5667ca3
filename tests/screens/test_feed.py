"""Metro screens: snapshots, the feed (tokens, ETag/304, emergency TTL), heartbeats."""

import datetime
import hashlib
import importlib
import io
import json

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from wagtail.documents.models import Document

from screens import feeds, snapshots
from screens.models import (
    Device,
    DisplayGroup,
    PlaylistRule,
    PlayTally,
)
from tests.factories import ImageFactory
from tests.screens.factories import (
    DisplayGroupFactory,
    EmergencyInsertFactory,
    PlaylistItemFactory,
)

FEED = "/api/screens/v1/feed/"
HEARTBEAT = "/api/screens/v1/heartbeat/"


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_snapshot_has_sized_media_with_digests(platform):
    group = DisplayGroup.objects.get(slug="platform")
    items = group.snapshot["items"]
    assert [i["id"] for i in items] == [f"page:{platform['page'].pk}", items[1]["id"]]
    first = items[0]
    assert (first["title"], first["duration"], first["windows"]) == ("学全会精神", 20, None)
    media = first["media"][0]
    assert (media["width"], media["height"], media["type"]) == (1920, 1080, "image")
    rendition = platform["page"].screen_image.get_rendition("fill-1920x1080|format-jpeg")
    with rendition.file.open("rb") as handle:
        data = handle.read()
    assert media["bytes"] == len(data) and media["sha256"] == hashlib.sha256(data).hexdigest()
    assert group.snapshot_hash == snapshots.content_hash(group.snapshot)


def test_portrait_screens_get_the_portrait_still_or_the_landscape_one_whole(platform):
    car = DisplayGroupFactory(name="车厢屏", slug="car", width=1080, height=1920)
    platform["playlist"].groups.add(car)
    page = platform["page"]  # its still is 2400×1600, landscape

    def still(group):
        media = snapshots.build_snapshot(group)["items"][0]["media"][0]
        return media["width"], media["height"]

    # No portrait still: fitted inside the portrait screen whole, not cropped.
    assert still(car) == (1080, 720)
    page.screen_image_portrait = ImageFactory(file__width=1200, file__height=2000)
    page.save_revision().publish()
    assert still(car) == (1080, 1920)  # the portrait still, filling the screen
    assert still(platform["group"]) == (1920, 1080)  # landscape screens keep the main still
    page.screen_image_portrait = None
    page.screen_image = ImageFactory(file__width=1200, file__height=2000)
    page.save_revision().publish()
    assert still(platform["group"]) == (648, 1080)  # a portrait still on landscape: whole


def test_dayparts_and_page_validity_become_windows(platform):
    playlist, page = platform["playlist"], platform["page"]
    PlaylistRule.objects.create(
        playlist=playlist, weekdays="1234567", start_time="07:00", end_time="09:00"
    )
    page.screen_valid_until = timezone.now() + datetime.timedelta(hours=30)
    page.save_revision().publish()
    now = timezone.now()
    snapshot = snapshots.build_snapshot(platform["group"], now)
    windows = snapshot["items"][0]["windows"]
    assert 1 <= len(windows) <= 2  # the morning dayparts that touch the next 24 hours
    for start, end in windows:
        start, end = datetime.datetime.fromisoformat(start), datetime.datetime.fromisoformat(end)
        assert timezone.localtime(start).hour == 7 and timezone.localtime(end).hour == 9
        assert end > now and start < now + snapshots.HORIZON
    # The same rules one minute later give the same fingerprint: no needless 200s.
    later = snapshots.build_snapshot(platform["group"], now + datetime.timedelta(minutes=1))
    assert snapshots.content_hash(later) == snapshots.content_hash(snapshot)

    page.screen_valid_until = timezone.now() - datetime.timedelta(minutes=1)
    page.save_revision().publish()
    snapshot = snapshots.build_snapshot(platform["group"])
    assert f"page:{page.pk}" not in [i["id"] for i in snapshot["items"]]


def test_feed_answers_with_etag_and_304_in_one_query(client, platform, django_assert_num_queries):
    response = client.get(FEED, **auth(platform["token"]))
    assert response.status_code == 200
    body = response.json()
    assert body["group"]["slug"] == "platform" and len(body["items"]) == 2
    etag = response["ETag"]
    assert etag == f'"{DisplayGroup.objects.get().snapshot_hash}"'
    assert response["Cache-Control"] == "private, max-age=60"
    with django_assert_num_queries(1):  # the device; the snapshot is remembered in process
        again = client.get(FEED, HTTP_IF_NONE_MATCH=etag, **auth(platform["token"]))
    assert again.status_code == 304 and again["ETag"] == etag


def test_revocation_and_new_snapshots_are_seen_at_the_next_poll(client, platform):
    token = platform["token"]
    first = client.get(FEED, **auth(token))["ETag"]
    platform["page"].unpublish()
    snapshots.rebuild(platform["group"])
    assert client.get(FEED, HTTP_IF_NONE_MATCH=first, **auth(token)).status_code == 200
    Device.objects.update(revoked_at=timezone.now())
    assert client.get(FEED, **auth(token)).status_code == 401


def test_the_lean_wsgi_path_answers_like_the_view(platform, request_signals):
    from wsgiref.util import setup_testing_defaults

    from portal.wsgi import application

    def call(**headers):
        environ = {"PATH_INFO": FEED, "REQUEST_METHOD": "GET", **headers}
        setup_testing_defaults(environ)
        seen = {}
        body = b"".join(application(environ, lambda s, h: seen.update(status=s, headers=h)))
        return seen["status"], dict(seen["headers"]), body

    status, feed_headers, body = call(HTTP_AUTHORIZATION=f"Bearer {platform['token']}")
    assert status == "200 OK" and json.loads(body)["group"]["slug"] == "platform"
    assert feed_headers["Content-Length"] == str(len(body))
    status, _, body = call(
        HTTP_AUTHORIZATION=f"Bearer {platform['token']}", HTTP_IF_NONE_MATCH=feed_headers["ETag"]
    )
    assert status == "304 Not Modified" and body == b""
    status, headers, body = call(HTTP_AUTHORIZATION="Bearer wrong")
    assert status == "401 Unauthorized" and json.loads(body)["error"]["code"] == "invalid_token"
    path, _, query = feed_headers["X-Poll-URL"].partition("?")
    status, headers, body = call(PATH_INFO=path, QUERY_STRING=query)
    assert status == "200 OK" and json.loads(body)["group"]["slug"] == "platform"
    status, _, body = call(PATH_INFO=path, QUERY_STRING=query + "x")
    assert status == "403 Forbidden" and json.loads(body)["error"]["code"] == "bad_link"


def test_the_feed_hands_out_a_signed_poll_link_to_the_same_snapshot(
    client, platform, django_assert_num_queries
):
    feed = client.get(FEED, **auth(platform["token"]))
    link = feed["X-Poll-URL"]
    device, group = Device.objects.get(), platform["group"]
    assert link.startswith(f"/api/screens/v1/poll/{group.pk}/?d={device.pk}&e=")
    with django_assert_num_queries(1):  # the group's hash; no device, no token
        polled = client.get(link)
    assert polled.status_code == 200 and polled.content == feed.content
    assert polled["ETag"] == feed["ETag"] and "X-Poll-URL" not in polled
    assert client.get(link, HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 304
    # A new snapshot is seen through the link too.
    platform["page"].unpublish()
    snapshots.rebuild(group)
    assert client.get(link, HTTP_IF_NONE_MATCH=feed["ETag"]).status_code == 200


def test_poll_links_are_refused_when_tampered_with_or_expired(client, platform, settings):
    from screens.feeds import poll_link

    device, group = Device.objects.get(), platform["group"]
    link = poll_link(device.pk, group.pk)
    tampered = [
        link.replace(f"/poll/{group.pk}/", f"/poll/{group.pk + 1}/"),  # another group
        link.replace(f"d={device.pk}", f"d={device.pk + 1}"),
        link[:-2] + ("AA" if not link.endswith("AA") else "BB"),
        link.split("&s=")[0],
        f"/api/screens/v1/poll/{group.pk}/",
    ]
    for url in tampered:
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "bad_link"
    expired = poll_link(device.pk, group.pk, now=0)
    response = client.get(expired)
    assert response.status_code == 410 and response.json()["error"]["code"] == "link_expired"
    settings.SCREENS_LINK_SECRET = "another-secret-entirely"
    assert client.get(link).status_code == 403  # a rotated secret ends every link


def test_feed_refuses_missing_invalid_and_revoked_tokens(client, platform):
    for headers in [{}, auth("nonsense"), {"HTTP_AUTHORIZATION": "Basic abc"}]:
        response = client.get(FEED, **headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"
    Device.objects.update(revoked_at=timezone.now())
    response = client.get(FEED, **auth(platform["token"]))
    assert response.status_code == 401 and "停用" in response.json()["error"]["message"]


def test_tokens_are_stored_hashed(platform):
    device = Device.objects.get()
    assert platform["token"] not in (device.token_hash, device.token_hint)


def test_token_hashes_are_keyed_per_deployment(client, platform, settings):
    """A bare sha256 of a 256-bit token cannot be reversed, but a copied table plus the
    code would let anyone check guesses offline and forge nothing else: keyed, a stolen
    table is useless without SCREENS_TOKEN_KEY."""
    token = platform["token"]
    device = Device.objects.get()
    bare = hashlib.sha256(token.encode()).hexdigest()
    assert device.token_hash != bare
    assert client.get(FEED, **auth(token)).status_code == 200
    settings.SCREENS_TOKEN_KEY = "another deployment"
    assert client.get(FEED, **auth(token)).status_code == 401


def test_devices_registered_before_keyed_hashes_keep_working(client, platform):
    """Migration 0002 upgrades every stored bare sha256 in place (the key is applied over
    it), so no device has to be registered again."""
    token = platform["token"]
    Device.objects.update(token_hash=hashlib.sha256(token.encode()).hexdigest())
    upgrade = importlib.import_module("screens.migrations.0002_keyed_token_hashes")
    upgrade.key_token_hashes(django_apps, None)
    assert client.get(FEED, **auth(token)).status_code == 200
    assert client.get(FEED, **auth("nonsense")).status_code == 401


def test_emergency_insert_overrides_with_a_short_ttl(client, platform):
    before = client.get(FEED, **auth(platform["token"]))["ETag"]
    EmergencyInsertFactory(
        groups=[platform["group"]],
        title="临时停运",
        text="因设备故障，2 号线暂停运营，请乘客改乘公交。",
        minutes=30,
    )
    snapshots.rebuild(platform["group"])
    response = client.get(FEED, HTTP_IF_NONE_MATCH=before, **auth(platform["token"]))
    assert response.status_code == 200 and response["ETag"] != before
    assert response["Cache-Control"] == f"private, max-age={feeds.EMERGENCY_TTL}"
    assert [e["title"] for e in response.json()["emergency"]] == ["临时停运"]


def test_publishing_changes_rebuild_the_snapshot(platform, django_capture_on_commit_callbacks):
    page = platform["page"]
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    ids = [i["id"] for i in DisplayGroup.objects.get().snapshot["items"]]
    assert f"page:{page.pk}" not in ids
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    ids = [i["id"] for i in DisplayGroup.objects.get().snapshot["items"]]
    assert f"page:{page.pk}" in ids


def test_clips_the_group_cannot_play_are_left_out(platform):
    group = platform["group"]
    group.clip_formats = "mp4"
    group.save()
    webm = Document.objects.create(title="宣传片", file=ContentFile(b"webm-bytes", name="a.webm"))
    mp4 = Document.objects.create(title="微党课", file=ContentFile(b"mp4-bytes", name="b.mp4"))
    for n, clip in enumerate([webm, mp4], start=2):
        PlaylistItemFactory(playlist=platform["playlist"], clip=clip, sort_order=n)
    items = snapshots.build_snapshot(group)["items"]
    clips = [i for i in items if i["id"].startswith("clip:")]
    assert [c["title"] for c in clips] == ["微党课"]
    assert clips[0]["media"][0]["sha256"] == hashlib.sha256(b"mp4-bytes").hexdigest()


def test_a_clip_is_linked_through_the_document_view(platform, client):
    """/media/documents/ is never served (collection privacy): the player follows the
    document view, which streams a clip of a public collection."""
    group = platform["group"]
    group.clip_formats = "mp4"
    group.save()
    clip = Document.objects.create(title="微党课", file=ContentFile(b"mp4-bytes", name="b.mp4"))
    PlaylistItemFactory(playlist=platform["playlist"], clip=clip, sort_order=2)
    items = snapshots.build_snapshot(group)["items"]
    (entry,) = [i for i in items if i["id"].startswith("clip:")]
    url = entry["media"][0]["url"]
    assert url == clip.url and url.startswith("/documents/")
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response) == b"mp4-bytes"


def post_heartbeat(client, token, data):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post(HEARTBEAT, raw, content_type="application/json", **auth(token))


def test_heartbeat_stores_status_and_tallies_plays(client, platform):
    started = timezone.now().isoformat()
    plays = [{"item": "page:1", "started_at": started, "duration": 20}] * 3
    plays.append({"item": "image:2", "started_at": started, "duration": 15})
    response = post_heartbeat(
        client, platform["token"], {"player_version": "1.0", "status": {"cache": 3}, "plays": plays}
    )
    assert response.status_code == 200 and response.json()["plays"] == 4
    post_heartbeat(client, platform["token"], {"plays": plays[:1]})
    device = Device.objects.get()
    assert device.last_seen_at is not None and device.status == {}
    tallies = dict(PlayTally.objects.values_list("item", "plays"))
    assert tallies == {"page:1": 4, "image:2": 1}
    assert PlayTally.objects.get(item="page:1").seconds == 80
    assert not device.offline()


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"{not json", "JSON"),
        (b"[]", "对象"),
        (
            {
                "plays": [
                    {"item": "page:1", "started_at": "2026-11-23T08:00:00+08:00", "duration": 5},
                    {"item": "page:1", "started_at": "yesterday", "duration": 5},
                ]
            },
            "plays[1]",
        ),
        (
            {
                "plays": [
                    {"item": "../etc", "started_at": "2026-11-23T08:00:00+08:00", "duration": 5}
                ]
            },
            "plays[0].item",
        ),
        ({"plays": "many"}, "plays"),
        (b"x" * (300 * 1024), "KB"),
    ],
)
def test_bad_heartbeats_get_400_and_store_nothing(client, platform, payload, message):
    response = post_heartbeat(client, platform["token"], payload)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert not PlayTally.objects.exists() and Device.objects.get().last_seen_at is None


def test_create_screen_device_needs_a_known_group(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="没有代码为 nowhere 的屏幕分组"):
        call_command("create_screen_device", "nowhere", "x", stdout=io.StringIO())
