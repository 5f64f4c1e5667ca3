"""监督 → 电子地图 (the e-map) in the admin: /admin/oversight/map/?org=<code>.

The user's subtree (or that of `org`, one of its organisations; any other code is a 404)
on the outline of the city (oversight/static/oversight/jiangcheng.geojson), drawn in the
browser as SVG by oversight/static/oversight/map.js: nothing is loaded from anywhere but
the portal itself — no tile server, no CDN. The marks are embedded in the page as JSON
(`json_script`, oversight/map_data.py); the same data is /api/v2/oversight/map/ for a
big screen. Organisations without coordinates are listed under the map."""

from django.templatetags.static import static
from django.urls import path
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from base.admin import ForbiddenMixin

from . import map_data
from .access import may_oversee, scope_for

MAP_URL = "oversight_map"
OUTLINE = "oversight/jiangcheng.geojson"


class MapView(ForbiddenMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "oversight/map/map.html"
    page_title = gettext_lazy("党建电子地图")
    header_icon = "site"
    forbidden_message = gettext_lazy("只有组织的编辑和审核员可以查看电子地图。")

    def has_permission(self, user):
        return may_oversee(user)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.request.GET.get("org", "").strip().lower()
        scope = scope_for(self.request.user, code or None)
        data = map_data.marks(scope, request=self.request)
        context.update(
            scope=scope,
            data=data,
            map_json=data.as_json(),
            outline_url=static(OUTLINE),
        )
        return context


def urls():
    return [path("oversight/map/", MapView.as_view(), name=MAP_URL)]
