from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from . import admin_views


class MemberImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.organisations_reviewed(request.user).exists()


class QuestionImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("learning.add_question")


class LearningViewSetGroup(SnippetViewSetGroup):
    menu_label = "学习"
    menu_icon = "media"
    menu_order = 260
    items = (
        admin_views.MemberViewSet,
        admin_views.EvaluationViewSet,
        admin_views.QuestionViewSet,
        admin_views.QuizViewSet,
        admin_views.PointRuleViewSet,
    )

    def get_submenu_items(self):
        return super().get_submenu_items() + [
            MemberImportMenuItem(
                "导入党员", reverse(admin_views.MEMBER_IMPORT_URL), icon_name="upload"
            ),
            QuestionImportMenuItem(
                "导入题库", reverse(admin_views.QUESTION_IMPORT_URL), icon_name="upload"
            ),
        ]


register_snippet(LearningViewSetGroup)


@hooks.register("register_admin_urls")
def register_learning_urls():
    return [
        path(
            "learning/members/import/",
            admin_views.member_import_view,
            name=admin_views.MEMBER_IMPORT_URL,
        ),
        path(
            "learning/questions/import/",
            admin_views.question_import_view,
            name=admin_views.QUESTION_IMPORT_URL,
        ),
    ]
