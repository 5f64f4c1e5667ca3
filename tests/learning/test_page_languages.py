"""The study pages in the page's language: under /en/ the study space, a lesson, an
audiobook, a course, the quiz and its result, my study, the ranking and the sign-in page
say nothing in Chinese themselves (the content is English here, so all of <main> is
checked), and under /zh-hant/ nothing OpenCC would still turn into traditional
characters. zh-hans stays at the URLs it always had; links keep the page's prefix."""

import re

import opencc
import pytest

from learning import points, progress, quizzes
from learning.models import CourseLesson, Question
from sites.models import OrganisationPage
from tests.learning.factories import (
    AudiobookFactory,
    CourseFactory,
    LessonFactory,
    MemberFactory,
    learning_home,
    translated_copy,
)

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")  # CJK ideographs
SITE = {"HTTP_HOST": "da-s1-b1.localhost"}  # the branch's own site
S2T = opencc.OpenCC("s2t.json")
LANGUAGES = ["en", "zh-hant"]


def untranslated(language, text):
    """The words of `text` a reader of `language` would find untranslated."""
    if language == "en":
        return HAN.findall(text)
    converted = S2T.convert(text)
    return [f"{a}→{b}" for a, b in zip(text, converted, strict=True) if a != b]


@pytest.fixture
def english_names(org_tree):
    """Organisations named in English (names are content, shown as written)."""
    for code, page in org_tree.items():
        OrganisationPage.objects.filter(pk=page.pk).update(title=f"Org {code}")
        page.refresh_from_db()
    return org_tree


@pytest.fixture
def library(english_names):
    """A lesson (with a quiz), an audiobook and a course of the branch, with English
    titles, and their copies in every language."""
    home = learning_home(english_names["da-s1-b1"])
    lesson = LessonFactory(
        parent=home, title="What the 20th Congress said", speaker="Prof. Li", slug="congress"
    )
    book = AudiobookFactory(
        parent=home,
        title="Party history stories",
        narrator="Radio Jiangcheng",
        chapters=[{"title": "Chapter one", "duration": 900.0, "transcript": "Once upon a time"}],
    )
    course = CourseFactory(parent=home, title="Joining the Party", slug="joining")
    CourseLesson.objects.create(course=course, lesson=lesson, sort_order=0)
    copies = {}
    for language in LANGUAGES:
        copies[language] = {
            "home": translated_copy(home, language, title="Study"),
            "lesson": translated_copy(lesson, language),
            "book": translated_copy(book, language),
            "course": translated_copy(course, language),
        }
    return {"lesson": lesson, "book": book, "course": course, "copies": copies}


@pytest.fixture
def member(client, english_names):
    user = MemberFactory(branch=english_names["da-s1-b1"], name="Li Ming")
    client.force_login(user)
    return user


@pytest.fixture
def bank(db):
    """Questions in English, one of each kind (a true/false one has the two choices the
    import gives it, which members read in their language)."""
    Question.objects.create(
        kind="single", text="Which year?", choices=["1921", "1949"], answer=[0], explanation="See"
    )
    Question.objects.create(
        kind="multiple", text="Which ones?", choices=["One", "Two", "Three"], answer=[0, 1]
    )
    Question.objects.create(
        kind="truefalse", text="Monthly?", choices=list(Question.TRUE_FALSE_CHOICES), answer=[0]
    )


