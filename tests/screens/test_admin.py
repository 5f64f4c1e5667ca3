"""地铁屏 in the admin: devices (token shown once, revoke, rotate), playlists and inserts
(clip formats, approver), the plays report, and who may see all this."""

import datetime
import hashlib
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from screens import snapshots
from screens.models import Device, EmergencyInsert, Playlist, PlayTally, hash_token
from tests.content.factories import ArticleFactory
from tests.factories import ImageFactory, UserFactory
from tests.screens.factories import DeviceFactory, DisplayGroupFactory, EmergencyInsertFactory
from tests.sites.factories import column

FEED = "/api/screens/v1/feed/"
DEVICES = "/admin/snippets/content/device/"
GROUPS = "/admin/snippets/content/displaygroup/"
PLAYLISTS = "/admin/snippets/content/playlist/"
INSERTS = "/admin/snippets/content/emergencyinsert/"
PLAYS = "/admin/screens/plays/"
TOKEN_INPUT = re.compile(r'id="device-token-value" value="([^"]+)"')


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def platform_group(db):
    group = DisplayGroupFactory(name="地铁站台屏", slug="platform")
    snapshots.rebuild(group)  # the feed answers 503 until a snapshot exists
    return group


def feed(client, token):
    return client.get(FEED, HTTP_AUTHORIZATION=f"Bearer {token}")


def staff(username, *codenames):
    user = UserFactory(username=username)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    return user


def register(client, group, name="西湖站上行 1 号屏"):
    """Add a device in the admin; returns (device, token as the token page shows it)."""
    response = client.post(
        f"{DEVICES}add/", {"name": name, "group": group.pk, "location": "上行站台"}
    )
    device = Device.objects.get(name=name)
    assert response.status_code == 302
    assert response["Location"] == f"{DEVICES}token/{device.pk}/"
    page = client.get(response["Location"])
    assert "no-store" in page["Cache-Control"]
    assert f"已登记设备“{name}”" in page.content.decode()
    return device, TOKEN_INPUT.search(page.content.decode()).group(1)


def test_a_new_device_shows_its_token_once_and_keeps_only_its_hash(admin_client, platform_group):
    device, token = register(admin_client, platform_group)
    assert device.token_hash == hash_token(token) != hashlib.sha256(token.encode()).hexdigest()
    assert device.token_hint == token[:6]
    stored = [str(v) for v in Device.objects.filter(pk=device.pk).values().get().values()]
    assert token not in stored
    assert feed(admin_client, token).status_code == 200
    # The token page also gives the player's address with the token.
    again = admin_client.get(f"{DEVICES}token/{device.pk}/").content.decode()
    assert token not in again and "已经显示过" in again


def test_revoking_a_device_locks_it_out_of_the_feed(admin_client, platform_group):
    device, token = register(admin_client, platform_group)
    url = f"{DEVICES}revoke/{device.pk}/"
    confirm = admin_client.get(url)
    assert confirm.status_code == 200 and "csrfmiddlewaretoken" in confirm.content.decode()
    assert feed(admin_client, token).status_code == 200  # a GET changes nothing
    assert admin_client.post(url).status_code == 302
    assert Device.objects.get(pk=device.pk).revoked_at is not None
    response = feed(admin_client, token)
    assert response.status_code == 401 and "停用" in response.json()["error"]["message"]
    listing = admin_client.get(DEVICES).content.decode()
    assert "已停用" in listing


def test_rotating_a_token_retires_the_old_one(admin_client, platform_group):
    device, old = register(admin_client, platform_group)
    response = admin_client.post(f"{DEVICES}rotate/{device.pk}/")
    assert response["Location"] == f"{DEVICES}token/{device.pk}/"
    new = TOKEN_INPUT.search(admin_client.get(response["Location"]).content.decode()).group(1)
    assert new != old
    assert feed(admin_client, old).status_code == 401
    assert feed(admin_client, new).status_code == 200


def test_only_device_managers_may_revoke_or_rotate(client, platform_group):
    device = DeviceFactory(name="1 号屏", group=platform_group)
    token = device.token
    client.force_login(staff("viewer", "view_device"))
    for action in ["revoke", "rotate"]:
        assert client.get(f"{DEVICES}{action}/{device.pk}/").status_code == 403
        assert client.post(f"{DEVICES}{action}/{device.pk}/").status_code == 403
    assert feed(client, token).status_code == 200
    listing = client.get(DEVICES).content.decode()
    assert "1 号屏" in listing and f"{DEVICES}revoke/" not in listing

    client.force_login(staff("manager", "view_device", "change_device"))
    assert f"{DEVICES}revoke/{device.pk}/" in client.get(DEVICES).content.decode()
    assert client.post(f"{DEVICES}revoke/{device.pk}/").status_code == 302
    assert feed(client, token).status_code == 401


