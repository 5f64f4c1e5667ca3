"""The quiz page (a lesson's quiz or 每日一练): a plain form with every question that
works without JavaScript (quiz.js turns it into one question at a time with a timer),
handed in once; afterwards the page shows the result — score, right answers with their
explanations, the points the quiz earned — never a second award."""

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from base.api import MAX_ID

from . import quizzes
from .models import MicroLessonPage, PointEvent, Quiz, QuizAttempt

LETTERS = quizzes.LETTERS


def quiz_points(user, quiz):
    return (
        PointEvent.objects.filter(user=user, rule__code="quiz", ref=f"quiz:{quiz.pk}").aggregate(
            total=Sum("points")
        )["total"]
        or 0
    )


def render_quiz(request, quiz, attempt=None, error="", status=200):
    """The form (with an open attempt) or, once handed in, the result."""
    questions = quizzes.questions_of(quiz)
    handed_in = attempt if attempt and attempt.submitted_at else None
    handed_in = handed_in or (None if attempt else quizzes.latest_handed_in(request.user, quiz))
    context = {
        "quiz": quiz,
        "questions": questions,
        "letters": LETTERS,
        "error": error,
        "minutes": max(1, round(quiz.time_limit_s / 60)),
        "lesson": MicroLessonPage.objects.live().filter(quiz=quiz).first(),
    }
    if handed_in:
        context.update(
            attempt=handed_in,
            results=quizzes.results_of(handed_in, questions),
            points_earned=quiz_points(request.user, quiz),
        )
    else:
        attempt = attempt or quizzes.start(request.user, quiz)
        left = (attempt.closes_at - timezone.now()).total_seconds()
        context.update(attempt=attempt, seconds_left=max(0, int(left)))
    return render(request, "learning/quiz.html", context, status=status)


@login_required
def quiz_page(request, quiz_id):
    if quiz_id > MAX_ID:
        raise Http404
    quiz = get_object_or_404(Quiz, pk=quiz_id)
    if request.method != "POST":
        return render_quiz(request, quiz)
    raw = request.POST.get("attempt", "")
    attempt = None
    if raw.isdigit() and int(raw) <= MAX_ID:
        attempt = QuizAttempt.objects.filter(pk=int(raw), user=request.user, quiz=quiz).first()
    if attempt is None:
        return render_quiz(request, quiz, error=_("这份答卷已失效，请重新作答。"), status=400)
    if attempt.submitted_at:  # handed in twice (a second tap, the back button)
        return redirect("learning_quiz", quiz_id=quiz.pk)
    questions = quizzes.questions_of(quiz)
    try:
        answers = quizzes.answers_from_form(questions, request.POST)
        quizzes.submit(attempt, answers)
    except quizzes.QuizError as exc:
        if exc.code == "already_submitted":
            return redirect("learning_quiz", quiz_id=quiz.pk)
        if exc.code == "attempt_closed":
            fresh = quizzes.start(request.user, quiz)
            return render_quiz(request, quiz, fresh, _("答题时间已过，请重新作答。"), 409)
        return render_quiz(request, quiz, attempt, exc.message, exc.status)
    return redirect("learning_quiz", quiz_id=quiz.pk)


def daily_quiz(request):
    """每日一练: today's quiz, the same questions for everyone."""
    try:
        quiz = quizzes.daily_quiz()
    except quizzes.QuizError:
        return render(request, "learning/quiz_missing.html", status=404)
    return redirect("learning_quiz", quiz_id=quiz.pk)
