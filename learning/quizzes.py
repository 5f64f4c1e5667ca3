"""Quizzes: the question bank (imported from CSV/Excel, all or nothing), a quiz per lesson
and a daily quiz (每日一练), timed attempts, scoring with explanations, points per right
answer under the `quiz` rule (once per member and quiz).

Bank columns: 题型 (单选/多选/判断), 题目, 选项A … 选项F, 答案 (A, ACD; 判断: 对/错), 解析, 分类.
The same 题型 + 题目 imported again updates the question.
"""

import datetime
import random
import string

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from base.tables import TableError, line_error, read_table

from . import points
from .models import Question, Quiz, QuizAttempt, QuizEntry

LETTERS = string.ascii_uppercase[:6]
COLUMNS = {
    "kind": ["题型", "kind"],
    "text": ["题目", "text", "question"],
    **{f"choice_{c}": [f"选项{c}", f"选项 {c}", c.lower()] for c in LETTERS},
    "answer": ["答案", "answer"],
    "explanation": ["解析", "explanation"],
    "category": ["分类", "category"],
}
KIND_NAMES = {
    "单选": Question.SINGLE,
    "单选题": Question.SINGLE,
    "多选": Question.MULTIPLE,
    "多选题": Question.MULTIPLE,
    "判断": Question.TRUE_FALSE,
    "判断题": Question.TRUE_FALSE,
}
TRUE_WORDS, FALSE_WORDS = (
    {"对", "正确", "√", "是", "T", "TRUE"},
    {"错", "错误", "×", "否", "F", "FALSE"},
)
DAILY_SIZE = 5
GRACE = datetime.timedelta(seconds=30)  # network time on top of the limit


class QuizError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


# --- the bank -------------------------------------------------------------------------


def parse_question(line, row):
    """(kind, text, choices, answer) of a row, or raise TableError for that line."""
    kind = KIND_NAMES.get(row.get("kind", "").strip())
    text = row.get("text", "").strip()
    answer = row.get("answer", "").strip().upper().replace(" ", "").replace(",", "")
    errors = []
    if kind is None:
        errors.append(line_error(line, f"题型“{row.get('kind', '')}”应为 单选、多选 或 判断"))
    if not text:
        errors.append(line_error(line, "题目不能为空"))
    if kind == Question.TRUE_FALSE:
        choices = list(Question.TRUE_FALSE_CHOICES)
        picked = [0] if answer in TRUE_WORDS else [1] if answer in FALSE_WORDS else None
        if picked is None:
            errors.append(line_error(line, f"判断题的答案“{answer}”应为 对 或 错"))
    else:
        choices = [row.get(f"choice_{c}", "").strip() for c in LETTERS]
        while choices and not choices[-1]:
            choices.pop()
        picked = sorted({LETTERS.index(a) for a in answer if a in LETTERS})
        if kind and (len(choices) < 2 or "" in choices):
            errors.append(line_error(line, "选择题至少要有两个连续的选项（从选项A起）"))
        elif any(a not in LETTERS[: len(choices)] for a in answer) or not picked:
            errors.append(
                line_error(line, f"答案“{answer}”不在选项 A–{LETTERS[len(choices) - 1]} 之中")
            )
        elif kind == Question.SINGLE and len(picked) != 1:
            errors.append(line_error(line, "单选题只能有一个答案"))
    if errors:
        raise TableError(errors)
    return kind, text, choices, picked


def import_questions(raw, filename):
    """Import a question table; returns (created, updated). All or nothing."""
    rows = read_table(raw, filename, COLUMNS, ["kind", "text", "answer"])
    parsed, errors = [], []
    for line, row in rows:
        try:
            parsed.append((parse_question(line, row), row))
        except TableError as exc:
            errors += exc.errors
    if errors:
        raise TableError(errors)
    created = updated = 0
    with transaction.atomic():
        for (kind, text, choices, answer), row in parsed:
            _, new = Question.objects.update_or_create(
                kind=kind,
                text=text,
                defaults={
                    "choices": choices,
                    "answer": answer,
                    "explanation": row.get("explanation", ""),
                    "category": row.get("category", ""),
                    "active": True,
                },
            )
            created += new
            updated += not new
    return created, updated


# --- quizzes and attempts -------------------------------------------------------------


