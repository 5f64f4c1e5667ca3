"""Metro screens: display groups, devices, playlists, emergency inserts, proof of play.

Screens are dumb players on flaky networks. Each display group's playlist is rendered to a
stored JSON snapshot (screens/snapshots.py), so the feed request is a token lookup and a
snapshot read: no page tree, no rendering.

These models came from the content app and keep its tables (Meta.db_table).
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from content.channels import is_clip, orientation


def hash_token(token):
    """What is stored of a device token: HMAC-SHA256 under the deployment's
    SCREENS_TOKEN_KEY, taken over the token's sha256 — so hashes stored before the key
    (bare sha256) were upgraded in place by migration 0002 and no device had to be
    registered again."""
    return key_token_digest(hashlib.sha256(token.encode()).hexdigest())


def key_token_digest(digest):
    key = settings.SCREENS_TOKEN_KEY.encode()
    return hmac.new(key, digest.encode(), hashlib.sha256).hexdigest()


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
        db_table = "content_displaygroup"
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
        db_table = "content_device"
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
        db_table = "content_playlist"
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
        db_table = "content_playlistitem"
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
        db_table = "content_playlistrule"
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
        db_table = "content_emergencyinsert"
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
        db_table = "content_playtally"
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
        db_table = "content_mediadigest"

    def __str__(self):
        return f"{self.name} {self.sha256[:12]}"
