"""Where review workflows are assigned: Wagtail's English default is gone from the root,
and translated trees (wagtail-localize) have their sources' 三审 / 一审."""

from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    Locale,
    Page,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail_localize.models import Translation, TranslationSource

from kitchen.workflows import DEFAULT_WORKFLOW, FULL_REVIEW, LIGHT_REVIEW, ensure_workflows
from tests.content.factories import ArticleFactory
from tests.factories import UserFactory
from tests.sites.factories import column


def translate(page, language="zh-hant"):
    """The page's translation made as the translation editor makes it (with its parents)."""
    source, _ = TranslationSource.get_or_create_from_instance(page)
    translation = Translation.objects.create(
        source=source, target_locale=Locale.objects.get(language_code=language)
    )
    translation.save_target(publish=False)
    return translation.get_target_instance()


def translated(page, language="zh-hant"):
    return page.get_translation(Locale.objects.get(language_code=language))


def assigned(page):
    return WorkflowPage.objects.filter(page=page).values_list("workflow__name", flat=True).first()


def test_wagtails_default_workflow_is_gone_and_nothing_is_assigned_to_the_root(home, client):
    assert not Workflow.objects.filter(name=DEFAULT_WORKFLOW).exists()
    assert not Task.objects.filter(name=DEFAULT_WORKFLOW).exists()
    assert not WorkflowPage.objects.filter(page__depth=1).exists()
    client.force_login(UserFactory(username="工作流管理员", is_superuser=True))
    listing = client.get(reverse("wagtailadmin_workflows:index")).content.decode()
    assert FULL_REVIEW in listing and LIGHT_REVIEW in listing
    assert "Moderators" not in listing


def test_ensure_workflows_removes_the_default_again_but_keeps_a_task_in_use(home):
    root = Page.get_first_root_node()
    task = GroupApprovalTask.objects.create(name=DEFAULT_WORKFLOW)
    default = Workflow.objects.create(name=DEFAULT_WORKFLOW, active=True)
    WorkflowTask.objects.create(workflow=default, task=task, sort_order=0)
    WorkflowPage.objects.create(page=root, workflow=default)
    ours = Workflow.objects.create(name="另一个工作流", active=True)
    WorkflowTask.objects.create(workflow=ours, task=task, sort_order=0)

    ensure_workflows(home)

    assert not Workflow.objects.filter(name=DEFAULT_WORKFLOW).exists()
    assert not WorkflowPage.objects.filter(page=root).exists()
    assert Task.objects.filter(pk=task.pk).exists()  # 另一个工作流 still uses it


def test_a_translated_branch_gets_the_light_and_the_translated_city_the_full_review(org_tree):
    branch = org_tree["da-s1-b1"]
    article = ArticleFactory(parent=column(branch, "news"), title="支部文章", live=False)
    hant_article = translate(article)

    hant_branch = translated(branch)
    hant_city = translated(org_tree["home"])
    assert assigned(hant_branch) == LIGHT_REVIEW
    assert assigned(hant_city) == FULL_REVIEW
    assert hant_article.get_workflow().name == LIGHT_REVIEW
    # A district's translation is under the translated city's 三审, not under nothing.
    district = ArticleFactory(parent=column(org_tree["da"], "news"), title="区文章", live=False)
    assert translate(district).get_workflow().name == FULL_REVIEW


def test_ensure_workflows_gives_existing_translations_their_sources_workflow(org_tree):
    branch = org_tree["da-s1-b1"]
    translate(ArticleFactory(parent=column(branch, "news"), title="支部文章", live=False))
    hant_branch, hant_city = translated(branch), translated(org_tree["home"])
    WorkflowPage.objects.filter(page__locale__language_code="zh-hant").delete()
    own = Workflow.objects.create(name="繁体专用", active=True)
    WorkflowPage.objects.create(page=hant_branch, workflow=own)

    ensure_workflows(org_tree["home"])
    assert assigned(hant_city) == FULL_REVIEW
    assert assigned(hant_branch) == own.name  # an assignment of its own is kept

    WorkflowPage.objects.filter(page=hant_branch).delete()
    ensure_workflows(org_tree["home"])
    assert assigned(hant_branch) == LIGHT_REVIEW
