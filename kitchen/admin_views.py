"""中央厨房 in the admin: the dashboard panel and the dead letters of the outbox.

The panel shows what is waiting for the person looking at it: reviews they can act on,
drafts that automated proofreading sent back to them, what goes live (or comes down) on
which channel and when, and, for those who run the outbox, how many deliveries failed.
Every section costs a fixed number of queries whatever the number of rows.

Dead letters (/admin/outbox/dead/) are deliveries that used up their attempts; they can be
queued again one by one or all at once (outbox.retry).
"""

import uuid

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import CharField, F
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.sidebar import LinkMenuItem as LinkMenuItemComponent
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page, Revision, Task, TaskState, WorkflowState
from wagtail.permission_policies.pages import PagePermissionPolicy

from base.admin import FileImportView, ForbiddenMixin, PermittedMenuItem
from content.channels import CHANNEL_LABELS, CHANNELS

from . import outbox
from .models import Delivery, ProofreadingTaskState
from .proofreading import import_lexicon

SECTION_ROWS = 10
SCHEDULE_SCAN = 500  # scheduled items read to group them by channel
DEAD_PER_PAGE = 50
ERROR_CHARS = 64
MANAGE_OUTBOX = "kitchen.change_webhooksubscriber"
DEAD_LETTERS_URL = "content_outbox_dead"
DELIVERY_INSPECT_URL = "wagtailsnippets_content_delivery:inspect"


def can_manage_outbox(user):
    """Dead letters are for superusers and whoever may change webhook subscribers."""
    return bool(user.is_active and (user.is_superuser or user.has_perm(MANAGE_OUTBOX)))


def dead_letters():
    return Delivery.objects.filter(status=Delivery.Status.DEAD)


def dead_letters_label(count):
    return f"投递失败 ({count})"


