"""The quiz page without JavaScript: a plain form with every question, handed in once;
the result with score, right answers and explanations and the points earned; no second
award; bad input (unknown quiz, malformed POST, a closed attempt) answers with a page."""

import datetime
import re

import pytest

from learning import points, quizzes
from learning.models import Question, Quiz, QuizAttempt
from tests.learning.factories import BANK, MemberFactory, bank_quiz


@pytest.fixture
def quiz(db):
    return bank_quiz("二十大精神 · 课后测验")


@pytest.fixture
def member(client, org_tree):
    user = MemberFactory(branch=org_tree["da-s1-b1"], name="张三")
    client.force_login(user)
    return user


def url(quiz):
    return f"/learning/quiz/{quiz.pk}/"


def form_of(html):
    attempt = re.search(r'name="attempt" value="(\d+)"', html).group(1)
    fields = re.findall(r'name="(q\d+)" value="(\d+)"', html)
    return attempt, fields


def right_answers(quiz):
    """{field: [values]}: every question right but the last."""
    questions = quizzes.questions_of(quiz)
    data = {f"q{q.pk}": [str(i) for i in q.answer] for q in questions[:-1]}
    last = questions[-1]
    data[f"q{last.pk}"] = [str(next(i for i in range(len(last.choices)) if i not in last.answer))]
    return data


def test_a_signed_out_visitor_is_sent_to_sign_in(client, quiz):
    response = client.get(url(quiz))
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")


def test_the_form_lists_every_question_with_plain_inputs(client, member, quiz):
    html = client.get(url(quiz)).content.decode()
    attempt, fields = form_of(html)
    questions = quizzes.questions_of(quiz)
    assert {name for name, _ in fields} == {f"q{q.pk}" for q in questions}
    assert html.count('type="checkbox"') == 4  # the multiple-choice question's options
    assert "quiz.js" in html and 'data-testid="timer"' in html
    assert "请在" in html and "前交卷" in html  # the deadline, also without JavaScript
    assert QuizAttempt.objects.get(pk=attempt).submitted_at is None
    assert form_of(client.get(url(quiz)).content.decode())[0] == attempt  # the same one
    assert QuizAttempt.objects.count() == 1


def test_handing_in_scores_explains_and_awards_once(client, member, quiz):
    attempt, _ = form_of(client.get(url(quiz)).content.decode())
    answers = right_answers(quiz)
    response = client.post(url(quiz), {"attempt": attempt, **answers})
    assert response.status_code == 302 and response["Location"] == url(quiz)
    html = client.get(url(quiz)).content.decode()
    total = len(answers)
    assert re.search(r'data-testid="score">(\d+)<', html).group(1) == str(
        round(100 * (total - 1) / total)
    )
    assert f"答对 {total - 1} / {total} 题" in html
    assert "见党章总纲" in html and "三会一课制度" in html  # explanations
    assert html.count("正确答案") >= total and "你的选择" in html
    earned = int(re.search(r"获得 (\d+) 积分", html).group(1))
    balance = points.balance(member)
    assert earned == total - 1  # one point per right answer (the quiz rule)
    # The same paper again, and a page reload: the result, not a second award.
    again = client.post(url(quiz), {"attempt": attempt, **answers})
    assert again.status_code == 302
    assert client.get(url(quiz)).status_code == 200
    assert points.balance(member) == balance
    assert QuizAttempt.objects.filter(user=member, quiz=quiz).count() == 1
    assert 'data-testid="quiz-form"' not in client.get(url(quiz)).content.decode()


@pytest.mark.parametrize(
    "post",
    [
        {"attempt": "abc"},
        {"attempt": "99999999999999999999"},
        {},
        "bad-answer",
        "out-of-range",
        "two-for-one",
    ],
)
def test_malformed_posts_render_the_form_with_a_message(client, member, quiz, post):
    attempt, _ = form_of(client.get(url(quiz)).content.decode())
    questions = quizzes.questions_of(quiz)
    single = next(q for q in questions if q.kind == Question.SINGLE)
    data = (
        {
            "bad-answer": {"attempt": attempt, f"q{single.pk}": "A"},
            "out-of-range": {"attempt": attempt, f"q{single.pk}": "9"},
            "two-for-one": {"attempt": attempt, f"q{single.pk}": ["0", "1"]},
        }.get(post, post)
        if isinstance(post, str)
        else post
    )
    response = client.post(url(quiz), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="quiz-error"' in html and 'data-testid="quiz-form"' in html
    assert not QuizAttempt.objects.filter(submitted_at__isnull=False).exists()
    assert points.balance(member) == 1  # the day's sign-in point only


def test_unknown_quizzes_are_404_pages(client, member, quiz):
    assert client.get("/learning/quiz/999999/").status_code == 404
    assert client.get("/learning/quiz/99999999999999999999/").status_code == 404
    assert client.post("/learning/quiz/999999/", {"attempt": "1"}).status_code == 404


def test_a_closed_attempt_starts_a_new_one(client, member, quiz):
    attempt, _ = form_of(client.get(url(quiz)).content.decode())
    late = QuizAttempt.objects.get(pk=attempt)
    late.closes_at -= datetime.timedelta(hours=1)
    late.save()
    response = client.post(url(quiz), {"attempt": attempt, **right_answers(quiz)})
    html = response.content.decode()
    assert response.status_code == 409 and "答题时间已过" in html
    fresh, _ = form_of(html)
    assert fresh != attempt and QuizAttempt.objects.get(pk=fresh).submitted_at is None


def test_the_daily_quiz_leads_to_todays_quiz_or_says_there_is_none(client, member, db):
    response = client.get("/learning/quiz/daily/")
    assert response.status_code == 404 and "题库中还没有题目" in response.content.decode()
    quizzes.import_questions(BANK.encode(), "bank.csv")
    response = client.get("/learning/quiz/daily/")
    daily = Quiz.objects.get(daily_for__isnull=False)
    assert response.status_code == 302 and response["Location"] == url(daily)
    assert "每日一练" in client.get(url(daily)).content.decode()


def test_a_lesson_leads_to_its_quiz_and_back(client, member, quiz, org_tree):
    from tests.learning.factories import LessonFactory, learning_home

    lesson = LessonFactory(
        parent=learning_home(org_tree["da-s1-b1"]), title="党章第一课", slug="dz1", quiz=quiz
    )
    html = client.get("/learning/dz1/", HTTP_HOST="da-s1-b1.localhost").content.decode()
    assert lesson.title in html
    assert f'href="/learning/quiz/{quiz.pk}/"' in html and "做课后测验" in html
    assert "党章第一课" in client.get(url(quiz)).content.decode()
