"""Review in Wagtail's own page editor, over HTTP: after 提交 the message says what happened
(已提交一审 at which task, or 自动校对未通过 with the findings — never Wagtail's 已经提交进行
审核); the reviewer's button reads 通过并发布 and approving says 已发布; the bare 发布 that
skips the workflow is offered to, and accepted from, only the city's 终审 group and
superusers (the menu, the editor's POST, the explorer's bulk action)."""

import pytest
from django.contrib.messages import ERROR, SUCCESS, WARNING
from django.urls import reverse
from wagtail.models import WorkflowState

from content.models import ArticlePage
from tests.content.factories import article_form
from tests.factories import ImageFactory, UserFactory
from tests.kitchen.factories import draft_article
from tests.sites.factories import column

TITLE = "支部开展主题党日活动"


@pytest.fixture
def branch(org_tree):
    return org_tree["da-s1-b1"]


@pytest.fixture
def people(branch, home):
    return {
        "editor": UserFactory(username="rv-editor", groups=[f"{branch.code}:editors"]),
        "reviewer": UserFactory(username="rv-reviewer", groups=[f"{branch.code}:reviewers"]),
        "final": UserFactory(username="rv-zhongshen", groups=[f"{home.code}:终审"]),
        "root": UserFactory(username="rv-root", is_superuser=True),
    }


def said(response):
    """The messages the next page shows (what the editor reads after the redirect)."""
    return [(m.level, str(m.message)) for m in response.context["messages"]]


def add_url(parent):
    return reverse("wagtailadmin_pages:add", args=["content", "articlepage", parent.pk])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def submit_new(client, parent, cover, title=TITLE):
    data = article_form(title, "<p>支部党员走访慰问老党员。</p>", cover=cover.pk)
    response = client.post(add_url(parent), {**data, "action-submit": "1"}, follow=True)
    assert response.redirect_chain, response.content.decode()[:2000]
    return response, ArticlePage.objects.get(title=title)


def in_review(client, branch, editor):
    client.force_login(editor)
    cover = ImageFactory(description="党员走访老党员")
    _, page = submit_new(client, column(branch, "news"), cover)
    return page, cover


def test_submitting_says_which_review_it_waits_for(client, branch, people):
    client.force_login(people["editor"])
    cover = ImageFactory(description="党员走访老党员")
    response, page = submit_new(client, column(branch, "news"), cover)
    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == "in_progress" and state.current_task_state.task.name == "本组织审核"
    [(level, text)] = said(response)
    assert level == SUCCESS
    assert text.startswith(f"已提交一审：{TITLE}（等待「本组织审核」审核）")
    assert "提交进行审核" not in text and "submitted" not in text


def test_a_page_proofreading_rejects_is_never_reported_as_submitted(client, branch, people):
    client.force_login(people["editor"])
    cover = ImageFactory(title="活动照片", description="")  # no alt text
    response, page = submit_new(client, column(branch, "news"), cover)
    state = WorkflowState.objects.for_instance(page).get()
    assert state.status == "needs_changes"
    [(level, text)] = said(response)
    assert level == ERROR
    assert text.startswith("自动校对未通过：图片“活动照片”缺少替代文字（封面）")
    assert "已提交" not in text and "提交进行审核" not in text

    # Fixed and submitted again from the editor: proofreading passes, the message says so.
    cover.description = "党员走访老党员"
    cover.save()
    data = article_form(TITLE, "<p>支部党员走访慰问老党员。</p>", cover=cover.pk)
    again = client.post(edit_url(page), {**data, "action-submit": "1"}, follow=True)
    assert again.redirect_chain
    assert said(again)[0][1].startswith(f"已提交一审：{TITLE}")


def test_the_reviewer_sees_tongguo_bing_fabu_and_approving_says_published(
    client, branch, people, django_assert_max_num_queries
):
    page, cover = in_review(client, branch, people["editor"])
    client.force_login(people["reviewer"])
    with django_assert_max_num_queries(120):
        html = client.get(edit_url(page)).content.decode()
    assert "通过并发布" in html and "通过并发布（附留言）" in html
    assert "和发布" not in html
    assert 'name="action-publish"' not in html  # no 发布 that skips the review

    data = article_form(TITLE, "<p>支部党员走访慰问老党员。</p>", cover=cover.pk)
    approve = {**data, "action-workflow-action": "true", "workflow-action-name": "approve"}
    response = client.post(edit_url(page), approve, follow=True)
    assert response.redirect_chain
    page.refresh_from_db()
    assert page.live
    [(level, text)] = said(response)
    assert level == SUCCESS and text.startswith(f"已发布：{TITLE}")
    assert "已被更新" not in text


def test_asking_for_changes_says_who_sent_it_back(client, branch, people):
    page, cover = in_review(client, branch, people["editor"])
    client.force_login(people["reviewer"])
    data = article_form(TITLE, "<p>支部党员走访慰问老党员。</p>", cover=cover.pk)
    reject = {**data, "action-workflow-action": "true", "workflow-action-name": "reject"}
    response = client.post(edit_url(page), reject, follow=True)
    assert response.redirect_chain
    [(level, text)] = said(response)
    assert level == WARNING and text.startswith(f"「本组织审核」退回修改：{TITLE}")


def test_a_reviewer_cannot_publish_past_the_workflow(client, branch, people):
    news = column(branch, "news")
    page = draft_article(news, "未经审核的稿件")
    client.force_login(people["reviewer"])
    assert 'name="action-publish"' not in client.get(edit_url(page)).content.decode()
    assert 'name="action-publish"' not in client.get(add_url(news)).content.decode()

    data = article_form("未经审核的稿件", "<p>正文</p>")
    response = client.post(
        edit_url(page), {**data, "action-publish": "action-publish"}, follow=True
    )
    assert response.redirect_chain
    page.refresh_from_db()
    assert not page.live and page.revisions.count() == 0  # refused before saving anything
    assert any(level == ERROR and "不能直接发布" in text for level, text in said(response))

    created = client.post(
        add_url(news), {**article_form("新稿件", "<p>正文</p>"), "action-publish": "1"}
    )
    assert created.status_code == 302
    assert not ArticlePage.objects.filter(title="新稿件").exists()

    bulk = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    client.post(f"{bulk}?id={page.pk}", {})
    page.refresh_from_db()
    assert not page.live


def test_the_city_final_reviewers_and_superusers_may_publish_directly(client, home, people):
    news = column(home, "news")
    for who in ("final", "root"):
        page = draft_article(news, f"直接发布{who}")
        client.force_login(people[who])
        assert 'name="action-publish"' in client.get(edit_url(page)).content.decode()
        data = article_form(page.title, "<p>正文</p>")
        response = client.post(edit_url(page), {**data, "action-publish": "action-publish"})
        assert response.status_code == 302
        page.refresh_from_db()
        assert page.live, who
