"""地铁屏 in the admin: display groups, devices, playlists, emergency inserts, play reports.

Devices carry a bearer token of which only the hash is stored: the admin shows a new token
once (after 登记 or 更换令牌, read from the session and dropped there), and 停用 revokes a
device at once (the feed refuses it at its next poll). Playlists and inserts refuse clips a
chosen group cannot play. 播放统计 (/admin/screens/plays/) sums the players' proof of play
per item, group and day for the last week, and lists the devices that stopped calling in.

Snapshots are rebuilt by the signals in screens/signals.py whenever a playlist, insert or
group is saved; nothing here rebuilds them.
"""

import datetime
import os

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, Sum
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
)
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    IndexView,
    SnippetViewSet,
)

from base.admin import AdminLink, ForbiddenMixin, KeptSnippetUrls, MenuGroupWithViews

from .models import Device, DisplayGroup, EmergencyInsert, Playlist, PlayTally

MANAGE_DEVICES = "screens.change_device"
VIEW_DEVICES = "screens.view_device"
DEVICE_URLS = "wagtailsnippets_content_device"
PLAYS_URL = "content_screen_plays"
SCREEN_PAGE_TYPES = [
    "content.ArticlePage",
    "content.DirectivePage",
    "content.NoticePage",
    "content.DisclosurePage",
]
REPORT_DAYS = 7
REPORT_ROWS = 100
OFFLINE_ROWS = 100


class ScreenSnippetViewSet(KeptSnippetUrls, SnippetViewSet):
    kept_app_label = "content"  # /admin/snippets/content/…, as before the models moved


def can_manage_devices(user):
    """停用 and 更换令牌: superusers and whoever may change devices."""
    return bool(user.is_active and user.has_perm(MANAGE_DEVICES))


def can_view_plays(user):
    return bool(user.is_active and (user.has_perm(VIEW_DEVICES) or user.has_perm(MANAGE_DEVICES)))


def token_session_key(pk):
    return f"screens-device-token:{pk}"


def device_url(name, pk=None):
    return reverse(f"{DEVICE_URLS}:{name}", args=[] if pk is None else [pk])


def unplayable(clip, groups):
    """Why each of these groups cannot play this clip (an empty list if all of them can)."""
    extension = os.path.splitext(clip.file.name)[1].lower() or "（无扩展名）"
    return [
        f"“{clip.title}”的格式（{extension}）不能在“{group.name}”播放"
        for group in groups
        if not group.accepts_clip(clip.file.name)
    ]


def join_names(objects):
    return "、".join(str(o) for o in objects) or "—"


# --- display groups ---------------------------------------------------------------------


class DisplayGroupViewSet(ScreenSnippetViewSet):
    model = DisplayGroup
    icon = "grid"
    menu_label = "屏幕分组"
    list_display = [
        "name",
        "slug",
        Column("size", label="分辨率", accessor=lambda g: f"{g.width}×{g.height}"),
        Column("poll_interval", label="轮询间隔（秒）", sort_key="poll_interval"),
        Column("device_count", label="设备数", sort_key="device_count"),
        DateColumn("snapshot_built_at", label="快照生成时间", sort_key="snapshot_built_at"),
    ]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    copy_view_enabled = False
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("slug")]),
        FieldRowPanel([FieldPanel("width"), FieldPanel("height")], heading="分辨率"),
        FieldRowPanel([FieldPanel("poll_interval"), FieldPanel("clip_formats")]),
        FieldPanel("organisation"),
    ]

    def get_queryset(self, request):
        return DisplayGroup.objects.defer("snapshot").annotate(device_count=Count("devices"))


# --- devices ----------------------------------------------------------------------------

OFFLINE_STYLE = "background: #cd4444; color: #fff; border-color: #cd4444"
LIVE_STYLE = "background: #b71c1c; color: #fff; border-color: #b71c1c"


def badge(label, style):
    return format_html('<span class="w-status" style="{}">{}</span>', style, label)


def last_seen(device):
    if device.last_seen_at is None:
        seen = "从未连接"
    else:
        local = timezone.localtime(device.last_seen_at)
        seen = format_html(
            '<time datetime="{}">{}</time>', local.isoformat(), f"{local:%m-%d %H:%M}"
        )
    if device.offline():
        return format_html("{} {}", seen, badge("离线", OFFLINE_STYLE))
    return seen


