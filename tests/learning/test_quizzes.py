"""Quizzes: the bank imported all or nothing, the daily quiz, timed attempts scored once
with explanations, 409 after an attempt closed, points per right answer once per quiz."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from base.tables import TableError
from learning import points, quizzes
from learning.models import Question, QuizAttempt
from tests.factories import UserFactory
from tests.learning.factories import BANK, MemberFactory


@pytest.fixture
def bank(db):
    quizzes.import_questions(BANK.encode(), "bank.csv")
    return {q.kind: q for q in Question.objects.all()}


@pytest.fixture
def alice(org_tree):
    return MemberFactory(branch=org_tree["da-s1-b1"], name="张三")


def test_bank_import_reads_all_kinds_and_is_idempotent(bank):
    single, multiple, judge = bank["single"], bank["multiple"], bank["truefalse"]
    assert (single.answer, single.choices[0], single.category) == ([0], "实现共产主义", "党章")
    assert (multiple.answer, len(multiple.choices)) == ([0, 1, 2], 4)
    assert (judge.choices, judge.answer) == (["正确", "错误"], [0])
    assert quizzes.import_questions(BANK.encode(), "bank.csv") == (0, 3)
    assert Question.objects.count() == 3


def test_bad_bank_lines_are_named_and_nothing_is_imported(db):
    bad = (
        "题型,题目,选项A,选项B,选项C,答案\n"
        "单选,好题,甲,乙,,A\n"
        "填空,不支持的题型,甲,乙,,A\n"  # 3
        "单选,,甲,乙,,A\n"  # 4
        "单选,两个答案,甲,乙,丙,AB\n"  # 5
        "多选,答案越界,甲,乙,,AD\n"  # 6
        "单选,选项不连续,甲,,丙,A\n"  # 7
        "判断,判断题,,,,也许\n"  # 8
    )
    with pytest.raises(TableError) as error:
        quizzes.import_questions(bad.encode(), "bank.csv")
    lines = sorted({int(e.split()[1]) for e in error.value.errors})
    assert lines == [3, 4, 5, 6, 7, 8], error.value.errors
    assert Question.objects.count() == 0


def test_bank_import_from_excel_command_and_admin(db, tmp_path, admin_client):
    book = Workbook()
    sheet = book.active
    for row in [line.split(",") for line in BANK.strip().splitlines()]:
        sheet.append(row)
    path = tmp_path / "bank.xlsx"
    book.save(path)
    out = io.StringIO()
    call_command("import_questions", str(path), stdout=out)
    assert "新增 3 题" in out.getvalue()
    upload = SimpleUploadedFile("bank.csv", BANK.encode())
    response = admin_client.post("/admin/learning/questions/import/", {"file": upload})
    assert "新增 0 题，更新 3 题" in response.content.decode()


def test_daily_quiz_is_the_same_for_everyone_that_day(bank):
    today = timezone.localdate()
    first = quizzes.daily_quiz(today)
    assert quizzes.daily_quiz(today) == first and first.entries.count() == 3
    assert quizzes.daily_quiz(today + datetime.timedelta(days=1)) != first


def answer_all(bank, right=True):
    correct = {str(q.pk): q.answer for q in bank.values()}
    if not right:
        correct[str(bank["multiple"].pk)] = [0, 1]  # one of three missing: wrong
    return correct


def test_attempt_scores_once_with_explanations_and_points(client, bank, alice):
    client.force_login(alice)
    quiz = quizzes.daily_quiz()
    started = client.post(f"/api/v2/quizzes/{quiz.pk}/attempts/").json()
    assert "answer" not in json.dumps(started["questions"])  # no answers given away
    url = f"/api/v2/attempts/{started['attempt']}/answers/"
    body = json.dumps({"answers": answer_all(bank, right=False)})
    scored = client.post(url, body, content_type="application/json").json()
    assert (scored["correct"], scored["total"], scored["score"]) == (2, 3, 67)
    assert scored["points_earned"] == 2
    wrong = [r for r in scored["results"] if not r["correct"]]
    assert wrong[0]["answer"] == [0, 1, 2] and wrong[0]["explanation"] == "三会一课制度"
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_submitted"
    # A second attempt at the same quiz earns no more points.
    second = client.post(f"/api/v2/quizzes/{quiz.pk}/attempts/").json()
    assert second["attempt"] != started["attempt"]
    body = json.dumps({"answers": answer_all(bank)})
    url = f"/api/v2/attempts/{second['attempt']}/answers/"
    assert client.post(url, body, content_type="application/json").json()["points_earned"] == 0
    assert points.balance(alice) == 3  # 2 for the quiz + 1 for signing in


def test_answers_after_the_attempt_closed_get_409(client, bank, alice):
    client.force_login(alice)
    quiz = quizzes.daily_quiz()
    attempt = quizzes.start(alice, quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    response = client.post(
        f"/api/v2/attempts/{attempt.pk}/answers/",
        json.dumps({"answers": answer_all(bank)}),
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "attempt_closed"


@pytest.mark.parametrize(
    "answers, code",
    [({"999999": [0]}, "bad_answers"), ({"{single}": [7]}, "bad_answers"), ("x", "invalid")],
)
def test_malformed_answers_get_400(client, bank, alice, answers, code):
    client.force_login(alice)
    attempt = quizzes.start(alice, quizzes.daily_quiz())
    if isinstance(answers, dict):
        answers = {k.format(single=bank["single"].pk): v for k, v in answers.items()}
    response = client.post(
        f"/api/v2/attempts/{attempt.pk}/answers/",
        json.dumps({"answers": answers}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == code


def test_someone_elses_attempt_is_404_and_no_login_is_401(client, bank, alice):
    attempt = quizzes.start(alice, quizzes.daily_quiz())
    url = f"/api/v2/attempts/{attempt.pk}/answers/"
    body = json.dumps({"answers": {}})
    assert client.post(url, body, content_type="application/json").status_code == 401
    client.force_login(UserFactory(username="bob"))
    assert client.post(url, body, content_type="application/json").status_code == 404
