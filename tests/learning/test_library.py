"""Learning library: lessons and audiobooks (pages and API), progress that resumes across
devices and cannot be faked, points with daily caps, leaderboards over a subtree."""

import datetime
import json

import pytest
from django.utils import timezone

from learning import points, progress
from learning.models import CourseLesson, PointEvent, PointRule, PointTally, StudyProgress
from tests.learning.factories import (
    AudiobookFactory,
    CourseFactory,
    LessonFactory,
    MemberFactory,
    learning_home,
)

PROGRESS = "/api/v2/me/progress/"


@pytest.fixture
def lesson(org_tree):
    return LessonFactory(parent=learning_home(org_tree["da-s1-b1"]))


@pytest.fixture
def book(org_tree):
    return AudiobookFactory(
        parent=learning_home(org_tree["home"]),
        title="党史故事",
        slug="dang-shi-gu-shi",
        narrator="王播音",
        chapters=[{"title": f"第{n + 1}章", "duration": 900.0} for n in range(3)],
    )


@pytest.fixture
def alice(org_tree):
    return MemberFactory(branch=org_tree["da-s1-b1"], name="张三", phone="13800000001")


def post(client, item, position, event="beat"):
    return client.post(
        PROGRESS,
        json.dumps({"item": item, "position_s": position, "event": event}),
        content_type="application/json",
    )


BASE = timezone.now()


def at(seconds):
    """A moment `seconds` after one fixed instant, so reports have exact wall times."""
    return BASE + datetime.timedelta(seconds=seconds)


# --- progress -------------------------------------------------------------------------


def test_resume_point_follows_the_member_to_another_device(
    client, django_user_model, lesson, alice
):
    phone, pc = client, type(client)()
    phone.force_login(alice)
    pc.force_login(alice)
    key = f"lesson:{lesson.pk}"
    assert post(phone, key, 0, "start").status_code == 200
    saved = post(phone, key, 12.5, "pause").json()
    assert saved["position_s"] == 12.5 and saved["completed"] is False
    listed = pc.get(PROGRESS).json()["results"]
    assert [(r["item"], r["position_s"]) for r in listed] == [(key, 12.5)]


def test_study_time_cannot_outrun_the_clock_or_seeks(lesson, alice):
    key = f"lesson:{lesson.pk}"
    progress.record(alice, key, 0, "start", now=at(0))
    row, _ = progress.record(alice, key, 100, "beat", now=at(10))  # claims 100 s in 10 s
    assert row.studied_s == pytest.approx(10 + progress.SLACK_S)
    row, _ = progress.record(alice, key, 40, "beat", now=at(40))  # went back: nothing
    assert row.studied_s == pytest.approx(12) and row.position_s == 40
    row, _ = progress.record(alice, key, 55, "beat", now=at(55))  # honest 15 s
    assert row.studied_s == pytest.approx(27)
    row, earned = progress.record(alice, key, 119, "end", now=at(56))  # jump to the end
    assert row.completed_at is None and earned == 0  # 80 % not really studied


def test_playing_two_lessons_at_once_does_not_double_the_time(org_tree, lesson, alice):
    other = LessonFactory(parent=learning_home(org_tree["da-s1-b1"]), title="第二课")
    a, b = f"lesson:{lesson.pk}", f"lesson:{other.pk}"
    progress.record(alice, a, 0, "start", now=at(0))
    progress.record(alice, b, 0, "start", now=at(1))
    for n in range(1, 5):  # both tabs report every 15 s for a minute
        progress.record(alice, a, 15 * n, "beat", now=at(15 * n))
        progress.record(alice, b, 15 * n, "beat", now=at(15 * n + 1))
    total = sum(p.studied_s for p in StudyProgress.objects.filter(user=alice))
    assert total <= 61 + 8 * progress.SLACK_S  # one minute of clock, not two


def test_finishing_a_lesson_earns_points_once(lesson, alice):
    key = f"lesson:{lesson.pk}"
    progress.record(alice, key, 0, "start", now=at(0))
    earned = 0
    for n in range(1, 9):
        earned += progress.record(alice, key, 15 * n, "beat", now=at(15 * n))[1]
    assert earned == 10 and points.balance(alice) == 10
    progress.record(alice, key, 0, "start", now=at(200))
    for n in range(1, 9):
        assert progress.record(alice, key, 15 * n, "beat", now=at(200 + 15 * n))[1] == 0
    assert PointEvent.objects.filter(user=alice).count() == 1


def test_daily_cap_limits_a_rule(org_tree, alice):
    rule = PointRule.objects.get(code="lesson_done")
    assert (rule.points, rule.daily_cap) == (10, 50)
    earned = [points.award(alice, "lesson_done", f"lesson:{n}") for n in range(7)]
    assert earned == [10, 10, 10, 10, 10, 0, 0]
    tomorrow = at(86400)
    assert points.award(alice, "lesson_done", "lesson:99", now=tomorrow) == 10