def daily_quiz(day=None):
    """每日一练 for `day`: the same questions for everyone that day, drawn from the bank."""
    day = day or timezone.localdate()
    quiz = Quiz.objects.filter(daily_for=day).first()
    if quiz is not None:
        return quiz
    ids = sorted(Question.objects.filter(active=True).values_list("pk", flat=True))
    if not ids:
        raise QuizError(404, "no_questions", _("题库中还没有题目"))
    chosen = random.Random(day.toordinal()).sample(ids, min(DAILY_SIZE, len(ids)))
    with transaction.atomic():
        quiz, created = Quiz.objects.get_or_create(
            daily_for=day, defaults={"title": Quiz.daily_title(day), "time_limit_s": 300}
        )
        if created:
            QuizEntry.objects.bulk_create(
                QuizEntry(quiz=quiz, question_id=pk, sort_order=n) for n, pk in enumerate(chosen)
            )
    return quiz


def questions_of(quiz):
    return [e.question for e in quiz.entries.select_related("question").order_by("sort_order")]


def start(user, quiz, now=None):
    """The member's open attempt at `quiz`, or a new one with the quiz's time limit."""
    now = now or timezone.now()
    open_attempt = QuizAttempt.objects.filter(
        user=user, quiz=quiz, submitted_at__isnull=True, closes_at__gt=now
    ).first()
    if open_attempt:
        return open_attempt
    return QuizAttempt.objects.create(
        user=user,
        quiz=quiz,
        started_at=now,
        closes_at=now + datetime.timedelta(seconds=quiz.time_limit_s),
        total=quiz.entries.count(),
    )


def clean_answers(questions, answers):
    if not isinstance(answers, dict):
        raise QuizError(400, "bad_answers", _("answers 应为 {题目编号: [选项序号]}"))
    by_id = {str(q.pk): q for q in questions}
    cleaned = {}
    for key, picked in answers.items():
        question = by_id.get(str(key))
        if question is None:
            raise QuizError(400, "bad_answers", _("题目 %(key)s 不在这次测验中") % {"key": key})
        if not isinstance(picked, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 <= i < len(question.choices)
            for i in picked
        ):
            raise QuizError(
                400, "bad_answers", _("题目 %(key)s 的答案应为选项序号列表") % {"key": key}
            )
        cleaned[str(question.pk)] = sorted(set(picked))
    return cleaned


def submit(attempt, answers, now=None):
    """Score an attempt once; returns (attempt, [result per question], points earned)."""
    now = now or timezone.now()
    questions = questions_of(attempt.quiz)
    cleaned = clean_answers(questions, answers)
    with transaction.atomic():
        attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.submitted_at is not None:
            raise QuizError(409, "already_submitted", _("这次测验已经交卷"))
        if now > attempt.closes_at + GRACE:
            raise QuizError(409, "attempt_closed", _("答题时间已过，请重新开始"))
        results = [
            {
                "question": q.pk,
                "correct": cleaned.get(str(q.pk)) == sorted(q.answer),
                "answer": q.answer,
                "explanation": q.explanation,
            }
            for q in questions
        ]
        attempt.correct = sum(r["correct"] for r in results)
        attempt.total = len(questions)
        attempt.score = round(100 * attempt.correct / attempt.total) if attempt.total else 0
        attempt.answers = cleaned
        attempt.submitted_at = now
        attempt.save()
        earned = 0
        if attempt.correct:
            earned = points.award(
                attempt.user, "quiz", f"quiz:{attempt.quiz_id}", now, units=attempt.correct
            )
    return attempt, results, earned


def results_of(attempt, questions=None):
    """What a handed-in attempt shows: per question its text, choices, the member's
    picks, the right answer and the explanation."""
    questions = questions if questions is not None else questions_of(attempt.quiz)
    answers = attempt.answers or {}
    return [
        {
            "question": q,
            "picked": answers.get(str(q.pk), []),
            "correct": answers.get(str(q.pk), []) == sorted(q.answer),
            "answer": q.answer,
            "explanation": q.explanation,
        }
        for q in questions
    ]


def latest_handed_in(user, quiz):
    return (
        QuizAttempt.objects.filter(user=user, quiz=quiz, submitted_at__isnull=False)
        .order_by("-submitted_at")
        .first()
    )


def answers_from_form(questions, data):
    """{question id: [option indexes]} from a plain form (fields q<id>, one value per
    ticked option); QuizError 400 on anything that is not an option of its question."""
    answers = {}
    for question in questions:
        values = data.getlist(f"q{question.pk}")
        try:
            picked = [int(v) for v in values]
        except (TypeError, ValueError):
            raise QuizError(400, "bad_answers", _("答案格式不正确")) from None
        if question.kind != Question.MULTIPLE and len(picked) > 1:
            raise QuizError(400, "bad_answers", _("单选题和判断题只能选一个答案"))
        answers[str(question.pk)] = picked
    return clean_answers(questions, answers)
