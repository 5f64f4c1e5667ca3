"""Metro screens: display groups, devices, playlists, emergency inserts, proof of play.

Screens are dumb players on flaky networks. Each display group's playlist is rendered to a
stored JSON snapshot (schedule windows resolved for the next 24 hours, media sized for the
group with sha256 and bytes), so the feed request is a token lookup and a snapshot read:
no page tree, no rendering. A change that affects a group (a screen page published,
unpublished or expired, a playlist or an emergency insert saved) rebuilds its snapshot once,
in the background worker; the periodic task rebuilds every group hourly so the 24-hour
windows always reach ahead.
"""

import datetime
import hashlib
import json
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .channels import is_clip, iso, orientation, still_spec

HORIZON = datetime.timedelta(hours=24)
EMERGENCY_TTL = 10  # seconds a feed with an active emergency insert may be cached


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    return secrets.token_urlsafe(32)


class DisplayGroup(models.Model):
    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", "横屏"
        PORTRAIT = "portrait", "竖屏"

    name = models.CharField("名称", max_length=100)
    slug = models.SlugField("代码", max_length=64, unique=True)
    width = models.PositiveIntegerField("宽（像素）", default=1920)
    height = models.PositiveIntegerField("高（像素）", default=1080)
    poll_interval = models.PositiveIntegerField(
        "轮询间隔（秒）", default=60, validators=[MinValueValidator(10), MaxValueValidator(3600)]
    )
    clip_formats = models.CharField(
        "可播放视频格式", max_length=32, default="mp4,webm", help_text="逗号分隔，如 mp4,webm"
    )
    organisation = models.ForeignKey(
        "orgs.OrganisationPage",
        verbose_name="所属组织",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    snapshot = models.JSONField("快照", default=dict, blank=True, editable=False)
    snapshot_hash = models.CharField("快照指纹", max_length=64, blank=True, editable=False)
    snapshot_built_at = models.DateTimeField("快照生成时间", null=True, editable=False)

    class Meta:
        app_label = "content"
        verbose_name = "屏幕分组"
        verbose_name_plural = "屏幕分组"

    def __str__(self):
        return self.name

    @property
    def orientation(self):
        return orientation(self.width, self.height)

    def accepts_clip(self, filename):
        formats = {f".{f.strip().lower()}" for f in self.clip_formats.split(",") if f.strip()}
        return filename.lower().endswith(tuple(formats))


class Device(models.Model):
    name = models.CharField("名称", max_length=100)
    group = models.ForeignKey(
        DisplayGroup, verbose_name="分组", on_delete=models.CASCADE, related_name="devices"
    )
    location = models.CharField("位置", max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_hint = models.CharField("令牌前缀", max_length=8, editable=False)
    last_seen_at = models.DateTimeField("最后在线", null=True, blank=True, editable=False)
    player_version = models.CharField("播放器版本", max_length=32, blank=True, editable=False)
    status = models.JSONField("状态", default=dict, blank=True, editable=False)
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        app_label = "content"
        verbose_name = "屏幕设备"
        verbose_name_plural = "屏幕设备"

    def __str__(self):
        return f"{self.name}（{self.group}）"

    def set_token(self):
        """A new token: only its hash is kept. Returns the token (show it once)."""
        token = new_token()
        self.token_hash = hash_token(token)
        self.token_hint = token[:6]
        return token

    def offline(self, now=None):
        """Not seen for more than three polls of its group."""
        now = now or timezone.now()
        limit = datetime.timedelta(seconds=3 * self.group.poll_interval)
        return self.last_seen_at is None or now - self.last_seen_at > limit


class Playlist(ClusterableModel):
    name = models.CharField("名称", max_length=100)
    groups = models.ManyToManyField(DisplayGroup, verbose_name="播放分组", related_name="playlists")
    priority = models.IntegerField("优先级", default=0, help_text="数字大的先播")
    active = models.BooleanField("启用", default=True)

    class Meta:
        app_label = "content"
        verbose_name = "播放列表"
        verbose_name_plural = "播放列表"

    def __str__(self):
        return self.name


class PlaylistItem(Orderable):
    playlist = ParentalKey(Playlist, on_delete=models.CASCADE, related_name="items")
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name="内容页面（地铁屏渠道）",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="图片",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    clip = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="短视频",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField("标题", max_length=40, blank=True)
    duration = models.PositiveSmallIntegerField(
        "时长（秒）",
        null=True,
        blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(600)],
        help_text="留空：页面用其屏幕时长，图片 15 秒",
    )

    class Meta(Orderable.Meta):
        app_label = "content"
        verbose_name = "播放项"
        verbose_name_plural = "播放项"

    def clean(self):
        chosen = [x for x in (self.page_id, self.image_id, self.clip_id) if x]
        if len(chosen) != 1:
            raise ValidationError("每个播放项请选择且只选择一项：页面、图片或短视频")
        if self.clip_id and not is_clip(self.clip):
            raise ValidationError({"clip": "短视频须为 MP4 或 WebM 文件"})

    @property
    def key(self):
        if self.page_id:
            return f"page:{self.page_id}"
        if self.image_id:
            return f"image:{self.image_id}"
        return f"clip:{self.clip_id}"


class PlaylistRule(Orderable):
    """A daypart: on these weekdays, between these times, within these dates."""

    playlist = ParentalKey(Playlist, on_delete=models.CASCADE, related_name="rules")
    weekdays = models.CharField(
        "星期", max_length=7, default="1234567", help_text="1=周一 … 7=周日，如 12345"
    )
    start_time = models.TimeField("开始时间", default=datetime.time(0, 0))
    end_time = models.TimeField("结束时间", default=datetime.time(23, 59, 59))
    start_date = models.DateField("开始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True)

    class Meta(Orderable.Meta):
        app_label = "content"
        verbose_name = "播放时段"
        verbose_name_plural = "播放时段"

    def clean(self):
        if not self.weekdays or set(self.weekdays) - set("1234567"):
            raise ValidationError({"weekdays": "星期只能由 1～7 组成"})
        if self.start_time >= self.end_time:
            raise ValidationError({"end_time": "结束时间须晚于开始时间"})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期"})

    def windows(self, start, end):
        """Concrete [from, until) windows of this rule that overlap two aware datetimes."""
        tz = timezone.get_current_timezone()
        day = timezone.localtime(start, tz).date() - datetime.timedelta(days=1)
        last = timezone.localtime(end, tz).date()
        result = []
        while day <= last:
            if (
                str(day.isoweekday()) in self.weekdays
                and (self.start_date is None or day >= self.start_date)
                and (self.end_date is None or day <= self.end_date)
            ):
                lo = timezone.make_aware(datetime.datetime.combine(day, self.start_time), tz)
                hi = timezone.make_aware(datetime.datetime.combine(day, self.end_time), tz)
                if lo < end and hi > start:  # whole dayparts, so rebuilds agree
                    result.append((lo, hi))
            day += datetime.timedelta(days=1)
        return result


class EmergencyInsert(models.Model):
    """紧急插播: overrides the playlist of its groups while it runs."""

    title = models.CharField("标题", max_length=40)
    text = models.TextField("插播文字", max_length=500, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="图片",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    clip = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="短视频",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    groups = models.ManyToManyField(DisplayGroup, verbose_name="插播分组", related_name="+")
    priority = models.IntegerField("优先级", default=100)
    starts_at = models.DateTimeField("开始", default=timezone.now)
    ends_at = models.DateTimeField("结束")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="批准人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        app_label = "content"
        verbose_name = "紧急插播"
        verbose_name_plural = "紧急插播"

    def __str__(self):
        return self.title

    def clean(self):
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束须晚于开始"})
        if not (self.text or self.image_id or self.clip_id):
            raise ValidationError("请填写插播文字，或选择图片/短视频")


class PlayTally(models.Model):
    """Proof of play, stored compactly: one row per day, device and item."""

    day = models.DateField()
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    item = models.CharField(max_length=24)
    plays = models.PositiveIntegerField(default=0)
    seconds = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "content"
        verbose_name = "播放记录"
        verbose_name_plural = "播放记录"
        constraints = [
            models.UniqueConstraint(fields=["day", "device", "item"], name="one_tally_per_day")
        ]

    def __str__(self):
        return f"{self.day} {self.device_id} {self.item} ×{self.plays}"


class MediaDigest(models.Model):
    """sha256 of a stored file, computed once (clips can be large)."""

    name = models.CharField(max_length=255, unique=True)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        app_label = "content"

    def __str__(self):
        return f"{self.name} {self.sha256[:12]}"


# --- snapshots ----------------------------------------------------------------------------


def digest(storage_file):
    """(bytes, sha256) of a file in storage, cached by name and size."""
    name, size = storage_file.name, storage_file.size
    known = MediaDigest.objects.filter(name=name, size=size).first()
    if known:
        return size, known.sha256
    sha = hashlib.sha256()
    with storage_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    MediaDigest.objects.update_or_create(
        name=name, defaults={"size": size, "sha256": sha.hexdigest()}
    )
    return size, sha.hexdigest()


def image_media(image, group):
    rendition = image.get_rendition(still_spec(image, group.width, group.height))
    size, sha = digest(rendition.file)
    return {
        "type": "image",
        "url": rendition.url,
        "bytes": size,
        "sha256": sha,
        "width": rendition.width,
        "height": rendition.height,
        "duration": None,
    }


def clip_media(document, group, duration):
    if not group.accepts_clip(document.file.name):
        return None
    size, sha = digest(document.file)
    return {
        "type": "video",
        # With object storage a document's own URL is signed and expires: stored
        # snapshots link the portal's document view, which redirects to a fresh one.
        "url": document.url if settings.PORTAL_PRIVATE_DOCUMENTS else document.file.url,
        "bytes": size,
        "sha256": sha,
        "width": group.width,
        "height": group.height,
        "duration": duration,
    }


def item_entry(item, group, windows, now=None):
    """One playable entry, or None when there is nothing the group can show."""
    media, title, duration = [], item.title, item.duration
    if item.page_id:
        page = item.page.specific
        if not (page.live and getattr(page, "channel_screen", False)):
            return None
        duration = duration or page.screen_duration
        title = title or page.screen_slide_title
        still = page.screen_still(group.width, group.height)
        if still is not None:
            media.append(image_media(still, group))
        if page.screen_clip_id:
            clip = clip_media(page.screen_clip, group, duration)
            if clip:
                media.append(clip)
        windows = clip_windows(windows, page.screen_valid_from, page.screen_valid_until)
        if windows is not None and now is not None:
            # A window that has already ended (e.g. validity ran out this morning) is gone.
            windows = [(lo, hi) for lo, hi in windows if hi is None or hi > now]
    elif item.image_id:
        duration = duration or 15
        title = title or item.image.title
        media.append(image_media(item.image, group))
    else:
        duration = duration or 15
        title = title or item.clip.title
        clip = clip_media(item.clip, group, duration)
        if clip is None:
            return None
        media.append(clip)
    if not media or windows == []:
        return None
    return {
        "id": item.key,
        "title": title[:40],
        "duration": duration,
        "media": media,
        "windows": None if windows is None else [[iso(lo), iso(hi)] for lo, hi in windows],
    }


def clip_windows(windows, valid_from, valid_until):
    """Intersect windows (None = always) with a validity range (either end may be open).
    A window is (from or None, until or None)."""
    if valid_from is None and valid_until is None:
        return windows
    if windows is None:
        windows = [(None, None)]
    result = []
    for lo, hi in windows:
        lo = max(x for x in (lo, valid_from) if x is not None) if (lo or valid_from) else None
        hi = min(x for x in (hi, valid_until) if x is not None) if (hi or valid_until) else None
        if lo is None or hi is None or lo < hi:
            result.append((lo, hi))
    return result


def playlist_windows(playlist, start, end):
    """None when the playlist always plays; else its dayparts that touch the horizon."""
    rules = list(playlist.rules.all())
    if not rules:
        return None
    return sorted(w for rule in rules for w in rule.windows(start, end))


def emergency_entry(insert, group):
    media = []
    if insert.image_id:
        media.append(image_media(insert.image, group))
    if insert.clip_id:
        clip = clip_media(insert.clip, group, None)
        if clip:
            media.append(clip)
    return {
        "id": f"emergency:{insert.pk}",
        "title": insert.title,
        "text": insert.text,
        "priority": insert.priority,
        "starts_at": iso(insert.starts_at),
        "ends_at": iso(insert.ends_at),
        "media": media,
    }


def build_snapshot(group, now=None):
    """The group's feed for the next 24 hours (a dict; see README “Metro screens”)."""
    now = now or timezone.now()
    end = now + HORIZON
    items = []
    playlists = (
        group.playlists.filter(active=True)
        .prefetch_related("rules", "items__page", "items__image", "items__clip")
        .order_by("-priority", "pk")
    )
    for playlist in playlists:
        windows = playlist_windows(playlist, now, end)
        for item in playlist.items.all():
            entry = item_entry(item, group, windows, now)
            if entry:
                items.append(entry)
    inserts = EmergencyInsert.objects.filter(
        groups=group, ends_at__gt=now, starts_at__lt=end
    ).order_by("-priority", "starts_at")
    return {
        "group": {
            "slug": group.slug,
            "name": group.name,
            "width": group.width,
            "height": group.height,
            "orientation": group.orientation,
            "poll_interval": group.poll_interval,
        },
        "valid_from": iso(now),
        "valid_until": iso(end),
        "items": items,
        "emergency": [emergency_entry(insert, group) for insert in inserts],
    }


def content_hash(snapshot):
    """Fingerprint of what a player would show: generation times left out, so an hourly
    rebuild that changes nothing keeps the ETag (and players get 304s)."""
    stable = {k: v for k, v in snapshot.items() if k not in ("valid_from", "valid_until")}
    raw = json.dumps(stable, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def rebuild(group, now=None):
    snapshot = build_snapshot(group, now)
    digest_ = content_hash(snapshot)
    DisplayGroup.objects.filter(pk=group.pk).update(
        snapshot=snapshot, snapshot_hash=digest_, snapshot_built_at=timezone.now()
    )
    group.snapshot, group.snapshot_hash = snapshot, digest_
    return digest_


def groups_showing_page(page_id):
    return DisplayGroup.objects.filter(playlists__items__page_id=page_id).distinct()


def request_rebuild(groups):
    """Rebuild these groups' snapshots in the worker, after the current commit."""
    ids = sorted({g.pk if hasattr(g, "pk") else int(g) for g in groups})
    if not ids:
        return

    def enqueue():
        from .tasks import rebuild_screen_snapshots

        rebuild_screen_snapshots.enqueue(ids)

    transaction.on_commit(enqueue)
