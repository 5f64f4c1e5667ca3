"""Member pages: sign in, my study (points, history, where to resume), rankings."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from sites.models import OrganisationPage

from . import points, progress
from .models import AudiobookChapter, MemberProfile, MicroLessonPage

PERIODS = {"week": "本周", "month": "本月", "year": "本年"}
SCOPES = {"members": "党员", "branches": "支部"}


class MemberLoginView(auth_views.LoginView):
    template_name = "learning/login.html"
    redirect_authenticated_user = True


def resume_links(rows):
    """(progress, title, url) for resume points, two queries whatever their number."""
    lessons = {r.object_id for r in rows if r.kind == "lesson"}
    chapters = {r.object_id for r in rows if r.kind == "chapter"}
    pages = {p.pk: p for p in MicroLessonPage.objects.filter(pk__in=lessons)}
    parts = AudiobookChapter.objects.filter(pk__in=chapters).select_related("book")
    chapter_map = {c.pk: c for c in parts}
    links = []
    for row in rows:
        if row.kind == "lesson" and row.object_id in pages:
            page = pages[row.object_id]
            links.append((row, page.title, page.url))
        elif row.kind == "chapter" and row.object_id in chapter_map:
            chapter = chapter_map[row.object_id]
            links.append((row, f"{chapter.book.title} · {chapter.title}", chapter.book.url))
    return links


@login_required
def my_study(request):
    member = MemberProfile.objects.filter(user=request.user).select_related("branch").first()
    return render(
        request,
        "learning/my_study.html",
        {
            "member": member,
            "balance": points.balance(request.user),
            "history": points.history(request.user, 20),
            "resume": resume_links(list(progress.resume_points(request.user, 20))),
        },
    )


def ranking(request):
    code = request.GET.get("org", "")
    scope = request.GET.get("scope", "members")
    period = request.GET.get("period", "week")
    if scope not in SCOPES or period not in PERIODS:
        raise Http404
    orgs = OrganisationPage.objects.live()
    org = orgs.filter(code=code).first() if code else orgs.filter(depth=2).first()
    if org is None:
        raise Http404
    return render(
        request,
        "learning/ranking.html",
        {
            "org": org,
            "scope": scope,
            "period": period,
            "scopes": SCOPES,
            "periods": PERIODS,
            "rows": points.leaderboard(org, scope, period),
        },
    )
