"""Which review a page goes through before it is published (Wagtail workflows).

- 三审 (the city and everything without a lighter workflow): 自动校对, then 初审, 复审, 终审,
  each a GroupApprovalTask for the city's groups `<city>:初审`, `<city>:复审`, `<city>:终审`.
- 一审 (branches by default): 自动校对, then 本组织审核 — the reviewers of the organisation the
  page belongs to (`<code>:reviewers`). One task serves every branch: it finds the reviewers
  from the page's place, so 5,000 branches do not need 5,000 tasks.

Assignment is Wagtail's own (WorkflowPage, per subtree): the city page gets 三审, each
organisation whose kind is in PORTAL_LIGHT_WORKFLOW_KINDS gets 一审 when it is provisioned.
An administrator can assign either workflow (or a new one) to any subtree in
设置 → 工作流, and the nearest assignment above a page wins.

Wagtail's own "Moderators approval" workflow (on the root page) is removed (migration
0003 and `ensure_workflows`): nothing is assigned above the city. Translations (zh-hant,
en trees made by wagtail-localize) get the workflow of their source page when they are
created (kitchen/signals.py) and `ensure_workflows` heals any that lack it.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Locale,
    Page,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from sites.models import OrganisationPage

from .models import OrganisationReviewTask, ProofreadingTask

FULL_REVIEW = "三审"
LIGHT_REVIEW = "一审"
REVIEW_STEPS = ["初审", "复审", "终审"]
PROOFREADING = "自动校对"
OWN_REVIEW = "本组织审核"
# Made by Wagtail's migration wagtailcore 0048 and assigned to the root page.
DEFAULT_WORKFLOW = "Moderators approval"


def light_kinds():
    return set(getattr(settings, "PORTAL_LIGHT_WORKFLOW_KINDS", ["branch"]))


def city_group_name(city, step):
    return f"{city.code}:{step}"


@transaction.atomic
def ensure_workflows(city):
    """Create the groups, tasks and both workflows (idempotent); assign 三审 to the city and
    一审 to organisations of the light kinds that have no workflow yet."""
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    proofreading = ProofreadingTask.objects.filter(name=PROOFREADING).first()
    if proofreading is None:
        proofreading = ProofreadingTask.objects.create(name=PROOFREADING)

    steps = []
    for step in REVIEW_STEPS:
        group, _ = Group.objects.get_or_create(name=city_group_name(city, step))
        group.permissions.add(access_admin)
        if step == REVIEW_STEPS[-1]:
            # The last approval publishes, as the approving user: 终审 holds publish rights.
            for codename in ("change_page", "publish_page"):
                GroupPagePermission.objects.get_or_create(
                    group=group,
                    page=city,
                    permission=Permission.objects.get(
                        content_type__app_label="wagtailcore", codename=codename
                    ),
                )
        task = GroupApprovalTask.objects.filter(name=step).first()
        if task is None:
            task = GroupApprovalTask.objects.create(name=step)
            task.groups.set([group])
        steps.append(task)

    own = OrganisationReviewTask.objects.filter(name=OWN_REVIEW).first()
    if own is None:
        own = OrganisationReviewTask.objects.create(name=OWN_REVIEW)

    full = _workflow(FULL_REVIEW, [proofreading, *steps])
    light = _workflow(LIGHT_REVIEW, [proofreading, own])
    WorkflowPage.objects.get_or_create(page=city, defaults={"workflow": full})
    assign_light_workflow(OrganisationPage.objects.filter(kind__in=light_kinds()), light)
    remove_default_workflow()
    assign_to_translations()
    return full, light


def remove_default_workflow():
    """Wagtail's "Moderators approval" goes, with its task unless another workflow uses it,
    and nothing stays assigned to the root page (above the city)."""
    WorkflowPage.objects.filter(page__depth=1).delete()
    for workflow in Workflow.objects.filter(name=DEFAULT_WORKFLOW):
        task_ids = list(workflow.workflow_tasks.values_list("task_id", flat=True))
        workflow.delete()
        used = WorkflowTask.objects.filter(task_id__in=task_ids).values_list("task_id", flat=True)
        Task.objects.filter(pk__in=task_ids, name=DEFAULT_WORKFLOW).exclude(pk__in=used).delete()


def assign_to_translations(translation_keys=None):
    """Give every translation of a page with a workflow assignment the same workflow (a
    zh-hant branch gets 一审 like its source, the zh-hant city 三审), unless it has an
    assignment of its own. Limited to `translation_keys` when given; returns the count."""
    assigned = WorkflowPage.objects.all()
    if translation_keys is not None:
        assigned = assigned.filter(page__translation_key__in=list(translation_keys))
    default_locale = Locale.get_default().pk
    sources = {}  # translation key -> (workflow, locale) of the source's assignment
    for key, workflow_id, locale_id in assigned.values_list(
        "page__translation_key", "workflow_id", "page__locale_id"
    ):
        if key not in sources or locale_id == default_locale:
            sources[key] = (workflow_id, locale_id)
    if not sources:
        return 0
    missing = (
        Page.objects.filter(translation_key__in=list(sources), workflowpage__isnull=True)
        .values_list("pk", "translation_key", "locale_id")
        .order_by()
    )
    rows = [
        WorkflowPage(page_id=pk, workflow_id=sources[key][0])
        for pk, key, locale_id in missing
        if locale_id != sources[key][1]
    ]
    WorkflowPage.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _workflow(name, tasks):
    workflow = Workflow.objects.filter(name=name).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=name, active=True)
        WorkflowTask.objects.bulk_create(
            WorkflowTask(workflow=workflow, task=task, sort_order=n) for n, task in enumerate(tasks)
        )
    return workflow


def assign_light_workflow(organisations, workflow=None):
    """Give organisations of the light kinds 一审, unless something is assigned already."""
    workflow = workflow or Workflow.objects.filter(name=LIGHT_REVIEW, active=True).first()
    if workflow is None:
        return 0
    kinds = light_kinds()
    ids = [o.pk for o in organisations if o.kind in kinds]
    assigned = set(WorkflowPage.objects.filter(page_id__in=ids).values_list("page_id", flat=True))
    rows = [WorkflowPage(page_id=pk, workflow=workflow) for pk in ids if pk not in assigned]
    WorkflowPage.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
