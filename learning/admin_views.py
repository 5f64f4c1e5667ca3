"""学习 in the admin: point rules, members (each reviewer sees the members of the branches
under the organisations they review), and the member import."""

import secrets

from django import forms
from django.contrib.auth import get_user_model
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.views.snippets import SnippetViewSet

from base.admin import FileImportView
from sites.admin_scope import SubtreeSnippetViewSet, in_subtrees
from sites.models import OrganisationPage

from .members import import_members
from .models import Evaluation, MemberProfile, PointRule, Question, Quiz
from .quizzes import import_questions

MEMBER_IMPORT_URL = "learning_member_import"


def organisations_reviewed(user):
    """The organisations whose members `user` manages: all for superusers, else those
    whose reviewers' group (`<code>:reviewers`) they are in, outermost first."""
    orgs = OrganisationPage.originals().order_by("path")
    if user.is_superuser:
        return orgs.filter(depth=2)
    return orgs.filter(access__reviewers__in=user.groups.all())


class PointRuleViewSet(SnippetViewSet):
    model = PointRule
    icon = "pick"
    menu_label = "积分规则"
    list_display = ["name", "code", "points", "daily_cap", "minutes", "active"]


class ScopedFormMixin:
    """Choices limited to what the user manages: `scoped_fields` maps a field to the
    tree-path lookup of its model."""

    scoped_fields = {}

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        orgs = organisations_reviewed(for_user) if for_user else OrganisationPage.objects.none()
        for name, lookup in self.scoped_fields.items():
            field = self.fields[name]
            field.queryset = in_subtrees(field.queryset, orgs, lookup)


class MemberForm(ScopedFormMixin, WagtailAdminModelForm):
    scoped_fields = {"branch": "path"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = self.fields["branch"].queryset.filter(kind="branch")

    def save(self, commit=True):
        """A member added here gets the account every member has (the import makes one as
        well): the phone number as username, no password until one is set."""
        member = super().save(commit=False)
        if member.user_id is None:
            User = get_user_model()
            username = member.phone
            if not username or User.objects.filter(username=username).exists():
                username = f"member-{secrets.token_hex(6)}"
            member.user = User.objects.create_user(username=username, password=None)
        if commit:
            member.save()
            self.save_m2m()
        return member


class EvaluationForm(ScopedFormMixin, WagtailAdminModelForm):
    scoped_fields = {"member": "branch__path"}


class MemberViewSet(SubtreeSnippetViewSet):
    """Every view of members (listing, export, edit, copy, delete, history, usage, the
    chooser …) keeps to the organisations the user reviews."""

    scope_organisations = staticmethod(organisations_reviewed)
    model = MemberProfile
    icon = "group"
    menu_label = "党员"
    list_display = ["name", "phone", "branch"]
    list_export = ["name", "phone", "branch"]

    def get_queryset(self, request):
        return MemberProfile.objects.select_related("branch")  # one query for the list

    search_fields = ["name", "phone"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("phone"), FieldPanel("branch")], base_form_class=MemberForm
    )


class EvaluationViewSet(SubtreeSnippetViewSet):
    scope_organisations = staticmethod(organisations_reviewed)
    model = Evaluation
    icon = "success"
    menu_label = "年度评议"
    list_display = ["member", "year", "score"]
    list_export = ["member", "year", "score", "note"]

    def get_queryset(self, request):
        return Evaluation.objects.select_related("member")

    list_filter = ["year"]
    scope_field = "member__branch__path"
    edit_handler = ObjectList(
        [FieldPanel("member"), FieldPanel("year"), FieldPanel("score"), FieldPanel("note")],
        base_form_class=EvaluationForm,
    )


def can_import_members(user):
    """Reviewers of an organisation import its members."""
    return organisations_reviewed(user).exists()


def can_import_questions(user):
    return user.has_perm("learning.add_question")


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


class MemberImportView(FileImportView):
    template_name = "learning/admin/member_import.html"
    page_title = "导入党员"
    form_class = MemberImportForm
    forbidden_message = "只有组织的审核人员可以导入党员。"

    def has_permission(self, user):
        return can_import_members(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.blank_form_kwargs()}

    def blank_form_kwargs(self):
        return {"user": self.request.user}

    def run_import(self, form, upload):
        return import_members(upload.read(), upload.name, form.cleaned_data["organisation"])


class QuestionImportForm(forms.Form):
    file = forms.FileField(
        label="CSV 或 Excel 文件",
        help_text="列：题型（单选/多选/判断）、题目、选项A…选项F、答案（如 A、ACD、对）、解析",
    )


class QuestionImportView(FileImportView):
    template_name = "learning/admin/question_import.html"
    page_title = "导入题库"
    form_class = QuestionImportForm

    def has_permission(self, user):
        return can_import_questions(user)

    def run_import(self, form, upload):
        created, updated = import_questions(upload.read(), upload.name)
        return f"新增 {created} 题，更新 {updated} 题。"


member_import_view = MemberImportView.as_view()
question_import_view = QuestionImportView.as_view()
QUESTION_IMPORT_URL = "learning_question_import"


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    menu_label = "题库"
    list_display = ["text", "kind", "category", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["text"]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    menu_label = "测验"
    list_display = ["title", "time_limit_s", "daily_for"]
