from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from base.admin import AdminLink, MenuGroupWithViews

from . import handbook_views
from .admin_views import MeetingRecordViewSet


class OrgLifeViewSetGroup(MenuGroupWithViews):
    menu_label = "组织生活"
    menu_icon = "calendar-alt"
    menu_order = 270
    items = (MeetingRecordViewSet,)
    links = (
        AdminLink(
            _("打印手册"),
            handbook_views.FORM_URL,
            "handbook",
            "doc-full",
            handbook_views.can_print,
        ),
    )


register_snippet(OrgLifeViewSetGroup)


@hooks.register("register_admin_urls")
def register_handbook_urls():
    return [
        path(
            "orglife/handbook/",
            handbook_views.HandbookView.as_view(),
            name=handbook_views.FORM_URL,
        ),
        path(
            "orglife/handbook/<int:build_id>/",
            handbook_views.HandbookStatusView.as_view(),
            name=handbook_views.STATUS_URL,
        ),
        path(
            "orglife/handbook/<int:build_id>/pdf/",
            handbook_views.file_view,
            name=handbook_views.FILE_URL,
        ),
    ]