def test_the_device_list_marks_offline_devices(admin_client, platform_group):
    now = timezone.now()
    for name, seen in [("在线屏", now), ("掉线屏", now - datetime.timedelta(minutes=10))]:
        DeviceFactory(name=name, group=platform_group, last_seen_at=seen, player_version="1.2")
    html = admin_client.get(DEVICES).content.decode()
    rows = {
        name: html[html.index(name) :][:3000].split("</tr>")[0] for name in ["在线屏", "掉线屏"]
    }
    assert "离线" in rows["掉线屏"] and "离线" not in rows["在线屏"]


def playlist_data(groups, clip, name="早高峰轮播"):
    data = nested_form_data(
        {
            "name": name,
            "priority": 0,
            "active": "on",
            "items": inline_formset([{"clip": clip.pk, "title": "", "duration": ""}]),
            "rules": inline_formset([]),
        }
    )
    data["groups"] = [g.pk for g in groups]
    return data


def test_the_playlist_form_refuses_a_clip_a_group_cannot_play(admin_client, platform_group):
    platform_group.clip_formats = "mp4"
    platform_group.save()
    car = DisplayGroupFactory(name="车厢屏", slug="car", clip_formats="mp4,webm")
    webm = Document.objects.create(title="宣传片", file=ContentFile(b"webm", name="promo.webm"))
    response = admin_client.post(f"{PLAYLISTS}add/", playlist_data([platform_group, car], webm))
    assert response.status_code == 200
    assert "“宣传片”的格式（.webm）不能在“地铁站台屏”播放" in response.content.decode()
    assert "车厢屏”播放" not in response.content.decode()
    assert not Playlist.objects.exists()

    # The same clip for the group that plays WebM, or an MP4 for both, is fine.
    assert admin_client.post(f"{PLAYLISTS}add/", playlist_data([car], webm)).status_code == 302
    mp4 = Document.objects.create(title="微党课", file=ContentFile(b"mp4", name="lesson.mp4"))
    data = playlist_data([platform_group, car], mp4, name="微党课轮播")
    assert admin_client.post(f"{PLAYLISTS}add/", data).status_code == 302
    playlist = Playlist.objects.get(name="微党课轮播")
    assert set(playlist.groups.values_list("slug", flat=True)) == {"platform", "car"}
    assert [i.clip_id for i in playlist.items.all()] == [mp4.pk]


