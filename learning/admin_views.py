"""学习 in the admin: point rules, members (each reviewer sees the members of the branches
under the organisations they review), and the member import."""

from django import forms
from django.shortcuts import render
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet

from content.admin_views import ForbiddenMixin
from portal.tables import TableError
from sites.models import OrganisationPage

from .members import import_members
from .models import MemberProfile, PointRule

MEMBER_IMPORT_URL = "learning_member_import"


def organisations_reviewed(user):
    """The organisations whose members `user` manages: all for superusers, else those
    whose reviewers' group (`<code>:reviewers`) they are in, outermost first."""
    orgs = OrganisationPage.objects.order_by("path")
    if user.is_superuser:
        return orgs.filter(depth=2)
    return orgs.filter(access__reviewers__in=user.groups.all())


def in_subtrees(queryset, orgs, field="branch__path"):
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    paths = [o.path for o in orgs]
    if not paths:
        return queryset.none()
    return queryset.filter(reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths)))


class PointRuleViewSet(SnippetViewSet):
    model = PointRule
    icon = "pick"
    menu_label = "积分规则"
    list_display = ["name", "code", "points", "daily_cap", "minutes", "active"]


class MemberIndexView(IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("branch", "user")
        return in_subtrees(queryset, organisations_reviewed(self.request.user))


class MemberViewSet(SnippetViewSet):
    model = MemberProfile
    icon = "group"
    menu_label = "党员"
    list_display = ["name", "phone", "branch"]
    search_fields = ["name", "phone"]
    index_view_class = MemberIndexView


class MemberImportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="导入到", queryset=OrganisationPage.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label="CSV 或 Excel 文件", help_text="列：姓名、手机号、支部代码（可选：用户名、初始密码）"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_reviewed(user)


class MemberImportView(ForbiddenMixin, WagtailAdminTemplateMixin, FormView):
    template_name = "learning/admin/member_import.html"
    page_title = "导入党员"
    header_icon = "upload"
    form_class = MemberImportForm
    forbidden_message = "只有组织的审核人员可以导入党员。"

    def has_permission(self, user):
        return organisations_reviewed(user).exists()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            report = import_members(upload.read(), upload.name, form.cleaned_data["organisation"])
        except TableError as error:
            for line in error.errors:
                form.add_error("file", line)
            return self.form_invalid(form)
        # The generated passwords are shown this once (nothing keeps them).
        return render(
            self.request,
            self.template_name,
            {
                **self.get_context_data(form=self.form_class(user=self.request.user)),
                "report": report,
            },
        )


member_import_view = MemberImportView.as_view()
