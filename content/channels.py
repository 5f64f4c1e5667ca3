"""One draft, three outlets: the channel fields every publishable page carries.

An editor writes a page once and ticks where it goes: the web site (the page itself), the
mobile app (a card: short title, summary, cover) and the metro screens (a slide: very short
title, a still and/or a short clip, how long it stays up, and the window it may be shown in).
Previews show each outlet (Wagtail preview modes); proofreading checks the limits; the outbox
sends one event per channel.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.template.response import TemplateResponse
from django.utils.html import strip_tags
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.models import Page

from base.panels import PanelSlot
from base.slugs import PortalPageForm

CHANNELS = ("web", "app", "screen")
CHANNEL_LABELS = {"web": "网站", "app": "手机客户端", "screen": "地铁屏"}
APP_TITLE_MAX = 30
SCREEN_TITLE_MAX = 20
SCREEN_DURATION_MIN, SCREEN_DURATION_MAX = 5, 60
CLIP_EXTENSIONS = (".mp4", ".webm")

PREVIEW_MODES = [
    ("", "网页"),
    ("app", "手机卡片"),
    ("screen-landscape", "站台屏 1920×1080"),
    ("screen-portrait", "车厢屏 1080×1920"),
]
SCREEN_SIZES = {"screen-landscape": (1920, 1080), "screen-portrait": (1080, 1920)}


class ChannelFieldsMixin(models.Model):
    """Abstract fields and behaviour shared by every page type that goes out."""

    channel_web = models.BooleanField("网站", default=True)
    channel_app = models.BooleanField("手机客户端", default=False)
    channel_screen = models.BooleanField("地铁屏", default=False)
    app_title = models.CharField(
        "客户端标题",
        max_length=APP_TITLE_MAX,
        blank=True,
        help_text=f"不超过 {APP_TITLE_MAX} 字；留空则用页面标题",
    )
    app_summary = models.TextField("客户端摘要", max_length=120, blank=True)
    app_cover = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="客户端封面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    screen_title = models.CharField(
        "屏幕标题",
        max_length=SCREEN_TITLE_MAX,
        blank=True,
        help_text=f"不超过 {SCREEN_TITLE_MAX} 字；留空则用页面标题",
    )
    screen_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="屏幕画面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    screen_image_portrait = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="竖屏画面",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="车厢屏等竖屏用；留空则竖屏完整显示横屏画面（上下留边，不裁掉文字）",
    )
    screen_clip = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name="屏幕短视频",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="MP4 或 WebM",
    )
    screen_duration = models.PositiveSmallIntegerField(
        "播放时长（秒）",
        default=15,
        validators=[
            MinValueValidator(SCREEN_DURATION_MIN),
            MaxValueValidator(SCREEN_DURATION_MAX),
        ],
    )
    screen_valid_from = models.DateTimeField("屏幕播放起", null=True, blank=True)
    screen_valid_until = models.DateTimeField("屏幕播放止", null=True, blank=True)

    base_form_class = PortalPageForm
    preview_modes = PREVIEW_MODES

    channel_panels = [
        FieldRowPanel(
            [FieldPanel("channel_web"), FieldPanel("channel_app"), FieldPanel("channel_screen")],
            heading="发布渠道",
        ),
        MultiFieldPanel(
            [FieldPanel("app_title"), FieldPanel("app_summary"), FieldPanel("app_cover")],
            heading="手机客户端",
        ),
        MultiFieldPanel(
            [
                FieldPanel("screen_title"),
                FieldRowPanel(
                    [
                        FieldPanel("screen_image"),
                        FieldPanel("screen_image_portrait"),
                        FieldPanel("screen_clip"),
                    ]
                ),
                FieldPanel("screen_duration"),
                FieldRowPanel([FieldPanel("screen_valid_from"), FieldPanel("screen_valid_until")]),
            ],
            heading="地铁屏",
        ),
    ]
    channel_api_fields = [
        APIField("channels"),
        APIField("app_title"),
        APIField("app_summary"),
        APIField("screen_title"),
        APIField("screen_duration"),
        APIField("screen_valid_from"),
        APIField("screen_valid_until"),
    ]

    class Meta:
        abstract = True

    @classmethod
    def tabs(cls, content_panels):
        """The edit form: 内容 | 发布渠道 | 推广 | 设置. Apps above put notices on top of the
        内容 tab through the "page-form-top" slot (the kitchen: proofreading findings)."""
        return TabbedInterface(
            [
                ObjectList([PanelSlot("page-form-top"), *content_panels], heading="内容"),
                ObjectList(cls.channel_panels, heading="发布渠道"),
                ObjectList(Page.promote_panels, heading="推广"),
                ObjectList(Page.settings_panels, heading="设置"),
            ]
        )

    @property
    def channels(self):
        return [name for name in CHANNELS if getattr(self, f"channel_{name}")]

    @property
    def app_card_title(self):
        return self.app_title or self.title

    @property
    def screen_slide_title(self):
        return self.screen_title or self.title

    @property
    def plain_summary(self):
        summary = getattr(self, "summary", "") or ""
        if summary:
            return summary
        body = getattr(self, "body", "")
        return strip_tags(str(body))[:120] if body else ""

    def clean(self):
        super().clean()
        errors = {}
        if self.screen_valid_from and self.screen_valid_until:
            if self.screen_valid_until <= self.screen_valid_from:
                errors["screen_valid_until"] = "屏幕播放止必须晚于播放起"
        if self.screen_clip_id and not is_clip(self.screen_clip):
            errors["screen_clip"] = "屏幕短视频须为 MP4 或 WebM 文件"
        if not self.channels:
            errors["channel_web"] = "请至少选择一个发布渠道"
        if errors:
            raise ValidationError(errors)

    def channel_payload(self, channel):
        """What one outlet needs to show this page (sent with outbox events)."""
        data = {"id": self.pk, "title": self.title, "channels": self.channels}
        if channel == "web":
            data["url"] = self.get_full_url()
        elif channel == "app":
            data.update(
                app_title=self.app_card_title,
                app_summary=self.app_summary or self.plain_summary,
                app_cover=image_url(self.app_cover),
            )
        elif channel == "screen":
            data.update(
                screen_title=self.screen_slide_title,
                screen_image=image_url(self.screen_image),
                screen_image_portrait=image_url(self.screen_image_portrait),
                screen_clip=self.screen_clip.url if self.screen_clip_id else None,
                screen_duration=self.screen_duration,
                screen_valid_from=iso(self.screen_valid_from),
                screen_valid_until=iso(self.screen_valid_until),
            )
        return data

    def serve_preview(self, request, mode_name):
        if mode_name == "app":
            return TemplateResponse(
                request, "content/preview/app_card.html", {"page": self, "self": self}
            )
        if mode_name in SCREEN_SIZES:
            width, height = SCREEN_SIZES[mode_name]
            still = self.screen_still(width, height)
            return TemplateResponse(
                request,
                "content/preview/screen_slide.html",
                {
                    "page": self,
                    "self": self,
                    "width": width,
                    "height": height,
                    "orientation": orientation(width, height),
                    "still": still and still.get_rendition(still_spec(still, width, height)),
                },
            )
        return super().serve_preview(request, mode_name)

    def screen_still(self, width, height):
        """The still for a screen of this size: the portrait one on portrait screens when
        there is one, else the main one."""
        if orientation(width, height) == "portrait" and self.screen_image_portrait_id:
            return self.screen_image_portrait
        return self.screen_image


def orientation(width, height):
    return "landscape" if width >= height else "portrait"


def still_spec(image, width, height):
    """Rendition of a still for a width×height screen: cropped to fill it when the still
    has the screen's orientation; otherwise fitted inside it whole (the player letterboxes
    it), so a landscape slide's text is not cut away on a portrait screen."""
    if orientation(image.width, image.height) == orientation(width, height):
        return f"fill-{width}x{height}|format-jpeg"
    return f"max-{width}x{height}|format-jpeg"


def is_clip(document):
    """An uploaded document that screens can play as a clip (MP4 or WebM)."""
    return document.file.name.lower().endswith(CLIP_EXTENSIONS)


def image_url(image):
    if image is None:
        return None
    return image.get_rendition("max-1280x1280").url


def iso(value):
    return value.isoformat() if value else None
