"""监督 → 监督总览 in the admin: the dashboard of an organisation's children (status, last
update, compliance, relay, attendance, score; sortable, filterable, drilling down with
`?org=<code>`), the 12-month trend, the 僵尸 list, the branch ranking, and their CSV and
Excel exports (`?format=csv|xlsx`). Figures come from the stored score table
(oversight/dashboard.py); 立即刷新 queues the worker's recomputation of the scope.

Who: the editors and reviewers of an organisation see its subtree, superusers the city
(oversight/access.py); anyone else gets the 403 page, and an organisation outside the
user's subtrees answers 404.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from base.admin import ForbiddenMixin
from sites.kinds import OrganisationKind
from sites.models import OrganisationPage
from sites.tree import ancestor_paths

from . import dashboard, tasks
from .access import may_oversee, own_organisations, scope_for
from .models import OrganisationScore

INDEX_URL = "oversight_dashboard"
RANKING_URL = "oversight_ranking"
ZOMBIES_URL = "oversight_zombies"
REFRESH_URL = "oversight_refresh"
ZOMBIES_ON_DASHBOARD = 5
RANKING_PER_PAGE = 50

STATUS_CHOICES = [("", gettext_lazy("全部状态"))] + [
    (key, label) for key, label in dashboard.SUMMARY
]
SORT_CHOICES = [
    ("", gettext_lazy("按组织顺序")),
    ("-score", gettext_lazy("积分从高到低")),
    ("score", gettext_lazy("积分从低到高")),
    ("compliance", gettext_lazy("达标率从低到高")),
    ("-compliance", gettext_lazy("达标率从高到低")),
    ("-quiet", gettext_lazy("未更新天数从多到少")),
    ("quiet", gettext_lazy("未更新天数从少到多")),
    ("name", gettext_lazy("名称")),
    ("-name", gettext_lazy("名称倒序")),
]
FORMATS = ("csv", "xlsx")


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型"))] + list(OrganisationKind.choices),
    )
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False, choices=STATUS_CHOICES)
    sort = forms.ChoiceField(label=gettext_lazy("排序"), required=False, choices=SORT_CHOICES)


class RankingForm(forms.Form):
    period = forms.ChoiceField(
        label=gettext_lazy("周期"),
        required=False,
        choices=[
            (OrganisationScore.MONTH, gettext_lazy("月度")),
            (OrganisationScore.YEAR, gettext_lazy("年度")),
        ],
    )
    month = forms.CharField(
        label=gettext_lazy("月份"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}),
    )

    def clean_month(self):
        try:
            return dashboard.parse_month(self.cleaned_data["month"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


def trail(user, scope):
    """The organisations from the user's own one down to `scope` (breadcrumbs)."""
    tops = {org.pk for org in own_organisations(user)}
    paths = ancestor_paths(scope.path, inclusive=True, top=2)
    above = list(OrganisationPage.originals().filter(path__in=paths).order_by("path"))
    start = next((n for n, org in enumerate(above) if org.pk in tops), len(above) - 1)
    return above[start:]


def _scope(request):
    code = (request.GET.get("org") or request.POST.get("org") or "").strip().lower()
    if len(code) > 63:
        raise Http404
    return scope_for(request.user, code or None)


