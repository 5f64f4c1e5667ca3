"""Admin integration of the central kitchen: the 中央厨房 menu (lexicon, formulations, webhook
subscribers, deliveries and their dead letters) and the dashboard panel."""

import json
from datetime import datetime

from django.contrib.auth import get_user_model
from django.template.defaultfilters import date as format_date
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    IndexView,
    InspectView,
    SnippetViewSet,
)

from base.admin import AdminLink, KeptSnippetUrls, MenuGroupWithViews
from content.channels import CHANNEL_LABELS

from . import admin_views
from .direct_publish import refuse_bulk_publish, refuse_direct_publish, without_publish_item
from .models import Delivery, LexiconTerm, WebhookSubscriber, WrongFormulation
from .review_messages import name_final_approvals, say_what_happened


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Nobody adds or edits these rows in the admin, superusers included: the outbox writes
    them. Viewing (and deleting, with the model permission) works as usual."""

    denied = frozenset({"add", "change"})

    def user_has_permission(self, user, action):
        return action not in self.denied and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        allowed = set(actions) - self.denied
        if not allowed:
            return get_user_model().objects.none()
        return super().users_with_any_permission(allowed)


register_permission_policy(Delivery, ReadOnlyPermissionPolicy(Delivery), exact_class=True)


class KitchenSnippetViewSet(KeptSnippetUrls, SnippetViewSet):
    kept_app_label = "content"  # /admin/snippets/content/…, as before the models moved


class LexiconTermViewSet(KitchenSnippetViewSet):
    model = LexiconTerm
    icon = "warning"
    menu_label = "敏感词/禁用词"
    list_display = ["word", "kind", "note"]
    list_filter = ["kind"]
    search_fields = ["word", "note"]
    ordering = ["word"]
    copy_view_enabled = False


class WrongFormulationViewSet(KitchenSnippetViewSet):
    model = WrongFormulation
    icon = "edit"
    menu_label = "规范表述"
    list_display = ["wrong", "right", "note"]
    search_fields = ["wrong", "right", "note"]
    ordering = ["wrong"]
    copy_view_enabled = False


def subscriber_channels(subscriber):
    return "、".join(CHANNEL_LABELS[name] for name in subscriber.channels) or "—"


class WebhookSubscriberViewSet(KitchenSnippetViewSet):
    model = WebhookSubscriber
    icon = "link-external"
    menu_label = "Webhook 订阅"
    # The secret is not listed; the edit form shows it.
    list_display = [
        "name",
        "url",
        Column("channels", label="渠道", accessor=subscriber_channels),
        BooleanColumn("active", label="启用", sort_key="active"),
    ]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    ordering = ["name"]
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("secret"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("channel_web"),
                        FieldPanel("channel_app"),
                        FieldPanel("channel_screen"),
                    ]
                )
            ],
            heading="接收渠道",
        ),
        FieldPanel("private_content"),
        FieldPanel("active"),
    ]


class DeliveryIndexView(IndexView):
    page_title = "投递记录"

    @cached_property
    def columns(self):
        columns = super().columns
        for column in columns:
            if column.name == "change_id":  # the title column, linking to 查看
                column.label = "事件编号"
                column.sort_key = "change"
        return columns


class DeliveryInspectView(InspectView):
    """One delivery in full: Chinese labels, local times, the payload as sent."""

    labels = {
        "change": "事件",
        "page_id": "页面编号",
        "subscriber": "订阅方",
        "payload": "发送内容",
    }

    def get_page_subtitle(self):
        delivery = self.object
        return (
            f"事件 {delivery.change_id} · {delivery.get_channel_display()} → {delivery.subscriber}"
        )

    def get_field_label(self, field_name, field):
        return self.labels.get(field_name) or super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = getattr(self.object, field_name, None)
        if field_name == "change":
            change = self.object.change
            at = format_date(timezone.localtime(change.at), "Y-m-d H:i")
            return f"{change.id}（{change.get_action_display()}，{at}）"
        if field_name == "payload":
            text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
            return format_html('<pre class="w-overflow-x-auto">{}</pre>', text)
        if isinstance(value, datetime):  # in the portal's time zone, not UTC
            return format_date(timezone.localtime(value), "Y-m-d H:i:s")
        if value in (None, ""):
            return "—"
        return super().get_field_display_value(field_name, field)


class DeliveryViewSet(KitchenSnippetViewSet):
    """投递记录: what the outbox sent or tries to send. Read only (see the policy above)."""

    model = Delivery
    icon = "mail"
    menu_label = "投递记录"
    index_view_class = DeliveryIndexView
    inspect_view_class = DeliveryInspectView
    list_display = [
        "change_id",
        "channel",
        Column("subscriber", label="订阅方", sort_key="subscriber__name"),
        "status",
        "attempts",
        "last_status",
        DateColumn("next_attempt_at", label="下次尝试", sort_key="next_attempt_at"),
        DateColumn("created_at", label="创建时间", sort_key="created_at"),
    ]
    list_filter = ["status", "channel", "subscriber"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_fields = [
        "id",
        "change",
        "page_id",
        "channel",
        "subscriber",
        "status",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "payload",
    ]
    copy_view_enabled = False

    def get_queryset(self, request):
        return Delivery.objects.select_related("subscriber")


class KitchenViewSetGroup(MenuGroupWithViews):
    menu_label = "中央厨房"
    menu_icon = "tasks"
    menu_name = "central-kitchen"
    menu_order = 150
    items = (LexiconTermViewSet, WrongFormulationViewSet, WebhookSubscriberViewSet, DeliveryViewSet)
    links = (
        AdminLink(
            "投递失败",
            admin_views.DEAD_LETTERS_URL,
            "outbox-dead",
            "warning",
            admin_views.can_manage_outbox,
            item_class=admin_views.DeadLettersMenuItem,
        ),
        AdminLink(
            "导入词库",
            admin_views.LEXICON_IMPORT_URL,
            "lexicon-import",
            "upload",
            admin_views.can_import_lexicon,
        ),
    )


register_snippet(KitchenViewSetGroup)


@hooks.register("register_admin_urls")
def register_outbox_urls():
    return [
        path("outbox/dead/", admin_views.dead_letters_view, name=admin_views.DEAD_LETTERS_URL),
        path(
            "lexicon/import/",
            admin_views.lexicon_import_view,
            name=admin_views.LEXICON_IMPORT_URL,
        ),
    ]


@hooks.register("construct_homepage_panels")
def add_kitchen_panel(request, panels):
    panels.append(admin_views.KitchenPanel())


# --- 快速发布 ------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_quick_publish_urls():
    from . import quick_publish_views as views

    return [
        path("quick-publish/", views.QuickPublishView.as_view(), name=views.FORM_URL),
        path(
            "quick-publish/done/<int:page_id>/",
            views.QuickPublishDoneView.as_view(),
            name=views.DONE_URL,
        ),
    ]


@hooks.register("register_admin_menu_item")
def quick_publish_menu_item():
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from base.admin import PermittedMenuItem

    from .quick_publish import may_quick_publish
    from .quick_publish_views import FORM_URL

    return PermittedMenuItem(
        gettext_lazy("快速发布"),
        reverse(FORM_URL),
        may_quick_publish,
        name="quick-publish",
        icon_name="plus",
        order=10,
    )


@hooks.register("construct_homepage_panels")
def add_quick_publish_panel(request, panels):
    from .quick_publish import may_quick_publish
    from .quick_publish_views import QuickPublishPanel

    if may_quick_publish(request.user):
        panels.append(QuickPublishPanel())


# --- the page editor: what it offers and says about review ------------------------------


@hooks.register("construct_page_action_menu")
def review_action_menu(menu_items, request, context):
    without_publish_item(menu_items, request)
    name_final_approvals(menu_items, context)


@hooks.register("before_edit_page")
def no_direct_publish_on_edit(request, page):
    return refuse_direct_publish(request, page)


@hooks.register("before_create_page")
def no_direct_publish_on_create(request, parent_page, page_class):
    return refuse_direct_publish(request)


@hooks.register("before_bulk_action")
def no_direct_bulk_publish(request, action_type, objects, action_class_instance):
    return refuse_bulk_publish(request, action_type)


@hooks.register("after_edit_page")
def say_what_happened_after_edit(request, page):
    say_what_happened(request, page)


@hooks.register("after_create_page")
def say_what_happened_after_create(request, page):
    say_what_happened(request, page)
