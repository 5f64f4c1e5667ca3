"""The 监督 menu: the dashboard, the e-map and the messages for everyone who oversees an
organisation; the rules and weights (snippets) for the city."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from base.admin import AdminLink, MenuGroupWithViews

from . import dashboard_views, map_views, message_views
from .access import may_oversee
from .admin_viewsets import ScoreWeightViewSet, UpdateRuleViewSet


class OversightViewSetGroup(MenuGroupWithViews):
    menu_label = _("监督")
    menu_icon = "view"
    menu_order = 280
    items = (UpdateRuleViewSet, ScoreWeightViewSet)
    links = (
        AdminLink(_("监督总览"), dashboard_views.INDEX_URL, "oversight", "table", may_oversee),
        AdminLink(_("电子地图"), map_views.MAP_URL, "oversight-map", "site", may_oversee),
        AdminLink(_("消息"), message_views.LIST_URL, "oversight-messages", "mail", may_oversee),
    )


register_snippet(OversightViewSetGroup)


@hooks.register("register_admin_urls")
def register_oversight_urls():
    return dashboard_views.urls() + map_views.urls() + message_views.urls()


@hooks.register("construct_homepage_panels")
def add_oversight_panels(request, panels):
    message_views.add_panels(request, panels)