def download(content, filename, format):
    types = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = HttpResponse(content, content_type=types[format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{format}"'
    return response


class OversightView(ForbiddenMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "table"
    forbidden_message = gettext_lazy("只有组织的编辑和审核员可以查看监督信息。")
    url_name = INDEX_URL

    def has_permission(self, user):
        return may_oversee(user)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.scope = None

    def get(self, request, *args, **kwargs):
        self.scope = _scope(request)
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.scope.title if self.scope else ""

    def get_breadcrumbs_items(self):
        if self.scope is None:
            return self.breadcrumbs_items
        items = [
            {"url": self.link(org.code), "label": org.title}
            for org in trail(self.request.user, self.scope)
        ]
        items[-1]["url"] = ""
        return (
            self.breadcrumbs_items + [{"url": reverse(INDEX_URL), "label": _("监督总览")}] + items
        )

    def link(self, code, **params):
        query = {"org": code, **{k: v for k, v in params.items() if v}}
        return f"{reverse(self.url_name)}?{urlencode(query)}"


class DashboardView(OversightView):
    template_name = "oversight/dashboard/index.html"
    page_title = gettext_lazy("监督总览")

    def get(self, request, *args, **kwargs):
        self.scope = _scope(request)
        format = request.GET.get("format", "")
        if format and format not in FORMATS:
            messages.error(request, _("导出格式应为 csv 或 xlsx"))
            format = ""
        self.computing = not dashboard.ensure_rows(self.scope)
        if self.computing:
            dashboard.queue_first_computation(self.scope)
        form = FilterForm(request.GET)
        filters = form.cleaned_data if form.is_valid() else {}
        view = dashboard.overview(self.scope, kind=filters.get("kind"))
        rows = dashboard.filter_rows(view.children, filters.get("kind"), filters.get("status"))
        rows = dashboard.sort_rows(rows, filters.get("sort") or "")
        if format:
            headers, lines = dashboard.children_table(rows)
            name = f"oversight-{self.scope.code}-{timezone.localdate():%Y%m}"
            if format == "csv":
                return download(dashboard.table_csv(headers, lines), name, format)
            return download(dashboard.table_xlsx(headers, lines, _("下级组织")), name, format)
        self.extra = {
            "form": form,
            "view": view,
            "rows": rows,
            "computing": self.computing,
            "filtered": bool(filters.get("kind") or filters.get("status")),
            "trend": dashboard.trend(self.scope),
            "zombies": dashboard.zombies(self.scope, per_page=ZOMBIES_ON_DASHBOARD),
            "scopes": own_organisations(request.user),
        }
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("format", None)
        query["org"] = self.scope.code
        for row in self.extra["rows"]:
            row.url = self.link(row.code)
        context.update(
            self.extra,
            scope=self.scope,
            export_csv=f"?{urlencode({**query.dict(), 'format': 'csv'})}",
            export_xlsx=f"?{urlencode({**query.dict(), 'format': 'xlsx'})}",
            refresh_url=reverse(REFRESH_URL),
            ranking_url=f"{reverse(RANKING_URL)}?{urlencode({'org': self.scope.code})}",
            zombies_url=f"{reverse(ZOMBIES_URL)}?{urlencode({'org': self.scope.code})}",
            kind_choices=OrganisationKind.choices,
        )
        return context


class ZombiesView(OversightView):
    template_name = "oversight/dashboard/zombies.html"
    page_title = gettext_lazy("僵尸网站")
    header_icon = "warning"
    url_name = ZOMBIES_URL

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            items = dashboard.zombies(self.scope, page=self.request.GET.get("p") or 1)
        except PageNotAnInteger:
            items = dashboard.zombies(self.scope, page=1)
        except EmptyPage:
            raise Http404 from None
        context.update(
            scope=self.scope,
            zombies=items,
            items=items,
            elided_page_range=items.paginator.get_elided_page_range(items.number),
            dashboard_url=f"{reverse(INDEX_URL)}?{urlencode({'org': self.scope.code})}",
        )
        return context


class RankingView(OversightView):
    template_name = "oversight/dashboard/ranking.html"
    page_title = gettext_lazy("党支部积分排名")
    header_icon = "pick"
    url_name = RANKING_URL

    def get(self, request, *args, **kwargs):
        self.scope = _scope(request)
        data = request.GET.copy()
        if not data.get("month"):  # the month shown, not an empty month picker
            data["month"] = f"{timezone.localdate():%Y-%m}"
        form = RankingForm(data)
        if form.is_valid():
            period = form.cleaned_data["period"] or OrganisationScore.MONTH
            month = form.cleaned_data["month"]
        else:
            period, month = OrganisationScore.MONTH, dashboard.parse_month("")
        ranked = dashboard.ranking(self.scope, period, dashboard.period_start(period, month))
        format = request.GET.get("format", "")
        if format in FORMATS:
            headers, lines = dashboard.ranking_table(ranked)
            stamp = f"{month:%Y%m}" if period == OrganisationScore.MONTH else f"{month:%Y}"
            name = f"ranking-{self.scope.code}-{period}-{stamp}"
            if format == "csv":
                return download(dashboard.table_csv(headers, lines), name, format)
            return download(dashboard.table_xlsx(headers, lines, _("积分排名")), name, format)
        query = {"org": self.scope.code, "period": period, "month": f"{month:%Y-%m}"}
        paginator = Paginator(ranked, RANKING_PER_PAGE)
        try:
            items = paginator.page(request.GET.get("p") or 1)
        except PageNotAnInteger:
            items = paginator.page(1)
        except EmptyPage:
            raise Http404 from None
        self.extra = {
            "form": form,
            "ranked": items.object_list,
            "items": items,
            "elided_page_range": paginator.get_elided_page_range(items.number),
            "period": period,
            "month": month,
            "export_csv": f"?{urlencode({**query, 'format': 'csv'})}",
            "export_xlsx": f"?{urlencode({**query, 'format': 'xlsx'})}",
            "dashboard_url": f"{reverse(INDEX_URL)}?{urlencode({'org': self.scope.code})}",
        }
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.extra, scope=self.scope)
        return context


class RefreshView(OversightView):
    """POST (CSRF-checked by Django's middleware): queue the scope's recomputation."""

    http_method_names = ["post"]

    def post(self, request):
        scope = _scope(request)
        tasks.refresh_subtree.enqueue(scope.pk)
        messages.success(
            request,
            _("已安排重新计算%(organisation)s的数据，稍后刷新页面即可看到。")
            % {"organisation": scope.title},
        )
        return redirect(f"{reverse(INDEX_URL)}?{urlencode({'org': scope.code})}")


def urls():
    return [
        path("oversight/", DashboardView.as_view(), name=INDEX_URL),
        path("oversight/ranking/", RankingView.as_view(), name=RANKING_URL),
        path("oversight/zombies/", ZombiesView.as_view(), name=ZOMBIES_URL),
        path("oversight/refresh/", RefreshView.as_view(), name=REFRESH_URL),
    ]
