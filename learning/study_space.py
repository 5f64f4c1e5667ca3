"""学习园地 as a member sees it: lesson cards (poster, type, duration, and for a signed-in
member how far they got and whether they finished), filtered by type and by course with
plain GET parameters, a page at a time. The number of queries does not grow with the
number of lessons: posters' renditions are prefetched, progress is read in one query."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils.http import urlencode

from .models import CATEGORIES, CourseLesson, MicroLessonPage, StudyProgress

PAGE_SIZE = 12


@dataclass
class LessonCard:
    lesson: object
    percent: int = 0  # 0–100, how far the member got
    done: bool = False

    @property
    def started(self):
        return self.percent > 0 or self.done


def lesson_filters(params, courses):
    """(type, course) chosen by GET parameters; anything unknown means "all"."""
    kind = params.get("type", "")
    kind = kind if kind in dict(CATEGORIES) else ""
    course = params.get("course", "")
    chosen = next((c for c in courses if str(c.pk) == course), None)
    return kind, chosen


def lessons_of(index_page, kind="", course=None):
    """The index's own live, public lessons (or, for a course, the course's lessons
    wherever they are filed), newest first."""
    if course is not None:
        ids = CourseLesson.objects.filter(course=course).values("lesson_id")
        lessons = MicroLessonPage.objects.live().public().filter(pk__in=ids)
    else:
        lessons = MicroLessonPage.objects.live().public().child_of(index_page)
    if kind:
        lessons = lessons.filter(category=kind)
    return (
        lessons.select_related("video", "poster")
        .prefetch_related(Prefetch("poster__renditions"))
        .order_by("-first_published_at", "-pk")
    )


def cards_for(lessons, user):
    """LessonCards for `lessons`, with the member's progress (one query)."""
    lessons = list(lessons)
    found = {}
    if user.is_authenticated and lessons:
        found = {
            row.object_id: row
            for row in StudyProgress.objects.filter(
                user=user, kind=StudyProgress.LESSON, object_id__in=[p.pk for p in lessons]
            )
        }
    cards = []
    for lesson in lessons:
        row = found.get(lesson.pk)
        if row is None:
            cards.append(LessonCard(lesson))
            continue
        share = row.position_s / row.duration_s if row.duration_s else 0
        done = row.completed_at is not None
        cards.append(LessonCard(lesson, 100 if done else min(99, round(100 * share)), done))
    return cards


def study_space(index_page, request, courses):
    """What the 学习园地 template needs for its lessons section."""
    kind, course = lesson_filters(request.GET, courses)
    page = Paginator(lessons_of(index_page, kind, course), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    keep = {
        key: value for key, value in (("type", kind), ("course", course and course.pk)) if value
    }
    return {
        "lesson_cards": cards_for(page.object_list, request.user),
        "lessons_page": page,
        "lesson_type": kind,
        "lesson_course": course,
        "filter_query": urlencode(keep) + "&" if keep else "",
    }
