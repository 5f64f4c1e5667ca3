"""学习园地 as cards (type, duration, poster or a placeholder, progress and 已学完 for a
member), filters by type and course as plain links, a constant number of queries; and
我的学习 with today's points against the caps, the week, and the 30-day chart."""

import datetime
import re

import pytest
from django.utils import timezone

from base.svg_charts import bar_chart, nice_top
from learning import points, progress
from learning.models import CourseLesson, PointEvent, PointRule
from tests.learning.factories import CourseFactory, LessonFactory, MemberFactory, learning_home


def at(seconds):
    return timezone.now() - datetime.timedelta(hours=1) + datetime.timedelta(seconds=seconds)


def study(user, lesson, until, finish=False):
    key = f"lesson:{lesson.pk}"
    progress.record(user, key, 0, "start", now=at(0))
    for n in range(1, until // 15 + 1):
        progress.record(user, key, 15 * n, "beat", now=at(15 * n))
    if finish:
        progress.record(user, key, 120, "end", now=at(121))


@pytest.fixture
def library(org_tree):
    home = learning_home(org_tree["da-s1-b1"])
    lessons = [
        LessonFactory(parent=home, title=f"{label}第{n}讲", category=kind, slug=f"l-{kind}-{n}")
        for n in range(3)
        for kind, label in [("dangke", "党课"), ("gushi", "故事")]
    ]
    course = CourseFactory(parent=home, title="入党教育", slug="ru-dang")
    for n, lesson in enumerate(lessons[:2]):
        CourseLesson.objects.create(course=course, lesson=lesson, sort_order=n)
    return home, lessons, course


SITE = {"HTTP_HOST": "da-s1-b1.localhost"}  # the branch's own site, where its 学习园地 is


def card_titles(html):
    return re.findall(r'class="study-card__title">([^<]*)<', html)


def test_lessons_show_as_cards_with_type_duration_and_a_placeholder(client, library):
    home, lessons, _ = library
    html = client.get("/learning/", **SITE).content.decode()
    assert sorted(card_titles(html)) == sorted(lesson.title for lesson in lessons)
    assert html.count('data-testid="lesson-type">微党课<') == 3
    assert html.count('data-testid="duration">2分钟<') == 6  # 120 s videos
    assert html.count("study-card__placeholder") == 6  # no poster: the placeholder, no <img>
    assert "<img" not in html.split('id="lessons-title"')[1].split("</section>")[0]
    assert "已学完" not in html and "党员登录" in html


def test_filters_by_type_and_course_are_plain_links(client, library):
    home, lessons, course = library
    html = client.get("/learning/", {"type": "gushi"}, **SITE).content.decode()
    assert sorted(card_titles(html)) == sorted(
        lesson.title for lesson in lessons if "故事" in lesson.title
    )
    assert re.search(r'aria-current="page">微故事<', html)
    html = client.get("/learning/", {"course": course.pk}, **SITE).content.decode()
    assert sorted(card_titles(html)) == sorted(lesson.title for lesson in lessons[:2])
    html = client.get("/learning/", {"course": course.pk, "type": "gushi"}, **SITE).content.decode()
    assert card_titles(html) == [lessons[1].title]
    html = client.get("/learning/", {"type": "dongman"}, **SITE).content.decode()
    assert card_titles(html) == [] and 'data-testid="no-lessons"' in html
    for bad in [{"type": "x"}, {"course": "abc"}, {"course": "99999999999999999"}, {"page": "x"}]:
        response = client.get("/learning/", bad, **SITE)
        assert response.status_code == 200 and len(card_titles(response.content.decode())) == 6


def test_a_member_sees_progress_and_done_marks(client, library, org_tree):
    home, lessons, _ = library
    user = MemberFactory(branch=org_tree["da-s1-b1"], name="张三")
    study(user, lessons[0], 120, finish=True)
    study(user, lessons[1], 60)
    client.force_login(user)
    html = client.get("/learning/", **SITE).content.decode()
    assert html.count('data-testid="done"') == 1
    assert re.search(r'<progress max="100" value="50"', html)
    assert html.count("未开始") == 4


def test_the_card_page_does_not_grow_queries_with_lessons(
    client, org_tree, django_assert_max_num_queries
):
    home = learning_home(org_tree["da-s1-b1"])
    user = MemberFactory(branch=org_tree["da-s1-b1"], name="张三")
    client.force_login(user)

    def queries_with(lessons):
        for n in range(lessons):
            lesson = LessonFactory(parent=home, title=f"微课{n}", slug=f"q-{n}-{lessons}")
            study(user, lesson, 30)
        with django_assert_max_num_queries(40) as captured:
            assert client.get("/learning/", **SITE).status_code == 200
        return len(captured.captured_queries)

    client.get("/learning/", **SITE)  # the site index, read once per version (cached)
    few = queries_with(2)
    assert queries_with(8) == few


def test_my_study_shows_caps_the_week_and_a_30_day_chart(client, org_tree):
    user = MemberFactory(branch=org_tree["da-s1-b1"], name="张三")
    client.force_login(user)  # +1 daily login today
    for n in range(7):  # 70 points asked, the cap of 50 reached
        points.award(user, "lesson_done", f"lesson:{n}")
    rule = PointRule.objects.get(code="lesson_done")
    ago = timezone.localdate() - datetime.timedelta(days=10)
    PointEvent.objects.create(user=user, rule=rule, points=7, day=ago, ref="old")
    html = client.get("/learning/me/").content.decode()
    assert 'data-testid="today-points">51<' in html
    assert "50 / 50 分" in html and "1 / 1 分" in html
    bars = re.findall(r'<rect class="study-chart__bar[^"]*"[^>]*data-value="(\d+)"', html)
    assert len(bars) == 30 and bars[-1] == "51" and bars[-11] == "7"
    assert sum(int(b) for b in bars) == 58
    assert "<script" not in html.split('data-testid="chart"')[1].split("</svg>")[0]


def test_my_study_for_a_new_member_has_an_empty_chart_message(client, org_tree):
    user = MemberFactory(branch=org_tree["da-s1-b1"], name="李四")
    client.force_login(user)
    PointEvent.objects.filter(user=user).delete()
    html = client.get("/learning/me/").content.decode()
    assert "近30天还没有积分" in html and 'data-testid="chart"' not in html


def test_bar_chart_geometry():
    assert [nice_top(v) for v in (0, 1, 3, 10, 11, 51, 230)] == [1, 1, 5, 10, 20, 100, 500]
    chart = bar_chart([("a", 0), ("b", 25), ("c", 50)], width=128, height=130, label_every=2)
    assert chart.top == 50
    heights = [bar.height for bar in chart.bars]
    span = chart.plot_bottom - chart.plot_top
    assert heights == [0, span / 2, span]
    assert [bar.y + bar.height for bar in chart.bars] == [chart.plot_bottom] * 3
    assert [bar.tick for bar in chart.bars] == [True, False, True]
    assert bar_chart([]).empty and bar_chart([("a", 0)]).empty


def test_a_lesson_with_a_poster_shows_it_lazily(client, org_tree):
    import wagtail_factories

    home = learning_home(org_tree["da-s1-b1"])
    poster = wagtail_factories.ImageFactory(title="二十大封面")
    LessonFactory(parent=home, title="有封面的微课", slug="with-poster", poster=poster)
    html = client.get("/learning/", **SITE).content.decode()
    card = html.split('data-testid="lesson-card"')[1]
    assert re.search(r'<img[^>]+loading="lazy"', card) and 'alt="二十大封面"' in card