def test_listening_earns_points_per_five_minutes(book, alice):
    chapter = book.chapters.first()
    key = f"chapter:{chapter.pk}"
    progress.record(alice, key, 0, "start", now=at(0))
    earned = sum(
        progress.record(alice, key, 15 * n, "beat", now=at(15 * n))[1] for n in range(1, 41)
    )  # 600 s of honest listening = two 5-minute units
    assert earned == 4 and points.balance(alice) == 4


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"item": "lesson:999999", "position_s": 1}, 404, "not_found"),
        ({"item": "page:1", "position_s": 1}, 400, "bad_item"),
        ({"item": "LESSON", "position_s": -5}, 400, "bad_item"),
        ({"item": "{lesson}", "position_s": -5}, 400, "bad_position"),
        ({"item": "{lesson}", "position_s": 1e9}, 400, "bad_position"),
        ({"item": "{lesson}", "position_s": 1, "event": "teleport"}, 400, "bad_event"),
        ({"item": "{lesson}"}, 400, "invalid"),
    ],
)
def test_bad_progress_reports_are_refused(client, lesson, alice, body, status, code):
    client.force_login(alice)
    body = {
        k: (v.format(lesson=f"lesson:{lesson.pk}") if k == "item" else v) for k, v in body.items()
    }
    response = client.post(PROGRESS, json.dumps(body), content_type="application/json")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_progress_on_drafts_and_private_lessons_is_404_and_needs_a_login(client, lesson, alice):
    assert client.get(PROGRESS).status_code == 401
    assert client.get(PROGRESS).json()["error"]["code"]
    client.force_login(alice)
    lesson.unpublish()
    assert post(client, f"lesson:{lesson.pk}", 1).status_code == 404
    lesson.save_revision().publish()
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=lesson, restriction_type="login")
    assert post(client, f"lesson:{lesson.pk}", 1).status_code == 404


# --- leaderboards ---------------------------------------------------------------------


def test_leaderboards_rank_members_and_branches_over_a_subtree(org_tree):
    b1, b2 = org_tree["da-s1-b1"], org_tree["da-s2-b1"]
    a, b, c = (
        MemberFactory(branch=branch, name=name)
        for branch, name in [(b1, "甲"), (b1, "乙"), (b2, "丙")]
    )
    MemberFactory(branch=b2, name="丁")  # no points: lowers b2's average
    for user, lessons in [(a, 3), (b, 1), (c, 5)]:
        for n in range(lessons):
            points.award(user, "lesson_done", f"lesson:{n}")
    ranked = points.leaderboard(org_tree["da"], "members", "week")
    assert [(r["name"], r["points"], r["rank"]) for r in ranked] == [
        ("丙", 50, 1),
        ("甲", 30, 2),
        ("乙", 10, 3),
    ]
    only_s1 = points.leaderboard(org_tree["da-s1"], "members", "year")
    assert [r["name"] for r in only_s1] == ["甲", "乙"]
    branches = points.leaderboard(org_tree["da"], "branches", "month")
    # b2: (50 + 0) / 2 members = 25 ahead of b1: (30 + 10) / 2 = 20.
    assert [(r["branch_id"], r["average"], r["members"]) for r in branches] == [
        (b2.pk, 25.0, 2),
        (b1.pk, 20.0, 2),
    ]
    assert PointTally.objects.filter(user=a, period="all").get().points == 30


def test_leaderboard_api_and_query_count(client, org_tree, django_assert_max_num_queries):
    b1 = org_tree["da-s1-b1"]
    for n in range(5):
        points.award(MemberFactory(branch=b1, name=f"党员{n}"), "lesson_done", "lesson:1")
    with django_assert_max_num_queries(3):
        response = client.get("/api/v2/leaderboard/", {"org": "da", "scope": "members"})
    assert response.status_code == 200 and len(response.json()["results"]) == 5
    bad = client.get("/api/v2/leaderboard/", {"scope": "nobody"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_scope"
    assert client.get("/api/v2/leaderboard/", {"org": "nowhere"}).status_code == 404


# --- pages and API --------------------------------------------------------------------


def test_lessons_and_audiobooks_api(client, lesson, book):
    lessons = client.get("/api/v2/lessons/", {"org": "da"}).json()
    assert [r["title"] for r in lessons["results"]] == [lesson.title]
    assert lessons["results"][0]["duration"] == 120 and lessons["results"][0]["video_url"]
    assert client.get("/api/v2/lessons/", {"category": "x"}).status_code == 400
    books = client.get("/api/v2/audiobooks/").json()["results"]
    assert [c["title"] for c in books[0]["chapters"]] == ["第1章", "第2章", "第3章"]
    assert books[0]["duration"] == 2700
    schema = client.get("/api/schema/").json()["paths"]
    for path in ["lessons", "audiobooks", "me/progress", "me/points", "leaderboard"]:
        assert f"/api/v2/{path}/" in schema


def test_pages_render_for_members(client, lesson, book, alice, org_tree):
    course = CourseFactory(
        parent=learning_home(org_tree["da-s1-b1"]), title="入党教育", slug="ru-dang"
    )
    CourseLesson.objects.create(course=course, lesson=lesson)
    client.force_login(alice)
    site = {"HTTP_HOST": "da-s1-b1.localhost"}
    html = client.get(lesson.url, **site).content.decode()
    assert 'data-item="lesson:' in html and "study.js" in html
    assert "第2章" in client.get(book.url).content.decode()  # on the city site
    progress.record(alice, f"lesson:{lesson.pk}", 0, "start", now=at(0))
    for n in range(1, 9):
        progress.record(alice, f"lesson:{lesson.pk}", 15 * n, "beat", now=at(15 * n))
    assert "已完成 1 / 1 课" in client.get(course.url, **site).content.decode()
    mine = client.get("/learning/me/").content.decode()
    # 10 for the lesson, 1 for signing in today (force_login sends user_logged_in too).
    assert 'data-testid="balance">11<' in mine and lesson.title in mine and "已学完" in mine
    ranking = client.get("/learning/ranking/", {"org": "da", "scope": "branches"})
    assert ranking.status_code == 200 and "一街道第一支部" in ranking.content.decode()


def test_members_sign_in_with_their_phone_and_earn_the_daily_login_point(client, alice):
    response = client.post("/login/", {"username": "13800000001", "password": "correct-horse-9"})
    assert response.status_code == 302 and response["Location"] == "/learning/me/"
    assert points.balance(alice) == 1
    client.logout()
    client.post("/login/", {"username": alice.username, "password": "correct-horse-9"})
    assert points.balance(alice) == 1  # once a day
