"""Video and audio for lessons and audiobooks: wagtailmedia's media items, with what we add.

wagtailmedia gives the admin (upload, chooser, collections and their permissions, tags);
our model adds what players need: a web-friendly rendition (H.264/AAC MP4 for video, AAC
for audio) made by ffmpeg in the task worker, the poster frame (wagtailmedia's thumbnail),
optional WebVTT subtitles, and a processing status editors can see. Duration, width and
height are read by ffprobe, not typed in.
"""

from django.core.validators import FileExtensionValidator
from django.db import models
from wagtailmedia.models import AbstractMedia


class LessonMedia(AbstractMedia):
    PENDING, READY, FAILED = "pending", "ready", "failed"
    STATUSES = [(PENDING, "处理中"), (READY, "可播放"), (FAILED, "处理失败")]

    web_file = models.FileField("网页播放文件", upload_to="media_web", blank=True, editable=False)
    subtitles = models.FileField(
        "字幕（WebVTT）",
        upload_to="media_subtitles",
        blank=True,
        validators=[FileExtensionValidator(["vtt"])],
    )
    status = models.CharField("状态", max_length=10, choices=STATUSES, default=PENDING)
    status_message = models.CharField("处理说明", max_length=500, blank=True, editable=False)

    admin_form_fields = ("title", "file", "collection", "subtitles", "tags")

    class Meta:
        verbose_name = "音视频"
        verbose_name_plural = "音视频"

    def __str__(self):
        return self.title

    @property
    def playable(self):
        """The file players get: the web rendition once made, else the upload."""
        return self.web_file or self.file

    @property
    def poster_url(self):
        return self.thumbnail.url if self.thumbnail else None
