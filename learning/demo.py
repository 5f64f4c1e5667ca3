"""The learning library's part of the demo city (called by portal.demo.load_demo).

Six micro-lessons with real short clips made by ffmpeg at load time, two audiobooks of
three chapters with narrations made once with espeak-ng (committed, small), a 网上党校
course, a question bank with a lesson quiz, and three members in every branch who have
studied: their progress and points come from the same progress.record()/award() calls
the API uses, at simulated times. Idempotent like the rest of the demo.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from base.demo_media import ensure_demo_image
from sites.demo import SURNAMES
from sites.models import OrganisationPage

from . import demo_media, points, progress, quizzes
from .media import LessonMedia
from .models import (
    AudiobookChapter,
    AudiobookPage,
    CourseIndexPage,
    CourseLesson,
    CoursePage,
    FeaturedLesson,
    MemberProfile,
    MicroLessonPage,
)

LESSONS = [
    # slug, title, category, speaker, clip lines, summary
    (
        "er-shi-da",
        "学习贯彻党的二十大精神",
        "dangke",
        "市委党校 李教授",
        ["学习贯彻", "党的二十大精神"],
        "十分钟读懂党的二十大报告的主题和主要内容。",
    ),
    (
        "san-hui-yi-ke",
        "“三会一课”怎么开",
        "dangke",
        "市委组织部 王处长",
        ["三会一课", "怎么开"],
        "支部党员大会、支部委员会、党小组会和党课的程序与要求。",
    ),
    (
        "hong-se-jia-shu",
        "一封红色家书",
        "gushi",
        "江城市党史办",
        ["一封", "红色家书"],
        "革命先辈写给家人的一封信，和信背后的故事。",
    ),
    (
        "chu-xin",
        "初心如磐 使命在肩",
        "gushi",
        "社区党委书记 张书记",
        ["初心如磐", "使命在肩"],
        "一位社区书记三十年如一日服务群众的故事。",
    ),
    (
        "xin-fa-zhan-li-nian",
        "新发展理念是什么",
        "lilun",
        "市委讲师团",
        ["新发展理念", "是什么"],
        "创新、协调、绿色、开放、共享，五分钟说清楚。",
    ),
    (
        "zhu-ti-dang-ri",
        "动画：主题党日这样过",
        "dongman",
        "江城市委组织部",
        ["动画", "主题党日这样过"],
        "用动画讲清主题党日的内容安排和注意事项。",
    ),
]
BOOKS = [
    (
        "dang-shi-gu-shi",
        "党史故事百讲（选读）",
        "江城市广播电台",
        ["第一讲 开天辟地", "第二讲 星火燎原", "第三讲 长征精神"],
    ),
    (
        "dang-zhang-du-ben",
        "党章学习有声读本",
        "市委党校",
        ["总纲（上）", "总纲（下）", "第一章 党员"],
    ),
]
QUESTIONS = (
    "题型,题目,选项A,选项B,选项C,选项D,答案,解析,分类\n"
    "单选,党的最高理想和最终目标是什么？,实现共产主义,全面建成小康社会,基本实现现代化,"
    "实现中华民族伟大复兴,A,党章总纲：党的最高理想和最终目标是实现共产主义。,党章\n"
    "多选,“三会一课”包括哪些？,支部党员大会,支部委员会,党小组会,党课,ABCD,"
    "“三会一课”即支部党员大会、支部委员会、党小组会和按时上好党课。,组织生活\n"
    "判断,主题党日一般每月开展一次。,,,,,对,多数地方规定每月固定一天为主题党日。,组织生活\n"
    "单选,新发展理念不包括下列哪一项？,创新,协调,封闭,共享,C,"
    "新发展理念是创新、协调、绿色、开放、共享。,理论\n"
    "判断,预备党员的预备期为两年。,,,,,错,预备党员的预备期为一年。,党章\n"
    "单选,党的二十大召开于哪一年？,2012年,2017年,2022年,2027年,C,"
    "党的二十大于2022年10月在北京召开。,二十大\n"
)
MEMBERS_PER_BRANCH = 3
GIVEN = ["建国", "秀英", "志强", "丽娟", "海燕", "国华", "文明", "红梅", "伟", "敏", "静", "磊"]


def ensure_learning_demo(home, password):
    city_learning = CourseIndexPage.objects.child_of(home).get(slug="learning")
    collection = home.access.collection
    lessons = [_ensure_lesson(city_learning, collection, *spec) for spec in LESSONS]
    for number, (slug, title, narrator, chapters) in enumerate(BOOKS):
        narrations = demo_media.NARRATIONS[number * 3 : number * 3 + len(chapters)]
        _ensure_book(city_learning, collection, slug, title, narrator, chapters, narrations)
    _ensure_course(city_learning, lessons[:3])
    _ensure_quiz(lessons[0])
    branches = list(OrganisationPage.objects.filter(kind="branch").order_by("path"))
    if branches:
        branch_learning = CourseIndexPage.objects.child_of(branches[0]).get(slug="learning")
        if not branch_learning.featured.exists():
            FeaturedLesson.objects.create(home=branch_learning, lesson=lessons[0], sort_order=0)
    _ensure_members(branches, password, lessons)


def _media(title, kind, filename, data, collection):
    media = LessonMedia.objects.filter(title=title).first()
    if media is not None:
        return media
    media = LessonMedia(title=title, type=kind, collection=collection)
    media.file.save(filename, ContentFile(data), save=False)
    media.save()
    demo_media.process_now(media)  # duration and poster now, not when the worker gets to it
    media.refresh_from_db()
    return media


def _ensure_lesson(parent, collection, slug, title, category, speaker, lines, summary):
    poster = ensure_demo_image(
        f"{title}（封面）", f"微课《{title}》封面", lines, len(title), collection, (1280, 720)
    )
    lesson = MicroLessonPage.objects.child_of(parent).filter(slug=slug).first()
    if lesson is not None:
        if lesson.poster_id is None:  # a demo made before lessons had posters
            MicroLessonPage.objects.filter(pk=lesson.pk).update(poster=poster)
        return lesson
    video = _media(
        f"{title}（视频）", "video", f"{slug}.mp4", demo_media.make_lesson_clip(lines), collection
    )
    lesson = parent.add_child(
        instance=MicroLessonPage(
            title=title,
            slug=slug,
            category=category,
            speaker=speaker,
            summary=summary,
            video=video,
            poster=poster,
            transcript=f"<p>{summary}</p><p>（演示内容：本片由程序生成，配以测试音。）</p>",
        )
    )
    lesson.save_revision().publish()
    return lesson


def _ensure_book(parent, collection, slug, title, narrator, chapter_titles, narrations):
    cover = ensure_demo_image(
        f"{title}（封面）",
        f"有声读物《{title}》封面",
        [title[:6], "有声读物"],
        len(title),
        collection,
        (800, 800),
    )
    existing = AudiobookPage.objects.child_of(parent).filter(slug=slug)
    if existing.exists():
        existing.filter(cover__isnull=True).update(cover=cover)
        return
    book = AudiobookPage(
        cover=cover,
        title=title,
        slug=slug,
        narrator=narrator,
        description=f"<p>{title}，{narrator}播讲。（演示内容：语音由 espeak-ng 合成）</p>",
    )
    for n, (chapter_title, name) in enumerate(zip(chapter_titles, narrations, strict=True)):
        audio = _media(
            f"{title} · {chapter_title}", "audio", name, demo_media.narration(name), collection
        )
        book.chapters.add(
            AudiobookChapter(
                title=chapter_title,
                audio=audio,
                sort_order=n,
                transcript=demo_media.narration_text(name),
            )
        )
    parent.add_child(instance=book).save_revision().publish()


def _ensure_course(parent, lessons):
    if CoursePage.objects.child_of(parent).filter(slug="ru-dang-jiao-yu").exists():
        return
    course = CoursePage(
        title="网上党校：入党教育必修课",
        slug="ru-dang-jiao-yu",
        description="<p>发展对象和预备党员必修的三节微课。</p>",
    )
    for n, lesson in enumerate(lessons):
        course.lessons.add(CourseLesson(lesson=lesson, sort_order=n))
    parent.add_child(instance=course).save_revision().publish()


def _ensure_quiz(lesson):
    from .models import Quiz, QuizEntry

    quizzes.import_questions(QUESTIONS.encode(), "demo-questions.csv")
    if lesson.quiz_id:
        return
    from .models import Question

    quiz = Quiz.objects.create(title=f"{lesson.title} · 课后测验", time_limit_s=300)
    for n, question in enumerate(Question.objects.order_by("pk")[:4]):
        QuizEntry.objects.create(quiz=quiz, question=question, sort_order=n)
    lesson.quiz = quiz
    lesson.save_revision().publish()


def _ensure_members(branches, password, lessons):
    """Three members per branch (phones 139…), studying at simulated times: some lessons
    finished, some halfway, so progress, points and rankings have something to show."""
    User = get_user_model()
    hashed = make_password(password)  # once: hashing is slow on purpose
    start = timezone.now() - datetime.timedelta(days=3)
    n = 0
    for branch in branches:
        for _ in range(MEMBERS_PER_BRANCH):
            n += 1
            phone = f"139{n:08d}"
            if MemberProfile.objects.filter(phone=phone).exists():
                continue
            name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)]
            with transaction.atomic():
                user = User.objects.create(username=phone, password=hashed)
                MemberProfile.objects.create(user=user, branch=branch, name=name, phone=phone)
            for k, lesson in enumerate(lessons[: 1 + n % len(lessons)]):
                _study(
                    user, lesson, start + datetime.timedelta(hours=n + k), finish=(n + k) % 3 != 0
                )


def _study(user, lesson, when, finish):
    key = f"lesson:{lesson.pk}"
    duration = lesson.video.duration if lesson.video_id else 0
    if not duration:
        return
    progress.record(user, key, 0, "start", now=when)
    steps = int(duration // 2) if finish else int(duration // 4)
    for step in range(1, steps + 1):
        progress.record(
            user,
            key,
            min(2.0 * step, duration),
            "beat",
            now=when + datetime.timedelta(seconds=2 * step),
        )
    if finish:
        progress.record(
            user, key, duration, "end", now=when + datetime.timedelta(seconds=duration + 1)
        )
    points.award(user, "daily_login", f"login:{when.date().isoformat()}", now=when)
