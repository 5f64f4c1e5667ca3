"""快速发布 in the admin (thin views over kitchen/quick_publish.py): the form, the choice of
organisation for those who edit several, and the screen that says what happened."""

from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from base.admin import FORBIDDEN_TEMPLATE
from sites import organisation_picker
from sites.models import OrganisationPage

from . import quick_publish as qp
from .models import ProofreadingTaskState
from .review_messages import outcome_of

FORM_URL = "kitchen_quick_publish"
DONE_URL = "kitchen_quick_publish_done"


class QuickPublishBase(WagtailAdminTemplateMixin, View):
    header_icon = "plus"
    page_title = gettext_lazy("快速发布")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def render(self, template, status=200, **context):
        context = self.get_context_data(**context)
        return TemplateResponse(self.request, template, context, status=status)

    def forbidden(self, message):
        return self.render(FORBIDDEN_TEMPLATE, status=403, message=message)


class QuickPublishView(QuickPublishBase):
    template_name = "kitchen/admin/quick_publish.html"
    http_method_names = ["get", "post", "head", "options"]

    def get(self, request):
        user = request.user
        if "org" in request.GET:
            org = qp.organisation_for(user, request.GET["org"])
            if org is None:
                return self.forbidden(_("您不能在这个组织发布。"))
        else:
            org = None if "choose" in request.GET else self.default_organisation(user)
            if org is None:
                return self.choose_organisation(user)
        columns = qp.columns_for(org)
        remembered = qp.remembered_column(user)
        pks = [c.page.pk for c in columns]
        column = remembered if remembered is not None and remembered.pk in pks else None
        if column is None and columns:
            column = columns[0].page
        return self.show(org, columns, qp.blank_form(org, columns, column))

    def post(self, request):
        org = qp.organisation_for(request.user, request.POST.get("organisation"))
        if org is None:
            return self.forbidden(_("您不能在这个组织发布。"))
        result = qp.attempt(request.user, org, request.POST, request.FILES)
        if result.page is not None:
            return redirect(DONE_URL, result.page.pk)
        return self.show(
            org, qp.columns_for(org), result.form, result, status=400 if result.refused else 200
        )

    def default_organisation(self, user):
        """The organisation of the column used last, or the only one the user has."""
        organisations = qp.organisations_for(user)
        remembered = qp.remembered_column(user)
        if remembered is not None:
            org = OrganisationPage.nearest_above(remembered)
            if org is not None and organisations.filter(pk=org.pk).exists():
                return org
        first_two = list(organisations[:2])
        return first_two[0] if len(first_two) == 1 else None

    def choose_organisation(self, user):
        return self.render(
            organisation_picker.TEMPLATE,
            **organisation_picker.picker_context(
                qp.organisations_for(user),
                self.request.GET.get("q", ""),
                question=_("发布到哪个组织？"),
                empty=_("您还没有可以发布内容的组织。请联系上级组织的管理员为您开通编辑权限。"),
            ),
        )

    def show(self, org, columns, form, result=None, status=200):
        several = qp.organisations_for(self.request.user)[:2].count() > 1
        return self.render(
            self.template_name,
            status=status,
            organisation=org,
            columns=columns,
            form=form,
            result=result,
            photos=result.photos if result else [],
            several=several,
            form_url=reverse(FORM_URL),
        )


class QuickPublishDoneView(QuickPublishBase):
    """「已提交一审：<title>」, or what happened instead — never a false 已提交."""

    template_name = "kitchen/admin/quick_publish_done.html"

    def get(self, request, page_id):
        page = get_object_or_404(Page, pk=page_id).specific
        if not page.permissions_for_user(request.user).can_edit():
            return self.forbidden(_("您不能查看这个页面。"))
        outcome = outcome_of(page)
        org = OrganisationPage.nearest_above(page)
        return self.render(
            self.template_name,
            page=page,
            outcome=outcome,
            notes=proofreading_notes(page),
            again_url=f"{reverse(FORM_URL)}?org={org.pk}" if org else reverse(FORM_URL),
        )


def proofreading_notes(page):
    """The non-blocking findings (敏感词) of the page's latest proofreading."""
    state = (
        ProofreadingTaskState.objects.filter(
            workflow_state__object_id=str(page.pk),
            workflow_state__base_content_type=page.get_base_content_type(),
        )
        .order_by("-started_at", "-pk")
        .first()
    )
    if state is None:
        return []
    return [f.get("message", "") for f in state.findings if not f.get("blocking", True)]


class QuickPublishPanel(Component):
    """The big 快速发布 button, first on the admin home (construct_homepage_panels)."""

    name = "quick_publish"
    template_name = "kitchen/admin/quick_publish_panel.html"
    order = 0

    class Media:
        css = {"all": ["sites/mobile_form.css"]}

    def get_context_data(self, parent_context):
        return {"url": reverse(FORM_URL)}
