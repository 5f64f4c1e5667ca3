"""Member pages: sign in, my study (points, history, where to resume), rankings."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from base import svg_charts
from base.languages import localize_titles
from search.views import site_organisation
from sites.models import OrganisationPage

from . import points, progress, rankings, study_record
from .models import AudiobookChapter, MemberProfile, MicroLessonPage

PERIODS = {"week": _("本周"), "month": _("本月"), "year": _("本年"), "all": _("总榜")}
SCOPES = {"members": _("党员榜"), "branches": _("支部榜")}


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
    if member is not None:
        localize_titles([member.branch], OrganisationPage)
    days = study_record.daily_points(request.user)
    today = study_record.today_by_rule(request.user)
    rows = list(progress.resume_points(request.user, 20))
    return render(
        request,
        "learning/my_study.html",
        {
            "member": member,
            "balance": points.balance(request.user),
            "today": today,
            "today_total": sum(earned for _, earned, _ in today),
            "week_total": study_record.period_points(request.user, "week"),
            "chart": svg_charts.bar_chart(
                [(f"{d.month}/{d.day}", n) for d, n in days], width=360, height=150
            ),
            "chart_days": days,
            "history": points.history(request.user, 10),
            "in_progress": resume_links([r for r in rows if r.completed_at is None]),
            "finished": resume_links([r for r in rows if r.completed_at is not None][:5]),
        },
    )


def viewer_member(request):
    if not request.user.is_authenticated:
        return None
    return MemberProfile.objects.filter(user=request.user).select_related("branch").first()


def ranking(request):
    """积分排行 of an organisation's subtree: `org` (a code; default the member's branch,
    else the site's organisation, else the city), `scope` members or branches, `period`."""
    scope = request.GET.get("scope", "members")
    period = request.GET.get("period", "week")
    scope = scope if scope in SCOPES else "members"
    period = period if period in PERIODS else "week"
    viewer = viewer_member(request)
    org = ranking_organisation(request, viewer)
    if org is None:
        raise Http404
    rows = points.leaderboard(org, scope, period)
    anchor = viewer.branch.path if viewer and viewer.branch.path.startswith(org.path) else org.path
    orgs = rankings.Organisations.above(
        [org.path, anchor, *(r["branch_path"] for r in rows), viewer and viewer.branch.path]
    )
    shown = rankings.present(rows, scope, viewer, orgs)
    localize_titles([org], OrganisationPage)
    own_chain = viewer is not None and anchor == viewer.branch.path
    mine = None
    if viewer and scope == "members" and not any(r["mine"] for r in shown):
        mine = points.member_rank(org, request.user, period)
    return render(
        request,
        "learning/ranking.html",
        {
            "org": org,
            "scope": scope,
            "period": period,
            "scopes": SCOPES,
            "periods": PERIODS,
            "scope_label": SCOPES[scope],
            "period_label": PERIODS[period],
            "orgs": rankings.scope_choices(anchor, orgs, own=own_chain),
            "below": localize_titles(
                org.child_organisations() if org.kind != "branch" else [], OrganisationPage
            ),
            "rows": shown,
            "viewer": viewer,
            "my_rank": mine,
        },
    )


def ranking_organisation(request, viewer):
    orgs = OrganisationPage.originals().live()
    code = request.GET.get("org", "")[:64]
    if code:
        return orgs.filter(code=code.lower()).first()
    if viewer is not None:
        return viewer.branch
    site_org = site_organisation(request)
    return site_org or orgs.filter(depth=2).first()
