from django.urls import path
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from base.admin import AdminLink, MenuGroupWithViews

from . import admin_views


class LearningViewSetGroup(MenuGroupWithViews):
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
    links = (
        AdminLink(
            "导入党员",
            admin_views.MEMBER_IMPORT_URL,
            "member-import",
            "upload",
            admin_views.can_import_members,
        ),
        AdminLink(
            "导入题库",
            admin_views.QUESTION_IMPORT_URL,
            "question-import",
            "upload",
            admin_views.can_import_questions,
        ),
    )


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
