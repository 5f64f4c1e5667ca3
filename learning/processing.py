"""After an upload: duration, size and poster from the file itself, and a web rendition
when the upload would not play everywhere — in the task worker, after the commit.

Uploads are checked in the admin form first (media_forms.py), so what gets here is real
media; a failure still only marks the item 处理失败 with the reason, for editors to see.
"""

import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from . import ffmpeg
from .media import LessonMedia


@contextmanager
def local_copy(field_file):
    """A local path for a stored file (S3 or disk alike), removed afterwards."""
    suffix = Path(field_file.name).suffix
    with tempfile.TemporaryDirectory(prefix="portal-media-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with field_file.open("rb") as source, open(path, "wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield path


def process(media_id):
    """Probe, poster, rendition; status ready or failed. Never raises for a bad file."""
    media = LessonMedia.objects.filter(pk=media_id).first()
    if media is None or not media.file:
        return
    try:
        with local_copy(media.file) as path:
            info = ffmpeg.probe(path)
            if info.kind != media.type:
                raise ffmpeg.MediaError(
                    f"上传的是{'视频' if info.kind == 'video' else '音频'}，"
                    f"但登记为{'视频' if media.type == 'video' else '音频'}"
                )
            stem = Path(media.file.name).stem
            if info.kind == "video":
                poster = path.with_name("poster.jpg")
                ffmpeg.poster(path, poster, min(info.duration * 0.1, 10))
                with open(poster, "rb") as handle:
                    media.thumbnail.save(f"{stem}.jpg", File(handle), save=False)
            if not ffmpeg.browser_friendly(info):
                target = path.with_name("web.mp4" if info.kind == "video" else "web.m4a")
                ffmpeg.web_rendition(path, target, info.kind)
                with open(target, "rb") as handle:
                    media.web_file.save(f"{stem}{target.suffix}", File(handle), save=False)
        fields = {
            "duration": round(info.duration, 2),
            "width": info.width,
            "height": info.height,
            "thumbnail": media.thumbnail.name or "",
            "web_file": media.web_file.name or "",
            "status": LessonMedia.READY,
            "status_message": "",
        }
    except (ffmpeg.MediaError, OSError, ValueError) as error:
        fields = {"status": LessonMedia.FAILED, "status_message": str(error)[:500]}
    LessonMedia.objects.filter(pk=media_id).update(**fields)


@receiver(pre_save, sender=LessonMedia)
def remember_old_file(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._file_changed = True
        return
    old = LessonMedia.objects.filter(pk=instance.pk).values_list("file", flat=True).first()
    instance._file_changed = old != instance.file.name


@receiver(post_save, sender=LessonMedia)
def process_new_files(sender, instance, raw=False, **kwargs):
    """A new or replaced file: 处理中 now, processed by the worker after the commit.
    Code that processes an item itself sets `instance.processed_by_caller = True`."""
    if raw or not getattr(instance, "_file_changed", False) or not instance.file:
        return
    if getattr(instance, "processed_by_caller", False):
        return
    LessonMedia.objects.filter(pk=instance.pk).update(
        status=LessonMedia.PENDING, status_message="", web_file=""
    )

    def enqueue():
        from .tasks import process_media

        process_media.enqueue(instance.pk)

    transaction.on_commit(enqueue)
