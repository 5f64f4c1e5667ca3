"""Study progress: resume points and study time that cannot be faked.

A player reports {item, position_s, event} as it plays (start, beat every ~15 s, pause,
end). The resume position is what it says (within the media's length); study time only
grows by how far the position moved forward, and never by more than the wall time since
the previous report from that member for that item (plus a little slack for the
network). Seeking ahead, fast-forwarding or replaying old beats earn nothing, and the
clock is shared: playing two lessons at once does not earn time on both.
Finishing a lesson (90 % reached with 80 % of its length actually studied) earns the
lesson_done points once; audio earns the listen rule's points per N minutes listened.
"""

import math
import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from . import points
from .models import AudiobookChapter, MicroLessonPage, PointRule, StudyProgress

SLACK_S = 2.0
EVENTS = ("start", "beat", "pause", "end")
ITEM_KEY = re.compile(r"^(lesson|chapter):(\d{1,12})$")
DONE_AT, STUDIED_ENOUGH = 0.9, 0.8


class ProgressError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def resolve(key):
    """(kind, object id, duration in seconds, page) of a playable item anyone may see."""
    match = ITEM_KEY.match(key or "")
    if not match:
        raise ProgressError(400, "bad_item", "item 应形如 lesson:12 或 chapter:5")
    kind, pk = match.group(1), int(match.group(2))
    if kind == "lesson":
        lesson = MicroLessonPage.objects.live().public().filter(pk=pk).select_related("video")
        lesson = lesson.first()
        media, page = (lesson.video, lesson) if lesson else (None, None)
    else:
        chapter = AudiobookChapter.objects.filter(pk=pk).select_related("audio", "book").first()
        visible = (
            chapter
            and chapter.book.live
            and type(chapter.book).objects.filter(pk=chapter.book_id).public().exists()
        )
        media, page = (chapter.audio, chapter.book) if visible else (None, None)
    if media is None or not media.duration:
        raise ProgressError(404, "not_found", _("没有这个课程或章节"))
    return kind, pk, float(media.duration), page


def record(user, key, position_s, event, now=None):
    """Save a report; returns (progress, points earned by it)."""
    if event not in EVENTS:
        raise ProgressError(400, "bad_event", "event 应为 start、beat、pause 或 end")
    kind, pk, duration, _ = resolve(key)
    if not isinstance(position_s, int | float) or not math.isfinite(position_s):
        raise ProgressError(400, "bad_position", "position_s 应为秒数")
    if not 0 <= position_s <= duration + SLACK_S:
        raise ProgressError(400, "bad_position", f"position_s 应在 0～{duration:.0f} 秒之间")
    now = now or timezone.now()
    with transaction.atomic():
        progress, created = StudyProgress.objects.select_for_update().get_or_create(
            user=user, kind=kind, object_id=pk, defaults={"duration_s": duration}
        )
        before = progress.studied_s
        if not created and event != "start" and progress.last_beat_at:
            # The clock is shared by everything the member plays: a report from another
            # item since this one's last report means that time was spent there.
            elsewhere = latest_elsewhere(user, kind, pk) or progress.last_beat_at
            since = max(progress.last_beat_at, elsewhere)
            wall = max((now - since).total_seconds(), 0)
            advanced = position_s - progress.position_s
            if advanced > 0:
                progress.studied_s += min(advanced, wall + SLACK_S)
        progress.position_s = min(position_s, duration)
        progress.duration_s = duration
        progress.last_beat_at = now
        finished = progress.completed_at is None and (
            (event == "end" or progress.position_s >= DONE_AT * duration)
            and progress.studied_s >= STUDIED_ENOUGH * duration
        )
        if finished:
            progress.completed_at = now
        progress.save()
        earned = 0
        if finished and kind == "lesson":
            earned += points.award(user, "lesson_done", key, now)
        if kind == "chapter":
            earned += listening_points(user, key, before, progress.studied_s, now)
    return progress, earned


def latest_elsewhere(user, kind, pk):
    return (
        StudyProgress.objects.filter(user=user)
        .exclude(kind=kind, object_id=pk)
        .aggregate(latest=Max("last_beat_at"))["latest"]
    )


def listening_points(user, key, before_s, after_s, now):
    rule = PointRule.objects.filter(code="listen", active=True).first()
    if rule is None or not rule.minutes:
        return 0
    unit = rule.minutes * 60
    return sum(
        points.award(user, "listen", f"{key}:{n}", now)
        for n in range(int(before_s // unit) + 1, int(after_s // unit) + 1)
    )


def resume_points(user, limit=50):
    return StudyProgress.objects.filter(user=user).order_by("-updated_at")[:limit]
