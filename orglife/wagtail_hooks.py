from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from base.admin import AdminLink, MenuGroupWithViews

from . import import_views
from .admin_views import MeetingRecordViewSet
from .imports import can_import


class OrgLifeViewSetGroup(MenuGroupWithViews):
    menu_label = "组织生活"
    menu_icon = "calendar-alt"
    menu_order = 270
    items = (MeetingRecordViewSet,)
    links = (
        AdminLink(_("导入记录"), import_views.IMPORT_URL, "record-import", "upload", can_import),
    )


register_snippet(OrgLifeViewSetGroup)


@hooks.register("register_admin_urls")
def register_record_import_urls():
    return [
        path("orglife/import/", import_views.record_import_view, name=import_views.IMPORT_URL),
        path(
            "orglife/import/template/",
            import_views.import_template,
            name=import_views.TEMPLATE_URL,
        ),
    ]
