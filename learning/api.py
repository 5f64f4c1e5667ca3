"""Learning API (django-ninja, mounted under /api/v2/): lessons, audiobooks, the member's
progress and points, leaderboards. `/me/` endpoints use the session (the web player) and
answer 401 JSON without one; POSTs need the CSRF token like any form."""

import datetime
from typing import Annotated

from django.db.models import Prefetch
from django.utils import timezone
from ninja import Path, Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field

from base.api import (
    ERRORS,
    MAX_ID,
    SESSION_POST_ERRORS,
    ApiError,
    ErrorOut,
    Locale,
    PageNumber,
    one_of,
    paginate,
    url_of,
)
from sites.api import organisation_or_404
from sites.tree import descendants_q

from . import points, progress, quizzes
from .models import CATEGORIES, AudiobookChapter, AudiobookPage, MicroLessonPage, Quiz, QuizAttempt

router = Router(tags=["学习"])
AUTH_ERRORS = {**ERRORS, 401: ErrorOut}
SCOPES = ("members", "branches", "composite")
PERIODS = ("day", "week", "month", "year", "all")
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class LessonOut(Schema):
    id: int
    title: str
    category: str
    category_label: str
    speaker: str
    summary: str
    duration: int
    video_url: str | None
    poster_url: str | None
    subtitles_url: str | None
    quiz_id: int | None
    url: str | None


class LessonList(Schema):
    count: int
    page: int
    pages: int
    results: list[LessonOut]


class ChapterOut(Schema):
    id: int
    title: str
    duration: int
    audio_url: str | None


class AudiobookOut(Schema):
    id: int
    title: str
    narrator: str
    duration: int
    url: str | None
    chapters: list[ChapterOut]


class AudiobookList(Schema):
    count: int
    page: int
    pages: int
    results: list[AudiobookOut]


class ProgressIn(Schema):
    item: str
    position_s: float = Field(allow_inf_nan=False)
    event: str = "beat"


class ProgressOut(Schema):
    item: str
    position_s: float
    duration_s: float
    studied_s: float
    completed: bool
    updated_at: datetime.datetime


class ProgressSaved(ProgressOut):
    points_earned: int


class ProgressList(Schema):
    results: list[ProgressOut]


class PointEventOut(Schema):
    rule: str
    name: str
    points: int
    day: datetime.date
    ref: str


class PointsOut(Schema):
    balance: int
    history: list[PointEventOut]


class RankOut(Schema):
    rank: int
    points: int
    name: str | None = None
    evaluation: int | None = None
    composite: float | None = None
    branch_id: int
    branch_title: str
    members: int | None = None
    average: float | None = None


class QuizOut(Schema):
    id: int
    title: str
    questions: int
    time_limit_s: int


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    choices: list[str]


class AttemptOut(Schema):
    attempt: int
    quiz: int
    closes_at: datetime.datetime
    questions: list[QuestionOut]


class AnswersIn(Schema):
    answers: dict[str, list[int]]


class ResultOut(Schema):
    question: int
    correct: bool
    answer: list[int]
    explanation: str


class ScoreOut(Schema):
    score: int
    correct: int
    total: int
    points_earned: int
    results: list[ResultOut]


class Leaderboard(Schema):
    org: str
    scope: str
    period: str
    results: list[RankOut]


def lesson_out(lesson, request):
    video = lesson.video
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "category": lesson.category,
        "category_label": lesson.get_category_display(),
        "speaker": lesson.speaker,
        "summary": lesson.summary,
        "duration": lesson.duration,
        "video_url": url_of(request, video.playable) if video else None,
        "poster_url": url_of(request, video.thumbnail) if video else None,
        "subtitles_url": url_of(request, video.subtitles) if video else None,
        "quiz_id": lesson.quiz_id,
        "url": lesson.get_full_url(request),
    }


def audiobook_out(book, request):
    chapters = list(book.chapters.all())
    return {
        "id": book.pk,
        "title": book.title,
        "narrator": book.narrator,
        "duration": sum(c.duration for c in chapters),
        "url": book.get_full_url(request),
        "chapters": [
            {
                "id": c.pk,
                "title": c.title,
                "duration": c.duration,
                "audio_url": url_of(request, c.audio.playable) if c.audio else None,
            }
            for c in chapters
        ],
    }


def progress_out(row):
    return {
        "item": f"{row.kind}:{row.object_id}",
        "position_s": round(row.position_s, 1),
        "duration_s": round(row.duration_s, 1),
        "studied_s": round(row.studied_s, 1),
        "completed": row.completed_at is not None,
        "updated_at": row.updated_at,
    }


@router.get("/lessons/", response={200: LessonList, **ERRORS}, summary="微课")
def lessons(
    request,
    org: str = "",
    category: one_of(dict(CATEGORIES), "只要这一类微课") | None = None,
    page: PageNumber = 1,
    locale: Locale = None,
):
    """Micro-lessons under organisation `org` (default: the whole city), newest first;
    `locale` (default zh-hans) picks the language version."""
    organisation = organisation_or_404(org, locale)
    queryset = MicroLessonPage.objects.live().public().filter(descendants_q(organisation))
    if category:
        queryset = queryset.filter(category=category)
    queryset = queryset.select_related("video").order_by("-first_published_at", "-pk")
    return paginate(queryset, page, lambda lesson: lesson_out(lesson, request))


