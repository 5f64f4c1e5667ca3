"""Live events (网络直播): the event page, its stream keys.

A LiveEventPage sits in an organisation's 学习园地 (learning.CourseIndexPage) beside the
micro-lessons, so its organisation scope is the organisation it sits under and its
replay lands in the same column. What editors write (title, speaker, times, cover,
description) goes through revisions like any page; what the ingest and the worker set
(status, error, viewers, replay) is state of the page as a whole and survives restoring
or publishing an older revision (with_content_json).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from base.slugs import PortalPageForm
from sites.models import InOrganisation


class LiveEventPage(InOrganisation, Page):
    SCHEDULED, LIVE, ENDED, REPLAY, ERROR = "scheduled", "live", "ended", "replay", "error"
    STATUSES = [
        (SCHEDULED, "未开始"),
        (LIVE, "直播中"),
        (ENDED, "已结束"),
        (REPLAY, "回放"),
        (ERROR, "回放生成失败"),
    ]
    # What viewers see: an error is an ended event to them (editors see the reason).
    PUBLIC_STATES = {SCHEDULED: "upcoming", LIVE: "live", ENDED: "ended", ERROR: "ended"}
    PUBLIC_LABELS = {
        "upcoming": pgettext_lazy("live event", "未开始"),
        "live": pgettext_lazy("live event", "直播中"),
        "ended": pgettext_lazy("live event", "已结束"),
        "replay": pgettext_lazy("live event", "回放"),
    }
    # Set by the ingest callbacks and the replay task, never by an editor's revision.
    RUNTIME_FIELDS = [
        "status",
        "status_message",
        "viewer_count",
        "went_live_at",
        "ended_at",
        "recording_path",
        "replay_id",
    ]

    speaker = models.CharField("主讲人", max_length=60, blank=True)
    starts_at = models.DateTimeField("计划开始时间")
    ends_at = models.DateTimeField("计划结束时间")
    cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="封面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    description = RichTextField("简介", blank=True, features=["bold", "ol", "ul", "link"])

    status = models.CharField(
        "状态", max_length=10, choices=STATUSES, default=SCHEDULED, editable=False
    )
    status_message = models.CharField("出错说明", max_length=500, blank=True, editable=False)
    viewer_count = models.PositiveIntegerField("最高同时在线人数", default=0, editable=False)
    went_live_at = models.DateTimeField("开播时间", null=True, blank=True, editable=False)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True, editable=False)
    recording_path = models.CharField("录像文件", max_length=500, blank=True, editable=False)
    replay = models.ForeignKey(
        "learning.MicroLessonPage",
        verbose_name="回放微课",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    base_form_class = PortalPageForm  # pinyin slug from a Chinese title
    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = []
    content_panels = [
        HelpPanel(template="livestream/admin/status_panel.html", heading="直播状态"),
        *Page.content_panels,
        FieldPanel("speaker"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("cover"),
        FieldPanel("description"),
    ]
    template = "livestream/live_event_page.html"

    class Meta:
        verbose_name = "网络直播"
        verbose_name_plural = "网络直播"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束时间必须晚于开始时间。"})

    def with_content_json(self, content):
        """A revision brings back what editors wrote, never an old status, viewer count
        or replay: those are read from the database as they are now."""
        page = super().with_content_json(content)
        current = self.pk and (
            LiveEventPage.objects.filter(pk=self.pk).values(*self.RUNTIME_FIELDS).first()
        )
        for field, value in (current or {}).items():
            setattr(page, field, value)
        return page

    @property
    def public_state(self):
        """upcoming / live / ended / replay: a replay whose lesson is not published, and
        a scheduled event whose time has passed, are just ended to viewers."""
        if self.status == self.REPLAY:
            return "replay" if self.replay_id and self.replay.live else "ended"
        if self.status == self.SCHEDULED and self.ends_at < timezone.now():
            return "ended"
        return self.PUBLIC_STATES.get(self.status, "ended")

    @property
    def public_state_label(self):
        return str(self.PUBLIC_LABELS[self.public_state])  # in the active language

    @property
    def publish_opens_at(self):
        """A broadcaster may start pushing from here until the scheduled end."""
        return self.starts_at - datetime.timedelta(minutes=settings.LIVESTREAM_EARLY_MINUTES)

    @property
    def stream_name(self):
        """The RTMP stream name, and the HLS playlist's name: the page id."""
        return str(self.pk)

    @property
    def hls_path(self):
        return f"{settings.LIVESTREAM_HLS_URL.rstrip('/')}/{self.stream_name}.m3u8"

    def get_context(self, request, *args, **kwargs):
        from . import viewers

        context = super().get_context(request, *args, **kwargs)
        context["organisation"] = self.organisation()
        context["viewers_now"] = viewers.count(self.pk) if self.status == self.LIVE else 0
        return context


class StreamKey(models.Model):
    """A key that lets one broadcaster push one stream for an event. The key is shown
    once when it is made; only a salted sha256 is kept. Single use: the publish it
    starts consumes it. Issuing a new key revokes the event's unused ones."""

    event = models.ForeignKey(
        LiveEventPage, on_delete=models.CASCADE, related_name="stream_keys", verbose_name="直播"
    )
    salt = models.CharField(max_length=32)
    key_hash = models.CharField(max_length=64)
    hint = models.CharField("密钥前缀", max_length=8)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="生成人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField("有效期至")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "推流密钥"
        verbose_name_plural = "推流密钥"
        indexes = [models.Index(fields=["event", "-created_at"])]

    def __str__(self):
        return f"{self.event_id}: {self.hint}…"