def page(client, url, **extra):
    response = client.get(url, **SITE, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_study_space_lesson_audiobook_and_course_pages(
    client, library, member, language, page_chrome
):
    progress.record(member, f"lesson:{library['lesson'].pk}", 0, "start")
    book = library["book"].slug
    for path in ["learning/", "learning/congress/", f"learning/{book}/", "learning/joining/"]:
        html = page(client, f"/{language}/{path}")
        text = page_chrome(html)
        assert untranslated(language, text) == [], (path, text)
    html = page(client, f"/{language}/learning/")
    # Links to the members' pages keep the language.
    assert f'href="/{language}/learning/quiz/daily/"' in html
    assert f'href="/{language}/learning/me/"' in html


def test_english_words_read_as_english(client, library, member, page_chrome):
    space = page_chrome(page(client, "/en/learning/"))
    assert "Party micro-lesson" in space  # the lesson's type
    assert "Daily quiz" in space and "My study" in space and "Ranking" in space
    assert "Speaker: Prof. Li" in space and "Not started" in space
    assert "1 chapter" in space and "1 chapters" not in space  # plural by number
    book = page_chrome(page(client, f"/en/learning/{library['book'].slug}/"))
    assert "Read by Radio Jiangcheng" in book and "900 seconds" in book
    assert "Transcript" in book
    course = page_chrome(page(client, "/en/learning/joining/"))
    assert "0 of 1 lesson done" in course
    # The player's words reach the script translated.
    lesson = page(client, "/en/learning/congress/")
    assert 'data-points-one="You earned {n} study point"' in lesson
    assert 'data-points-other="You earned {n} study points"' in lesson
    assert "Speaker: Prof. Li" in page_chrome(lesson)


def test_zh_hans_is_unchanged_at_its_own_urls(client, library, member):
    html = page(client, "/learning/")
    assert "微党课" in html and "每日一练" in html and 'href="/learning/me/"' in html
    assert "Party micro-lesson" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_daily_quiz_and_its_result(client, bank, member, language, page_chrome):
    response = client.get(f"/{language}/learning/quiz/daily/", **SITE)
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(f"/{language}/learning/quiz/")
    html = page(client, url)
    text = page_chrome(html)
    assert untranslated(language, text) == [], text
    attempt = re.search(r'name="attempt" value="(\d+)"', html).group(1)
    answers = {f"q{q.pk}": [str(i) for i in q.answer] for q in Question.objects.all()}
    response = client.post(url, {"attempt": attempt, **answers}, **SITE)
    assert response.status_code == 302 and response["Location"] == url
    html = page(client, url)
    assert 'data-testid="quiz-result"' in html
    text = page_chrome(html)
    assert untranslated(language, text) == [], text
    if language == "en":
        assert "True" in text and "False" in text  # the true/false choices
        assert "Daily quiz 20" in text  # the daily quiz's title
        assert "3 of 3 right" in text and "You earned 3 study points" in text


def test_a_quiz_error_is_told_in_the_page_language(client, bank, member):
    quiz = quizzes.daily_quiz()
    url = f"/en/learning/quiz/{quiz.pk}/"
    response = client.post(url, {"attempt": "999999"}, **SITE)
    assert response.status_code == 400
    assert "This answer sheet is no longer valid" in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_study(client, library, member, language, page_chrome):
    lesson = library["lesson"]
    progress.record(member, f"lesson:{lesson.pk}", 0, "start")
    points.award(member, "quiz", "quiz:1")
    points.award(member, "lesson_done", "lesson:x")
    html = page(client, f"/{language}/learning/me/")
    text = page_chrome(html, content=[lesson.title])
    assert untranslated(language, text) == [], text
    if language == "en":
        assert "Finished a micro-lesson" in text and "Quiz answers" in text  # rule names
        assert "10 / 50 points" in text and "Daily sign-in" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_ranking(client, english_names, member, language, page_chrome):
    points.award(member, "lesson_done", "lesson:1")
    other = MemberFactory(branch=english_names["da-s1-b1"], name="Wang Fang")
    points.award(other, "quiz", "quiz:1")
    for query in ["", "?scope=branches&period=all"]:
        html = page(client, f"/{language}/learning/ranking/{query}")
        text = page_chrome(html)
        assert untranslated(language, text) == [], (query, text)
    if language == "en":
        assert "My branch" in text and "1 member" not in text and "2 members" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page(client, org_tree, language, page_chrome):
    html = page(client, f"/{language}/login/")
    text = page_chrome(html)
    assert untranslated(language, text) == [], text
    response = client.post(
        f"/{language}/login/", {"username": "nobody", "password": "wrong"}, **SITE
    )
    assert untranslated(language, page_chrome(response.content.decode())) == []