class DeadLettersMenuItem(PermittedMenuItem):
    """投递失败 (N) in the 中央厨房 menu: shown only to those who may retry."""

    def render_component(self, request):
        return LinkMenuItemComponent(
            self.name,
            dead_letters_label(dead_letters().count()),
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


# --- whose pages ------------------------------------------------------------------------


def editable_pages(user):
    """Pages the user may edit, as a queryset, or None for all of them (superusers)."""
    if user.is_superuser:
        return None
    return PagePermissionPolicy().instances_user_has_any_permission_for(user, {"change"})


def as_object_ids(pages):
    """Page ids as text, to compare with the `object_id` of workflow states and revisions."""
    return pages.annotate(pk_text=Cast("pk", CharField())).values("pk_text")


def page_content_type():
    return ContentType.objects.get_for_model(Page)


def add_titles(rows):
    """Give each row (a dict with page_id) the page's title as last saved and its edit URL,
    in one query for all of them."""
    ids = {row["page_id"] for row in rows}
    names = dict(Page.objects.filter(pk__in=ids).values_list("pk", "draft_title")) if ids else {}
    for row in rows:
        row["title"] = names.get(row["page_id"]) or f"页面 {row['page_id']}"
        row["url"] = reverse("wagtailadmin_pages:edit", args=[row["page_id"]])


def truthy(value):
    """A JSON boolean read as text: 'true' (or 1 on older SQLite) when set."""
    return str(value).lower() in ("1", "true")


# --- the four sections ------------------------------------------------------------------


def awaiting_review(user):
    """a. 待我审核: task states in progress on tasks this user may approve."""
    states = TaskState.objects.none()
    for task in Task.objects.active().specific():
        states |= task.get_task_states_user_can_moderate(user)
    states = states.filter(
        status=TaskState.STATUS_IN_PROGRESS,
        workflow_state__base_content_type=page_content_type(),
    )
    count = states.count()
    if not count:
        return {"count": 0, "rows": []}
    found = list(
        states.select_related("task", "revision__user", "workflow_state__requested_by")
        .defer("revision__content")
        .order_by("-started_at", "-pk")[:SECTION_ROWS]
    )
    rows = []
    for state in found:
        submitter = state.revision.user if state.revision_id else None
        rows.append(
            {
                "page_id": int(state.workflow_state.object_id),
                "task": state.task.name,
                "submitted_by": submitter or state.workflow_state.requested_by,
                "since": state.started_at,
            }
        )
    return {"count": count, "rows": rows}


def rejected_by_proofreading(editable):
    """b. 自动校对退回: drafts still waiting for changes after proofreading rejected them."""
    states = ProofreadingTaskState.objects.filter(
        status=TaskState.STATUS_REJECTED,
        workflow_state__status=WorkflowState.STATUS_NEEDS_CHANGES,
        workflow_state__current_task_state=F("pk"),
        workflow_state__base_content_type=page_content_type(),
    )
    if editable is not None:
        states = states.filter(workflow_state__object_id__in=as_object_ids(editable))
    count = states.count()
    if not count:
        return {"count": 0, "rows": []}
    found = list(
        states.select_related("workflow_state")
        .only("pk", "findings", "finished_at", "started_at", "workflow_state__object_id")
        .order_by("-finished_at", "-pk")[:SECTION_ROWS]
    )
    rows = []
    for state in found:
        blocking = [f for f in state.findings or [] if f.get("blocking", True)]
        rows.append(
            {
                "page_id": int(state.workflow_state.object_id),
                "messages": [f.get("message", "") for f in blocking[:3]],
                "more": max(0, len(blocking) - 3),
                "when": state.finished_at or state.started_at,
            }
        )
    return {"count": count, "rows": rows}


def channel_keys(json_field):
    """Read the channel_* booleans out of a JSON field (also across a relation)."""
    return {name: KeyTextTransform(f"channel_{name}", json_field) for name in CHANNELS}


def channels_of(row):
    """Channels chosen in a revision's content; pages without channel fields go to the web."""
    chosen = [name for name in CHANNELS if truthy(row.get(name))]
    return chosen or ["web"]


def scheduled(editable):
    """c. 定时发布（按渠道）: approved revisions waiting for their go-live time, and live pages
    with an expiry time, under each channel they go to."""
    now = timezone.now()
    revisions = Revision.page_revisions.filter(approved_go_live_at__gt=now)
    expiring = Page.objects.filter(live=True, expire_at__gt=now)
    if editable is not None:
        revisions = revisions.filter(object_id__in=as_object_ids(editable))
        expiring = expiring.filter(pk__in=editable.values("pk"))
    items = []
    for row in revisions.order_by("approved_go_live_at").values(
        "object_id", "approved_go_live_at", **channel_keys("content")
    )[:SCHEDULE_SCAN]:
        items.append(
            {
                "page_id": int(row["object_id"]),
                "kind": "定时发布",
                "at": row["approved_go_live_at"],
                "channels": channels_of(row),
            }
        )
    for row in expiring.order_by("expire_at").values(
        "pk", "expire_at", **channel_keys("live_revision__content")
    )[:SCHEDULE_SCAN]:
        items.append(
            {
                "page_id": row["pk"],
                "kind": "到期下线",
                "at": row["expire_at"],
                "channels": channels_of(row),
            }
        )
    items.sort(key=lambda item: item["at"])
    groups = {name: {"label": CHANNEL_LABELS[name], "count": 0, "rows": []} for name in CHANNELS}
    for item in items:
        for name in item["channels"]:
            group = groups[name]
            group["count"] += 1
            if len(group["rows"]) < SECTION_ROWS:
                group["rows"].append(item)
    shown = [groups[name] for name in CHANNELS if groups[name]["count"]]
    listed = {id(item): item for group in shown for item in group["rows"]}
    return {"count": len(items), "groups": shown, "rows": list(listed.values())}


class KitchenPanel(Component):
    """The 中央厨房 dashboard panel (construct_homepage_panels)."""

    name = "central_kitchen"
    template_name = "kitchen/admin/kitchen_panel.html"
    order = 50

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        editable = editable_pages(user)
        context = {
            "review": awaiting_review(user),
            "rejected": rejected_by_proofreading(editable),
            "schedule": scheduled(editable),
            "section_rows": SECTION_ROWS,
            "dead": None,
        }
        add_titles(
            context["review"]["rows"] + context["rejected"]["rows"] + context["schedule"]["rows"]
        )
        if can_manage_outbox(user):
            context["dead"] = {
                "count": dead_letters().count(),
                "url": reverse(DEAD_LETTERS_URL),
            }
        return context


# --- dead letters -----------------------------------------------------------------------


def selected_ids(values):
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except (TypeError, ValueError):
            continue
    return ids


def shorten(text, limit=ERROR_CHARS):
    """One line, at most `limit` characters: the start (the kind of error) and the end (often
    the reason, e.g. "Connection refused") of a long message."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half].rstrip()}…{text[-half:].lstrip()}"


class DeadLettersView(ForbiddenMixin, WagtailAdminTemplateMixin, TemplateView):
    """Deliveries that used up their attempts, newest first, with 重试所选 / 全部重试."""

    template_name = "kitchen/admin/dead_letters.html"
    page_title = "投递失败"
    header_icon = "warning"
    http_method_names = ["get", "post", "head", "options"]
    forbidden_message = "您没有权限查看投递失败记录。需要超级管理员或“修改 Webhook 订阅”权限。"

    def has_permission(self, user):
        return can_manage_outbox(user)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        deliveries = dead_letters().select_related("subscriber").order_by("-created_at", "-pk")
        paginator = Paginator(deliveries, DEAD_PER_PAGE)
        page = paginator.get_page(self.request.GET.get("p"))
        rows = []
        for delivery in page.object_list:
            payload = delivery.payload or {}
            page_data = payload.get("page") or {}
            deleted = payload.get("event") == outbox.EVENT_NAMES["delete"]
            rows.append(
                {
                    "id": delivery.pk,
                    "event_id": delivery.change_id,
                    "inspect_url": reverse(DELIVERY_INSPECT_URL, args=[delivery.pk]),
                    "title": page_data.get("title") or f"页面 {delivery.page_id}",
                    "page_url": None
                    if deleted
                    else reverse("wagtailadmin_pages:edit", args=[delivery.page_id]),
                    "channel": delivery.get_channel_display(),
                    "subscriber": delivery.subscriber.name,
                    "attempts": delivery.attempts,
                    "last_status": delivery.last_status,
                    "error": shorten(delivery.last_error),
                    "full_error": delivery.last_error,
                    "created_at": delivery.created_at,
                }
            )
        context.update(
            rows=rows,
            page_obj=page,
            paginator=paginator,
            elided_page_range=paginator.get_elided_page_range(page.number),
            total=paginator.count,
        )
        return context

    def post(self, request, *args, **kwargs):
        if "retry_all" in request.POST:
            count = outbox.retry(dead_letters())
        else:
            ids = selected_ids(request.POST.getlist("delivery"))
            count = outbox.retry(dead_letters().filter(pk__in=ids)) if ids else 0
        if count:
            messages.success(request, f"已重新排队 {count} 条投递")
        else:
            messages.warning(request, "没有可重试的投递，请先勾选")
        target = reverse(DEAD_LETTERS_URL)
        page = request.POST.get("p", "")
        return redirect(f"{target}?p={page}" if page.isdigit() and page != "1" else target)


dead_letters_view = DeadLettersView.as_view()


# --- lexicon import ---------------------------------------------------------------------

IMPORT_LEXICON = "kitchen.add_lexiconterm"
LEXICON_IMPORT_URL = "content_lexicon_import"


class LexiconImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="导入为",
        choices=[
            ("banned", "禁用词（退回）"),
            ("sensitive", "敏感词（提示）"),
            ("wrong", "规范表述（错误<Tab>正确，或 错误 => 正确）"),
        ],
    )
    file = forms.FileField(label="UTF-8 文本文件", help_text="每行一条；# 之后为注释；最大 1 MB")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError("文件超过 1 MB")
        return upload


def can_import_lexicon(user):
    return user.has_perm(IMPORT_LEXICON)


class LexiconImportView(FileImportView):
    """导入词库: the same all-or-nothing import as `manage.py import_lexicon`."""

    template_name = "kitchen/admin/lexicon_import.html"
    page_title = "导入词库"
    form_class = LexiconImportForm

    def has_permission(self, user):
        return can_import_lexicon(user)

    def run_import(self, form, upload):
        return import_lexicon(upload.read(), form.cleaned_data["kind"])

    def import_done(self, report):
        total, created = report
        messages.success(
            self.request, f"已导入 {total} 条：新增 {created} 条，更新 {total - created} 条"
        )
        return redirect(reverse(LEXICON_IMPORT_URL))


lexicon_import_view = LexiconImportView.as_view()