@router.get("/audiobooks/", response={200: AudiobookList, **ERRORS}, summary="有声读物")
def audiobooks(request, org: str = "", page: PageNumber = 1):
    """Audiobooks under organisation `org` with their chapters, audio URLs and durations."""
    organisation = organisation_or_404(org)
    queryset = (
        AudiobookPage.objects.live()
        .public()
        .filter(descendants_q(organisation))
        .prefetch_related(
            Prefetch("chapters", queryset=AudiobookChapter.objects.select_related("audio"))
        )
        .order_by("-first_published_at", "-pk")
    )
    return paginate(queryset, page, lambda book: audiobook_out(book, request))


@router.get("/me/progress/", response={200: ProgressList, **AUTH_ERRORS}, auth=django_auth)
def my_progress(request):
    """My resume points, most recent first."""
    return {"results": [progress_out(p) for p in progress.resume_points(request.auth)]}


@router.post(
    "/me/progress/",
    response={200: ProgressSaved, **SESSION_POST_ERRORS},
    auth=django_auth,
    url_name="learning_progress",
)
def save_progress(request, report: ProgressIn):
    """Report where playback is: `event` start, beat (every ~15 s), pause or end. Study
    time grows only as far as the position moved and never faster than the clock."""
    try:
        row, earned = progress.record(request.auth, report.item, report.position_s, report.event)
    except progress.ProgressError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from None
    return {**progress_out(row), "points_earned": earned}


@router.get("/me/points/", response={200: PointsOut, **AUTH_ERRORS}, auth=django_auth)
def my_points(request):
    """My points balance and the latest ledger entries."""
    return {
        "balance": points.balance(request.auth),
        "history": [
            {
                "rule": e.rule.code,
                "name": e.rule.name,
                "points": e.points,
                "day": e.day,
                "ref": e.ref,
            }
            for e in points.history(request.auth)
        ],
    }


@router.get("/leaderboard/", response={200: Leaderboard, **ERRORS}, summary="积分排行")
def leaderboard(
    request,
    org: str = "",
    scope: one_of(SCOPES, "members 按积分，branches 按支部人均，composite 按年度综合") = "members",
    period: one_of(PERIODS, "统计周期（composite 时总是 year）") = "week",
    year: Annotated[int, Query(ge=2000, le=2100, description="composite 的年份，默认今年")]
    | None = None,
):
    """Ranking in organisation `org`'s subtree: `scope=members` by points, `branches` by
    their members' average; `period` week, month or year (the current one).
    `scope=composite` is the yearly score: 60 % points (the subtree's best = 100) + 40 %
    the branch's evaluation, for `year` (default: this year)."""
    organisation = organisation_or_404(org)
    if scope == "composite":
        year = year or timezone.localdate().year
        results = points.composite_ranking(organisation, year)
        period = "year"
    else:
        results = points.leaderboard(organisation, scope, period)
    return {"org": organisation.code, "scope": scope, "period": period, "results": results}


def quiz_error(exc):
    return ApiError(exc.status, exc.code, exc.message)


@router.get("/quizzes/daily/", response={200: QuizOut, **ERRORS}, summary="每日一练")
def daily(request):
    """Today's daily quiz (the same questions for everyone today)."""
    try:
        quiz = quizzes.daily_quiz()
    except quizzes.QuizError as exc:
        raise quiz_error(exc) from None
    return {
        "id": quiz.pk,
        "title": quiz.title,
        "questions": quiz.entries.count(),
        "time_limit_s": quiz.time_limit_s,
    }


@router.post(
    "/quizzes/{quiz_id}/attempts/",
    response={200: AttemptOut, **SESSION_POST_ERRORS},
    auth=django_auth,
    summary="开始答题",
)
def start_attempt(request, quiz_id: Id):
    """Start (or continue) an attempt: the questions without their answers, and when the
    attempt closes."""
    quiz = Quiz.objects.filter(pk=quiz_id).first()
    if quiz is None:
        raise ApiError(404, "not_found", "没有这个测验")
    attempt = quizzes.start(request.auth, quiz)
    return {
        "attempt": attempt.pk,
        "quiz": quiz.pk,
        "closes_at": attempt.closes_at,
        "questions": [
            {"id": q.pk, "kind": q.kind, "text": q.text, "choices": q.choices}
            for q in quizzes.questions_of(quiz)
        ],
    }


@router.post(
    "/attempts/{attempt_id}/answers/",
    response={200: ScoreOut, 409: ErrorOut, **SESSION_POST_ERRORS},
    auth=django_auth,
    summary="交卷",
)
def submit_answers(request, attempt_id: Id, body: AnswersIn):
    """Hand in: `answers` maps question ids to the chosen option indexes. Once only, and
    before the attempt closes (409 otherwise)."""
    attempt = QuizAttempt.objects.filter(pk=attempt_id, user=request.auth).first()
    if attempt is None:
        raise ApiError(404, "not_found", "没有这次答题")
    try:
        attempt, results, earned = quizzes.submit(attempt, body.answers)
    except quizzes.QuizError as exc:
        raise quiz_error(exc) from None
    return {
        "score": attempt.score,
        "correct": attempt.correct,
        "total": attempt.total,
        "points_earned": earned,
        "results": results,
    }
