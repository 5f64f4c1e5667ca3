"""直播 in the admin: 生成推流密钥 (the key is shown on the answer to the POST only)."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from base.admin import ForbiddenMixin

from . import keys
from .models import LiveEventPage, StreamKey

STREAM_KEY_URL = "livestream_stream_key"


class StreamKeyView(ForbiddenMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET says what generating does; POST makes a new key (revoking unused ones) and
    shows it once. Whoever may edit the event page may do it, while it is 未开始."""

    template_name = "livestream/admin/stream_key.html"
    header_icon = "media"

    forbidden_message = "您没有权限管理这个直播。"

    def setup(self, request, page_id):
        super().setup(request)
        self.event = get_object_or_404(LiveEventPage, pk=page_id)
        self.page_title = f"推流密钥：{self.event.title}"

    def has_permission(self, user):
        return self.event.permissions_for_user(user).can_edit()

    def dispatch(self, request, page_id):
        return super().dispatch(request)  # the admin's answers are never cached

    def get(self, request):
        active = StreamKey.objects.filter(
            event=self.event, used_at__isnull=True, revoked_at__isnull=True
        )
        return self.render_to_response(
            self.get_context_data(
                event=self.event, opens=self.event.publish_opens_at, active=active.exists()
            )
        )

    def post(self, request):
        if self.event.status != LiveEventPage.SCHEDULED:
            return self.get(request)
        key, row = keys.issue(self.event, request.user)
        return self.render_to_response(
            self.get_context_data(
                event=self.event,
                key=key,
                row=row,
                publish_url=keys.publish_url(self.event, key),
                server=settings.LIVESTREAM_RTMP_URL,
            )
        )
