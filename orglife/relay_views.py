"""组织生活 → 传达学习情况 in the admin.

The list: the directives with a study deadline shown at one of the user's organisations
(issued by it or above), newest deadline first, each with how many of that
organisation's branches have relayed it, are due or overdue. A directive's coverage: per
child organisation (its whole subtree), the subtree total and the branches still
missing (with the organisations above them, so two 第一支部 can be told apart), one page
at a time; a child leads down to its own coverage. The user sees the subtrees of their
own organisations only (orglife/visibility.py): any other organisation answers 404, and
so does a directive that does not reach the organisation or has no deadline.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from base.admin import ForbiddenMixin
from sites.models import OrganisationPage
from sites.tree import ancestor_paths

from . import relay

INDEX_URL = "orglife_relay"
COVERAGE_URL = "orglife_relay_coverage"
DIRECTIVES_PER_PAGE = 20


def page_of(items, number, per_page):
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        raise Http404 from None


def trail(user, scope):
    """The organisations from the user's own one down to `scope`, for the breadcrumbs."""
    tops = {org.pk for org in relay.own_organisations(user)}
    paths = ancestor_paths(scope.path, inclusive=True, top=2)
    above = list(OrganisationPage.objects.filter(path__in=paths).order_by("path"))
    start = next((n for n, org in enumerate(above) if org.pk in tops), len(above) - 1)
    return above[start:]


class RelayView(ForbiddenMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"
    forbidden_message = gettext_lazy("只有组织的编辑和审核员可以查看传达学习情况。")

    def has_permission(self, user):
        return relay.may_see_relay(user)


class RelayIndexView(RelayView):
    template_name = "orglife/admin/relay_index.html"
    page_title = gettext_lazy("传达学习情况")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        scopes = relay.own_organisations(user)
        chosen = self.request.GET.get("org")
        if chosen:
            if not chosen.isdigit():
                raise Http404
            scope = relay.visible_organisation(user, pk=int(chosen))
        else:
            scope = scopes[0]
        page = page_of(
            relay.directives_with_deadline(scope), self.request.GET.get("p"), DIRECTIVES_PER_PAGE
        )
        tallies = relay.tallies_for(page.object_list, scope)
        today = timezone.localdate()
        rows = []
        for directive in page.object_list:
            state, days = relay.state_on(directive.study_deadline, today)
            rows.append(
                {
                    "directive": directive,
                    "tally": tallies[directive.pk],
                    "state": state,
                    "days": days,
                    "url": reverse(COVERAGE_URL, args=[directive.pk, scope.pk]),
                }
            )
        context.update(
            scope=scope,
            scopes=scopes if len(scopes) > 1 else [],
            rows=rows,
            items=page,
            elided_page_range=page.paginator.get_elided_page_range(page.number),
        )
        return context


class RelayCoverageView(RelayView):
    template_name = "orglife/admin/relay_coverage.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if request.user.is_authenticated and relay.may_see_relay(request.user):
            self.scope = relay.visible_organisation(request.user, pk=kwargs["org_id"])
            self.directive = relay.relay_directive(kwargs["directive_id"], self.scope)

    page_title = gettext_lazy("传达学习情况")

    def get_page_title(self):
        directive = getattr(self, "directive", None)  # none on the 403 page
        return directive.title if directive is not None else self.page_title

    def get_breadcrumbs_items(self):
        if getattr(self, "directive", None) is None:
            return []
        index = reverse(INDEX_URL)
        items = [{"url": index, "label": _("传达学习情况")}]
        for org in trail(self.request.user, self.scope):
            items.append(
                {
                    "url": reverse(COVERAGE_URL, args=[self.directive.pk, org.pk]),
                    "label": org.title,
                }
            )
        items[-1]["url"] = ""
        return self.breadcrumbs_items + items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coverage = relay.Coverage(self.directive, self.scope)
        try:
            missing = coverage.missing_page(self.request.GET.get("p") or 1)
        except PageNotAnInteger:
            missing = coverage.missing_page(1)
        except EmptyPage:
            raise Http404 from None
        children = [
            {
                "organisation": child,
                "tally": tally,
                "url": reverse(COVERAGE_URL, args=[self.directive.pk, child.pk]),
            }
            for child, tally in coverage.children
        ]
        context.update(
            directive=self.directive,
            scope=self.scope,
            coverage=coverage,
            total=coverage.total,
            children=children,
            missing=missing,
            items=missing,
            elided_page_range=missing.paginator.get_elided_page_range(missing.number),
            add_url=relay.add_record_url(self.directive),
        )
        return context


relay_index_view = RelayIndexView.as_view()
relay_coverage_view = RelayCoverageView.as_view()
