"""After a live event: its recording becomes a micro-lesson (回放), in the task worker.

nginx-rtmp records the push as FLV (`<event id>-<unix time>.flv` in
LIVESTREAM_RECORD_DIR; on_record_done tells us the exact path). The replay job:

1. finds the recording and probes it (ffprobe);
2. copies its H.264/AAC streams into an MP4 with fast start (`-c copy`), or re-encodes
   it with the lesson media's web rendition when the push used other codecs;
3. stores that as a learning.LessonMedia in the organisation's collection, processed at
   once (duration, size, poster) so the lesson is complete when it appears;
4. creates a MicroLessonPage beside the event (same 学习园地 column) and links it. The
   lesson is published when the event page is: it is the recording of a broadcast the
   event page already announced, and editors can edit or unpublish it like any lesson.
   For a draft event the lesson stays a draft.

The event then shows 回放 and plays the lesson's video. A missing or unreadable
recording marks the event 回放生成失败 with the reason in Chinese for editors; nothing
escapes the task. The recording is deleted once the lesson has its MP4.
"""

import logging
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Collection

from base.slugs import unique_child_slug
from learning import ffmpeg
from learning.media import LessonMedia
from learning.models import CourseIndexPage, MicroLessonPage
from learning.processing import process

from .models import LiveEventPage

logger = logging.getLogger(__name__)


class ReplayError(Exception):
    """Why no replay could be made, in words for editors."""


def make_replay(event_id):
    """Turn the event's recording into its replay lesson; never raises."""
    event = LiveEventPage.objects.filter(pk=event_id).first()
    if event is None or event.status != LiveEventPage.ENDED:
        return None
    try:
        lesson = _make_replay(event)
    except (ReplayError, ffmpeg.MediaError) as error:
        return _failed(event, str(error))
    except (OSError, ValueError, subprocess.SubprocessError) as error:
        logger.warning("replay of live event %s failed", event.pk, exc_info=True)
        return _failed(event, f"生成回放失败：{error}")
    except Exception:  # a task must leave the event in a state editors understand
        logger.exception("replay of live event %s failed", event.pk)
        return _failed(event, "生成回放时出现内部错误，请联系管理员查看日志。")
    return lesson


def _failed(event, message):
    LiveEventPage.objects.filter(pk=event.pk).update(
        status=LiveEventPage.ERROR, status_message=message[:500]
    )
    return None


def find_recording(event):
    """The recording nginx told us about, else the newest `<id>-*.flv` / `<id>.flv`."""
    if event.recording_path and Path(event.recording_path).is_file():
        return Path(event.recording_path)
    folder = Path(settings.LIVESTREAM_RECORD_DIR)
    found = [*folder.glob(f"{event.stream_name}-*.flv"), *folder.glob(f"{event.stream_name}.flv")]
    if not found:
        raise ReplayError("没有找到直播录像文件（请检查 nginx 的 record 设置和录像目录）。")
    return max(found, key=lambda p: p.stat().st_mtime)


def _make_replay(event):
    recording = find_recording(event)
    try:
        info = ffmpeg.probe(recording)
    except ffmpeg.MediaError as error:
        raise ReplayError(f"直播录像无法读取，可能已损坏：{error}") from None
    if info.kind != "video":
        raise ReplayError("直播录像中没有视频画面。")
    with tempfile.TemporaryDirectory(prefix="portal-replay-") as folder:
        target = Path(folder) / f"live-{event.pk}.mp4"
        if info.video_codec == "h264" and info.audio_codec in (None, "aac"):
            ffmpeg.remux_mp4(recording, target)
        else:
            ffmpeg.web_rendition(recording, target, "video")
        media = _store_media(event, target)
    process(media.pk)  # duration, size, poster: now, not in a later job
    media.refresh_from_db()
    if media.status != LessonMedia.READY:
        message = media.status_message
        media.delete()
        raise ReplayError(f"回放视频处理失败：{message}")
    with transaction.atomic():
        lesson = _add_lesson(event, media)
        LiveEventPage.objects.filter(pk=event.pk).update(
            status=LiveEventPage.REPLAY, replay=lesson, status_message=""
        )
    recording.unlink(missing_ok=True)
    return lesson


def _collection(event):
    organisation = event.organisation()
    access = getattr(organisation, "access", None) if organisation else None
    return access.collection if access else Collection.get_first_root_node()


def _store_media(event, path):
    media = LessonMedia(title=f"{event.title}（直播回放）", type="video")
    media.collection = _collection(event)
    media.processed_by_caller = True
    with open(path, "rb") as handle:
        media.file.save(path.name, File(handle), save=False)
    media.save()
    return media


def _add_lesson(event, media):
    column = event.get_parent().specific
    if not isinstance(column, CourseIndexPage):
        raise ReplayError("直播不在学习园地栏目中，无法存放回放微课。")
    summary = Truncator(strip_tags(event.description)).chars(500)
    lesson = MicroLessonPage(
        title=f"{event.title}（回放）",
        slug=unique_child_slug(f"{event.slug}-huifang", column),
        category="dangke",
        video=media,
        poster=event.cover,
        speaker=event.speaker,
        summary=summary,
        live=False,
    )
    column.add_child(instance=lesson)
    revision = lesson.save_revision()
    if event.live:
        revision.publish()
        lesson.refresh_from_db()
    return lesson