def revoked(device):
    if device.revoked_at is None:
        return "—"
    local = timezone.localtime(device.revoked_at)
    return format_html(
        '<span class="w-status w-status--disabled">已停用</span> {}', f"{local:%Y-%m-%d}"
    )


class DeviceIndexView(IndexView):
    @cached_property
    def can_manage(self):
        return can_manage_devices(self.request.user)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.can_manage:
            if instance.revoked_at is None:
                buttons.append(
                    ListingMenuItem(
                        "停用",
                        url=device_url("revoke", instance.pk),
                        icon_name="cross",
                        priority=40,
                    )
                )
            buttons.append(
                ListingMenuItem(
                    "更换令牌", url=device_url("rotate", instance.pk), icon_name="key", priority=41
                )
            )
        return buttons


class DeviceCreateView(CreateView):
    """登记设备: the token is made here, kept in the session for the token page only."""

    def get_success_message(self, instance=None):
        device = instance or self.object
        return f"已登记设备“{device.name}”。令牌只显示这一次，请立即配置到播放器。"

    def save_instance(self):
        token = self.form.instance.set_token()
        instance = super().save_instance()
        self.request.session[token_session_key(instance.pk)] = token
        return instance

    def get_success_url(self):
        return device_url("token", self.object.pk)

    def get_success_json(self):
        result = super().get_success_json()
        result["url"] = self.get_success_url()
        return result


class DeviceEditView(EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if can_manage_devices(self.request.user):
            if self.object.revoked_at is None:
                buttons.append(
                    Button("停用", url=device_url("revoke", self.object.pk), icon_name="cross")
                )
            buttons.append(
                Button("更换令牌", url=device_url("rotate", self.object.pk), icon_name="key")
            )
        return buttons


class DeviceView(ForbiddenMixin, WagtailAdminTemplateMixin, TemplateView):
    header_icon = "desktop"

    def setup(self, request, *args, pk, **kwargs):
        super().setup(request, *args, pk=pk, **kwargs)
        self.device = get_object_or_404(Device.objects.select_related("group"), pk=pk)

    def get_page_subtitle(self):
        return str(self.device)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": device_url("list"), "label": "屏幕设备"},
            {"url": device_url("edit", self.device.pk), "label": str(self.device)},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(device=self.device, **kwargs)


class DeviceTokenView(DeviceView):
    """The token of a device just registered or given a new token: shown once."""

    template_name = "screens/admin/device_token.html"
    page_title = "设备令牌"
    http_method_names = ["get", "head", "options"]
    forbidden_message = "您没有权限查看设备令牌。"

    def has_permission(self, user):
        return user.has_perm("screens.add_device") or can_manage_devices(user)

    def get(self, request, *args, **kwargs):
        token = request.session.pop(token_session_key(self.device.pk), None)
        player = None
        if token:
            player = request.build_absolute_uri(reverse("screen_player")) + f"?token={token}"
        response = self.render_to_response(self.get_context_data(token=token, player_url=player))
        response["Cache-Control"] = "no-store"
        return response


class DeviceActionView(DeviceView):
    """A confirmation page (GET) and the action itself (POST, with CSRF)."""

    template_name = "screens/admin/device_action.html"
    http_method_names = ["get", "post", "head", "options"]
    forbidden_message = "您没有权限管理屏幕设备。需要超级管理员或“修改屏幕设备”权限。"
    explanation = ""
    button_label = ""

    def has_permission(self, user):
        return can_manage_devices(user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            explanation=self.explanation, button_label=self.button_label, **kwargs
        )


class DeviceRevokeView(DeviceActionView):
    page_title = "停用设备"
    button_label = "停用"
    explanation = (
        "停用后，这块屏幕的令牌立即失效：播放器下次请求时会被拒绝，屏幕停在已缓存的内容上。"
    )

    def post(self, request, *args, **kwargs):
        if self.device.revoked_at is None:
            Device.objects.filter(pk=self.device.pk).update(revoked_at=timezone.now())
            messages.success(request, f"已停用设备“{self.device.name}”。")
        else:
            messages.warning(request, f"设备“{self.device.name}”早已停用。")
        return redirect(device_url("list"))


class DeviceRotateView(DeviceActionView):
    page_title = "更换令牌"
    button_label = "更换令牌"
    explanation = "更换后，旧令牌立即失效，新令牌只显示一次，请随即配置到播放器。"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.device.revoked_at is not None:
            context["explanation"] += "设备目前已停用，换上新令牌后恢复启用。"
        return context

    def post(self, request, *args, **kwargs):
        device = self.device
        token = device.set_token()
        device.revoked_at = None
        device.save(update_fields=["token_hash", "token_hint", "revoked_at"])
        request.session[token_session_key(device.pk)] = token
        messages.success(request, f"已为设备“{device.name}”更换令牌，旧令牌已失效。")
        return redirect(device_url("token", device.pk))


class DeviceViewSet(ScreenSnippetViewSet):
    model = Device
    icon = "desktop"
    menu_label = "屏幕设备"
    index_view_class = DeviceIndexView
    add_view_class = DeviceCreateView
    edit_view_class = DeviceEditView
    list_display = [
        "name",
        Column("group", label="分组", sort_key="group__name"),
        "location",
        Column("token_hint", label="令牌前缀", accessor=lambda d: f"{d.token_hint}…"),
        Column("last_seen_at", label="最后在线", accessor=last_seen, sort_key="last_seen_at"),
        Column("player_version", label="播放器版本", sort_key="player_version"),
        Column("revoked_at", label="停用", accessor=revoked, sort_key="revoked_at"),
    ]
    list_filter = ["group"]
    search_fields = ["name", "location", "token_hint"]
    ordering = ["group__name", "name"]
    list_per_page = 50
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "group",
        "location",
        "token_hint",
        "last_seen_at",
        "player_version",
        "status",
        "revoked_at",
        "created_at",
    ]
    panels = [FieldPanel("name"), FieldPanel("group", widget=forms.Select), FieldPanel("location")]

    def get_queryset(self, request):
        return Device.objects.select_related("group").defer("group__snapshot", "status")

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("token/<int:pk>/", DeviceTokenView.as_view(), name="token"),
            path("revoke/<int:pk>/", DeviceRevokeView.as_view(), name="revoke"),
            path("rotate/<int:pk>/", DeviceRotateView.as_view(), name="rotate"),
        ]


