"""What the page editor says after a review action, exactly as it happened.

Wagtail 8's page editor says 已经提交进行审核 ("has been submitted for moderation") after
提交 even when the first task — 自动校对 — has already sent the page back, and 已被更新
("has been updated") after the reviewer's 通过并发布 published it. The `after_edit_page`
and `after_create_page` hooks (kitchen/wagtail_hooks.py) replace that message with the
page's outcome:

- 已提交一审：<title>（等待「本组织审核」审核）— the workflow is in progress, at that task;
- 自动校对未通过：<findings> — proofreading rejected it at once (an error, not a success);
- 「初审」退回修改：<title> — a reviewer asked for changes;
- 已发布：<title> — the last approval published it.

`outcome_of(page)` is also what 快速发布's result screen shows.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.models import WorkflowState

from .proofreading import Finding

# The POST field of each editor action -> Wagtail's messages it replaces (msgids).
WAGTAIL_MESSAGES = {
    "action-submit": [
        "Page '%(page_title)s' has been submitted for moderation.",
        "Page '%(page_title)s' created and submitted for moderation.",
    ],
    "action-restart-workflow": ["Workflow on page '%(page_title)s' has been restarted."],
    "action-workflow-action": ["Page '%(page_title)s' has been updated."],
}


@dataclass
class Outcome:
    """What happened to a page, said plainly: submitted (and to whom), sent back (by
    proofreading, with its findings, or by a reviewer), published, or a draft."""

    state: str  # "submitted", "rejected", "live", "draft"
    workflow: str = ""
    task: str = ""
    comment: str = ""
    findings: list = field(default_factory=list)  # proofreading's blocking findings' lines


def outcome_of(page):
    if page.live and not page.has_unpublished_changes:
        return Outcome("live")
    state = (
        WorkflowState.objects.for_instance(page)
        .select_related("workflow", "current_task_state__task")
        .order_by("-created_at", "-pk")
        .first()
    )
    if state is None:
        return Outcome("draft")
    task_state = state.current_task_state
    task = task_state.task.name if task_state else ""
    if state.status == WorkflowState.STATUS_IN_PROGRESS:
        return Outcome("submitted", state.workflow.name, task)
    if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        comment = task_state.get_comment() if task_state else ""
        found = getattr(task_state.specific, "findings", None) if task_state else None
        lines = [Finding(**f).line() for f in found or [] if f.get("blocking", True)]
        return Outcome("rejected", state.workflow.name, task, comment, lines)
    return Outcome("draft", state.workflow.name)


def outcome_message(page, outcome):
    """(level, text) of the message for `outcome`, or None to keep Wagtail's."""
    title = page.get_admin_display_title()
    if outcome.state == "live":
        return messages.SUCCESS, _("已发布：%(title)s") % {"title": title}
    if outcome.state == "submitted":
        text = _("已提交%(workflow)s：%(title)s（等待「%(task)s」审核）")
        return messages.SUCCESS, text % {
            "workflow": outcome.workflow,
            "title": title,
            "task": outcome.task,
        }
    if outcome.state == "rejected" and outcome.findings:
        return messages.ERROR, _("自动校对未通过：%(findings)s") % {
            "findings": "；".join(outcome.findings)
        }
    if outcome.state == "rejected":
        text = _("「%(task)s」退回修改：%(title)s")
        return messages.WARNING, text % {"task": outcome.task, "title": title}
    return None


def say_what_happened(request, page):
    """After an editor action: Wagtail's message about it, replaced by the outcome's."""
    action = next((name for name in WAGTAIL_MESSAGES if request.POST.get(name)), None)
    if request.method != "POST" or action is None:
        return
    said = [
        escape(_(msgid) % {"page_title": page.get_admin_display_title()})
        for msgid in WAGTAIL_MESSAGES[action]
    ]
    # An approval published the page through its latest revision, not this instance.
    page.refresh_from_db(fields=["live", "has_unpublished_changes"])
    replacement = outcome_message(page, outcome_of(page))
    if replacement is None:
        return
    level, text = replacement
    kept = list(messages.get_messages(request))  # read: each is added again below
    for message in kept:
        html = str(message.message)
        old = next((s for s in said if s in html), None)
        if old is None:
            messages.add_message(request, message.level, message.message, message.extra_tags)
            continue
        # Wagtail's own message with its buttons (查看草稿, 编辑): only the text changes.
        messages.add_message(
            request, level, mark_safe(html.replace(old, escape(text))), message.extra_tags
        )


# --- the reviewer's buttons -------------------------------------------------------------

APPROVE = "approve"


def name_final_approvals(menu_items, context):
    """At a workflow's last task the approve items publish: they read 通过并发布 (and
    通过并发布（附留言）), not Wagtail's "%(label)s and Publish" (通过 和发布 in its
    Chinese catalogue, 批准 和发布 for a group approval)."""
    page = context.get("page")
    state = getattr(page, "current_workflow_state", None) if page is not None else None
    if state is None or not state.is_at_final_task:
        return
    for item in menu_items:
        if getattr(item, "name", None) == APPROVE and hasattr(item, "launch_modal"):
            item.label = _("通过并发布（附留言）") if item.launch_modal else _("通过并发布")
