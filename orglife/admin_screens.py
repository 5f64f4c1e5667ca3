"""What the phone-first 组织生活 screens (快速记录, 发布公开摘要) share: the admin's own
frame with a breadcrumb, rendering, and a Chinese 403 page."""

from django.template.response import TemplateResponse
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from base.admin import FORBIDDEN_TEMPLATE


class PhoneScreen(WagtailAdminTemplateMixin, View):
    header_icon = "calendar-alt"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def render(self, template, status=200, **context):
        context = self.get_context_data(**context)
        return TemplateResponse(self.request, template, context, status=status)

    def forbidden(self, message):
        return self.render(FORBIDDEN_TEMPLATE, status=403, message=message)
