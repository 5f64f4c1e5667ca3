from django.urls import path
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from base.admin import AdminLink, MenuGroupWithViews

from . import relay, relay_views
from .admin_views import MeetingRecordViewSet


class OrgLifeViewSetGroup(MenuGroupWithViews):
    menu_label = "组织生活"
    menu_icon = "calendar-alt"
    menu_order = 270
    items = (MeetingRecordViewSet,)
    links = (
        AdminLink(
            gettext_lazy("传达学习情况"),
            relay_views.INDEX_URL,
            "relay",
            "tasks",
            relay.may_see_relay,
        ),
    )


register_snippet(OrgLifeViewSetGroup)


@hooks.register("register_admin_urls")
def register_relay_urls():
    return [
        path("orglife/relay/", relay_views.relay_index_view, name=relay_views.INDEX_URL),
        path(
            "orglife/relay/<int:directive_id>/<int:org_id>/",
            relay_views.relay_coverage_view,
            name=relay_views.COVERAGE_URL,
        ),
    ]