def insert_data(groups, **extra):
    now = timezone.localtime()
    return {
        "title": "临时停运",
        "text": "因设备故障，2 号线暂停运营。",
        "groups": [g.pk for g in groups],
        "priority": 100,
        "starts_at": now.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (now + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        **extra,
    }


def test_an_insert_saved_in_the_admin_is_approved_by_its_author(client, platform_group):
    duty = staff("duty-officer", "add_emergencyinsert", "change_emergencyinsert")
    client.force_login(duty)
    response = client.post(f"{INSERTS}add/", insert_data([platform_group]))
    assert response.status_code == 302, response.content.decode()[:2000]
    insert = EmergencyInsert.objects.get()
    assert insert.approved_by == duty
    assert list(insert.groups.all()) == [platform_group]
    assert "duty-officer" in client.get(INSERTS).content.decode()

    # Someone else edits it: they are its approver now; the form has no approver field.
    chief = staff("chief", "change_emergencyinsert")
    client.force_login(chief)
    form = client.get(f"{INSERTS}edit/{insert.pk}/").content.decode()
    assert 'name="approved_by"' not in form
    data = insert_data([platform_group], title="临时停运（更新）", approved_by=duty.pk)
    assert client.post(f"{INSERTS}edit/{insert.pk}/", data).status_code == 302
    assert EmergencyInsert.objects.get().approved_by == chief


def test_only_superusers_and_holders_of_the_add_permission_create_inserts(client, platform_group):
    client.force_login(staff("watcher", "change_emergencyinsert"))
    response = client.post(f"{INSERTS}add/", insert_data([platform_group]))
    assert response.status_code in (302, 403) and not EmergencyInsert.objects.exists()
    assert response.status_code == 403 or response["Location"] == "/admin/"


def test_an_insert_refuses_a_clip_its_groups_cannot_play(admin_client, platform_group):
    platform_group.clip_formats = "mp4"
    platform_group.save()
    webm = Document.objects.create(title="预警片", file=ContentFile(b"webm", name="warn.webm"))
    response = admin_client.post(f"{INSERTS}add/", insert_data([platform_group], clip=webm.pk))
    assert response.status_code == 200
    assert "“预警片”的格式（.webm）不能在“地铁站台屏”播放" in response.content.decode()
    assert not EmergencyInsert.objects.exists()


@pytest.fixture
def played(home, platform_group):
    """Two groups, their devices and a week of tallies for a page, an image, a clip and an
    emergency insert."""
    car = DisplayGroupFactory(name="车厢屏", slug="car", poll_interval=30)
    page = ArticleFactory(parent=column(home, "news"), title="学习贯彻全会精神")
    image = ImageFactory(title="站台宣传画")
    clip = Document.objects.create(title="微党课", file=ContentFile(b"mp4", name="lesson.mp4"))
    insert = EmergencyInsertFactory(title="临时停运", text="…", minutes=60)
    now, today = timezone.now(), timezone.localdate()
    devices = []
    for group, name, seen in [
        (platform_group, "站台 1 号屏", now),
        (platform_group, "站台 2 号屏", now - datetime.timedelta(hours=2)),  # offline
        (car, "车厢 1 号屏", None),  # never seen: offline
    ]:
        devices.append(DeviceFactory(name=name, group=group, last_seen_at=seen))
    DeviceFactory(name="已停用屏", group=car, revoked_at=now)  # revoked: not listed
    keys = [f"page:{page.pk}", f"image:{image.pk}", f"clip:{clip.pk}", f"emergency:{insert.pk}"]
    return {
        "devices": devices,
        "keys": keys,
        "titles": ["学习贯彻全会精神", "站台宣传画", "微党课", "临时停运"],
        "today": today,
        "car": car,
    }


def tally(played, days, per_day=4):
    rows = []
    for n in range(days):
        for device in played["devices"]:
            for key in played["keys"][:per_day]:
                day = played["today"] - datetime.timedelta(days=n)
                rows.append(PlayTally(day=day, device=device, item=key, plays=3, seconds=45))
    PlayTally.objects.bulk_create(rows)


def test_the_plays_report_sums_tallies_and_lists_offline_devices(admin_client, played):
    tally(played, days=2)
    old = played["today"] - datetime.timedelta(days=10)  # outside the week: left out
    PlayTally.objects.create(
        day=old, device=played["devices"][0], item=played["keys"][0], plays=99, seconds=1
    )
    html = admin_client.get(PLAYS).content.decode()
    for title in played["titles"]:
        assert title in html
    # Per item, group and day: the platform's two devices are summed into one row.
    table = html[html.index('id="plays-heading"') : html.index('id="offline-heading"')]
    assert table.count("学习贯彻全会精神") == 4  # 2 days × 2 groups
    assert '<td style="text-align: right">6</td>' in table  # 2 devices × 3 plays
    assert "99" not in table
    offline = html[html.index('id="offline-heading"') :]
    assert "离线设备（2）" in offline
    assert "站台 2 号屏" in offline and "车厢 1 号屏" in offline
    assert "站台 1 号屏" not in offline and "已停用屏" not in offline

    only_car = admin_client.get(PLAYS, {"group": played["car"].pk}).content.decode()
    table = only_car[only_car.index('id="plays-heading"') : only_car.index('id="offline-heading"')]
    assert table.count("学习贯彻全会精神") == 2  # 2 days, one group
    assert "离线设备（1）" in only_car and "站台 2 号屏" not in only_car
    today = admin_client.get(PLAYS, {"day": played["today"].isoformat()}).content.decode()
    table = today[today.index('id="plays-heading"') : today.index('id="offline-heading"')]
    assert table.count("学习贯彻全会精神") == 2


def test_the_plays_report_costs_the_same_queries_for_more_rows(
    admin_client, played, django_assert_max_num_queries
):
    tally(played, days=1)  # every kind of item once: titles cost one query per kind
    admin_client.get(PLAYS)  # warm caches (content types, site root paths)
    with django_assert_max_num_queries(30) as small:
        admin_client.get(PLAYS)
    PlayTally.objects.all().delete()
    tally(played, days=7)
    for n in range(20):
        DeviceFactory(name=f"备用屏 {n}", group=played["car"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = admin_client.get(PLAYS).content.decode()
    assert "离线设备（22）" in html and all(t in html for t in played["titles"])


def test_superusers_see_the_screen_admin_and_branch_editors_do_not(
    client, org_tree, platform_group, sidebar
):
    urls = [GROUPS, DEVICES, PLAYLISTS, INSERTS]
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    for url in urls + [f"{url}add/" for url in urls] + [PLAYS]:
        assert client.get(url).status_code == 200, url
    menu = sidebar(client.get("/admin/").content.decode())
    assert "地铁屏" in menu and "播放统计" in menu and "紧急插播" in menu

    client.force_login(UserFactory(username="b-editor", groups=["da-s1-b1:editors"]))
    for url in urls + [f"{url}add/" for url in urls]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert response["Location"] == "/admin/"
    assert client.get(PLAYS).status_code == 403
    assert "地铁屏" not in sidebar(client.get("/admin/").content.decode())