# --- playlists --------------------------------------------------------------------------


class PlaylistForm(WagtailAdminModelForm):
    """Refuses clips that one of the chosen groups cannot play."""

    def clean(self):
        cleaned = super().clean()
        groups = list(cleaned.get("groups") or [])
        items = self.formsets.get("items")
        if not groups or items is None:
            return cleaned
        items.is_valid()  # validates the item forms, so their cleaned_data is there
        for form in items.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("clip"):
                continue
            for message in unplayable(data["clip"], groups):
                form.add_error("clip", message)
        return cleaned


class PlaylistViewSet(ScreenSnippetViewSet):
    model = Playlist
    icon = "list-ol"
    menu_label = "播放列表"
    list_display = [
        "name",
        Column("groups", label="播放分组", accessor=lambda p: join_names(p.groups.all())),
        Column("item_count", label="播放项", sort_key="item_count"),
        Column("priority", label="优先级", sort_key="priority"),
        BooleanColumn("active", label="启用", sort_key="active"),
    ]
    list_filter = ["active", "groups"]
    search_fields = ["name"]
    ordering = ["-priority", "name"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("groups", widget=forms.CheckboxSelectMultiple),
            FieldRowPanel([FieldPanel("priority"), FieldPanel("active")]),
            InlinePanel(
                "items",
                heading="播放项",
                label="播放项",
                help_text="每项选择一个页面、一张图片或一段短视频；标题和时长可留空。",
                panels=[
                    FieldRowPanel(
                        [
                            PageChooserPanel("page", SCREEN_PAGE_TYPES),
                            FieldPanel("image"),
                            FieldPanel("clip"),
                        ]
                    ),
                    FieldRowPanel([FieldPanel("title"), FieldPanel("duration")]),
                ],
            ),
            InlinePanel(
                "rules",
                heading="播放时段",
                label="时段",
                help_text="不设时段则全天播放。",
                panels=[
                    FieldPanel("weekdays"),
                    FieldRowPanel([FieldPanel("start_time"), FieldPanel("end_time")]),
                    FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                ],
            ),
        ],
        base_form_class=PlaylistForm,
    )

    def get_queryset(self, request):
        return Playlist.objects.annotate(item_count=Count("items")).prefetch_related("groups")


# --- emergency inserts ------------------------------------------------------------------


class EmergencyInsertForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        clip, groups = cleaned.get("clip"), list(cleaned.get("groups") or [])
        if clip and groups:
            for message in unplayable(clip, groups):
                self.add_error("clip", message)
        return cleaned


class ApprovedByMixin:
    """Whoever saves an insert approves it."""

    def save_instance(self):
        self.form.instance.approved_by = self.request.user
        return super().save_instance()


class EmergencyInsertCreateView(ApprovedByMixin, CreateView):
    pass


class EmergencyInsertEditView(ApprovedByMixin, EditView):
    pass


def local_time(value):
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


def insert_state(insert, now=None):
    now = now or timezone.now()
    if insert.ends_at <= now:
        return "已结束"
    if insert.starts_at > now:
        return "未开始"
    return badge("播出中", LIVE_STYLE)


class EmergencyInsertViewSet(ScreenSnippetViewSet):
    model = EmergencyInsert
    icon = "warning"
    menu_label = "紧急插播"
    add_view_class = EmergencyInsertCreateView
    edit_view_class = EmergencyInsertEditView
    list_display = [
        "title",
        Column("groups", label="插播分组", accessor=lambda i: join_names(i.groups.all())),
        Column("state", label="状态", accessor=insert_state),
        # Exact local times: the relative dates of DateColumn say "刚刚" for future times.
        Column(
            "starts_at",
            label="开始",
            accessor=lambda i: local_time(i.starts_at),
            sort_key="starts_at",
        ),
        Column(
            "ends_at", label="结束", accessor=lambda i: local_time(i.ends_at), sort_key="ends_at"
        ),
        Column("priority", label="优先级", sort_key="priority"),
        Column("approved_by", label="批准人", accessor=lambda i: i.approved_by or "—"),
    ]
    search_fields = ["title", "text"]
    ordering = ["-starts_at"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("text"),
            FieldRowPanel([FieldPanel("image"), FieldPanel("clip")]),
            FieldPanel("groups", widget=forms.CheckboxSelectMultiple),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                    FieldPanel("priority"),
                ],
                heading="播出时间",
            ),
        ],
        base_form_class=EmergencyInsertForm,
    )

    def get_queryset(self, request):
        return EmergencyInsert.objects.select_related("approved_by").prefetch_related("groups")


# --- 播放统计 ------------------------------------------------------------------------------


def resolve_titles(keys):
    """{item key: (title, admin URL or None)}, in one query per kind of item."""
    ids = {"page": set(), "image": set(), "clip": set(), "emergency": set()}
    for key in keys:
        kind, _, number = key.partition(":")
        if kind in ids and number.isdigit():
            ids[kind].add(int(number))
    sources = {
        "page": (Page.objects, "wagtailadmin_pages:edit"),
        "image": (get_image_model().objects, "wagtailimages:edit"),
        "clip": (get_document_model().objects, "wagtaildocs:edit"),
        "emergency": (EmergencyInsert.objects, "wagtailsnippets_content_emergencyinsert:edit"),
    }
    titles = {}
    for kind, wanted in ids.items():
        if not wanted:
            continue
        manager, url_name = sources[kind]
        for pk, title in manager.filter(pk__in=wanted).values_list("pk", "title"):
            titles[f"{kind}:{pk}"] = (title, reverse(url_name, args=[pk]))
    return titles


KIND_LABELS = {"page": "页面", "image": "图片", "clip": "短视频", "emergency": "紧急插播"}


class PlaysReportView(ForbiddenMixin, WagtailAdminTemplateMixin, TemplateView):
    """播放统计: plays and seconds per item, group and day (last 7 days), and 离线设备."""

    template_name = "screens/admin/plays.html"
    page_title = "播放统计"
    header_icon = "table"
    forbidden_message = "您没有权限查看播放统计。需要超级管理员或“查看/修改屏幕设备”权限。"

    def has_permission(self, user):
        return can_view_plays(user)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        days = [today - datetime.timedelta(days=n) for n in range(REPORT_DAYS)]
        groups = list(DisplayGroup.objects.order_by("name").values("pk", "name", "poll_interval"))
        names = {g["pk"]: g["name"] for g in groups}
        group = self.request.GET.get("group", "")
        group_id = int(group) if group.isdigit() and int(group) in names else None
        day = next((d for d in days if d.isoformat() == self.request.GET.get("day")), None)

        tallies = PlayTally.objects.filter(day__gte=days[-1], day__lte=today)
        if group_id:
            tallies = tallies.filter(device__group_id=group_id)
        if day:
            tallies = tallies.filter(day=day)
        summed = (
            tallies.values("day", "device__group_id", "item")
            .annotate(
                plays=Sum("plays"), seconds=Sum("seconds"), devices=Count("device", distinct=True)
            )
            .order_by("-day", "device__group_id", "-plays", "item")
        )
        paginator = Paginator(summed, REPORT_ROWS)
        page = paginator.get_page(self.request.GET.get("p"))
        found = list(page.object_list)
        titles = resolve_titles(row["item"] for row in found)
        rows = []
        for row in found:
            kind = row["item"].partition(":")[0]
            title, url = titles.get(row["item"], (None, None))
            rows.append(
                {
                    "day": row["day"],
                    "group": names.get(row["device__group_id"], "—"),
                    "item": row["item"],
                    "kind": KIND_LABELS.get(kind, kind),
                    "title": title or f"（已删除）{row['item']}",
                    "url": url,
                    "plays": row["plays"],
                    "seconds": row["seconds"],
                    "minutes": round(row["seconds"] / 60, 1),
                    "devices": row["devices"],
                }
            )
        totals = tallies.aggregate(plays=Sum("plays"), seconds=Sum("seconds"))

        query = {"group": group_id or "", "day": day.isoformat() if day else ""}
        context.update(
            groups=groups,
            days=days,
            group_id=group_id,
            day=day,
            rows=rows,
            page_obj=page,
            paginator=paginator,
            elided_page_range=paginator.get_elided_page_range(page.number),
            filter_query="&".join(f"{k}={v}" for k, v in query.items() if v),
            total_plays=totals["plays"] or 0,
            total_hours=round((totals["seconds"] or 0) / 3600, 1),
            **self.offline_devices(groups, group_id),
        )
        return context

    def offline_devices(self, groups, group_id):
        """Devices in use that missed more than three polls of their group."""
        now = timezone.now()
        stale = Q(last_seen_at__isnull=True)
        for g in groups:
            limit = now - datetime.timedelta(seconds=3 * g["poll_interval"])
            stale |= Q(group_id=g["pk"], last_seen_at__lt=limit)
        devices = Device.objects.filter(stale, revoked_at__isnull=True)
        if group_id:
            devices = devices.filter(group_id=group_id)
        count = devices.count()
        listed = list(
            devices.select_related("group")
            .only("pk", "name", "location", "last_seen_at", "player_version", "group__name")
            .order_by(F("last_seen_at").asc(nulls_first=True), "pk")[:OFFLINE_ROWS]
            if count
            else []
        )
        return {
            "offline": [
                {
                    "device": d,
                    "edit_url": device_url("edit", d.pk),
                    "group": d.group.name,
                }
                for d in listed
            ],
            "offline_count": count,
        }


plays_report_view = PlaysReportView.as_view()


class ScreensViewSetGroup(MenuGroupWithViews):
    menu_label = "地铁屏"
    menu_icon = "desktop"
    menu_name = "metro-screens"
    menu_order = 160
    items = (DisplayGroupViewSet, DeviceViewSet, PlaylistViewSet, EmergencyInsertViewSet)
    links = (AdminLink("播放统计", PLAYS_URL, "screen-plays", "table", can_view_plays),)


def admin_urls():
    return [path("screens/plays/", plays_report_view, name=PLAYS_URL)]  # 播放统计
