"""The central kitchen end to end, over the real admin: a city editor submits an article for
the app and screen channels, proofreading rejects a banned word, the editor fixes it, 初审,
复审 and 终审 approve, and the publish reaches a real webhook receiver and the change feed."""

import pytest
from django.urls import reverse
from wagtail.models import Page, WorkflowState

from content.models import ArticlePage
from kitchen import outbox
from kitchen.devtools.webhook_receiver import WebhookReceiver
from kitchen.models import LexiconTerm, ProofreadingTaskState, WebhookSubscriber, WrongFormulation
from kitchen.workflows import FULL_REVIEW, LIGHT_REVIEW, REVIEW_STEPS
from tests.content.factories import ArticleFactory, article_form
from tests.factories import ImageFactory, UserFactory
from tests.sites.factories import column

SECRET = "test-secret"
SUBMIT = {"action-submit": "1"}


@pytest.fixture
def kitchen(home):
    LexiconTerm.objects.create(word="翻墙软件", kind=LexiconTerm.Kind.BANNED)
    WrongFormulation.objects.create(wrong="两学一作", right="两学一做")
    users = {"editor": UserFactory(username="city-editor", groups=["testcity:editors"])}
    for step in REVIEW_STEPS:
        users[step] = UserFactory(username=f"r-{step}", groups=[f"testcity:{step}"])
    still = ImageFactory(description="党员学习现场")
    return {"users": users, "still": still, "news": column(home, "news")}


def current_task(page):
    state = WorkflowState.objects.for_instance(page).order_by("-created_at").first()
    return state, state.current_task_state


def test_city_article_goes_through_proofreading_and_three_reviews(client, kitchen, home):
    users, still, news = kitchen["users"], kitchen["still"], kitchen["news"]
    with WebhookReceiver(SECRET).start() as receiver:
        WebhookSubscriber.objects.create(
            name="客户端", url=receiver.url, secret=SECRET, channel_web=False
        )

        # 1. The editor submits; proofreading rejects the banned word and the wrong phrase.
        client.force_login(users["editor"])
        add_url = reverse("wagtailadmin_pages:add", args=["content", "articlepage", news.pk])
        body = "<p>深入开展两学一作学习教育，严禁使用翻墙软件。</p>"
        response = client.post(add_url, article_form("社区开展主题党日活动", body, still, **SUBMIT))
        assert response.status_code == 302, response.content.decode()[:3000]
        page = ArticlePage.objects.get(title="社区开展主题党日活动")
        assert page.slug == "sqkzztdrhd"  # too long in full pinyin: the initials
        assert page.get_workflow().name == FULL_REVIEW
        state, task_state = current_task(page)
        assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
        proof = ProofreadingTaskState.objects.get(pk=task_state.pk)
        assert proof.status == "rejected"
        messages = [f["message"] for f in proof.findings]
        assert "禁用词“翻墙软件”" in messages
        assert "“两学一作”应为“两学一做”" in messages
        assert "翻墙软件" in proof.comment
        assert not page.live

        # The editor sees the findings on top of the edit form.
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        form = client.get(edit_url).content.decode()
        assert "自动校对退回：请修改以下 2 处后重新提交" in form
        assert "禁用词“翻墙软件”" in form and "“两学一作”应为“两学一做”" in form

        # 2. The editor fixes the text and resubmits: proofreading passes, 初审 is next.
        fixed = "<p>深入开展两学一做学习教育。</p>"
        response = client.post(
            edit_url,
            article_form("社区开展主题党日活动", fixed, still, slug=page.slug, **SUBMIT),
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        state, task_state = current_task(page)
        assert state.status == WorkflowState.STATUS_IN_PROGRESS
        assert task_state.task.name == REVIEW_STEPS[0]
        assert "自动校对退回" not in client.get(edit_url).content.decode()

        # The editor cannot approve; each reviewer approves only their own step.
        approve = "wagtailadmin_pages:workflow_action"
        response = client.post(reverse(approve, args=[page.pk, "approve", task_state.pk]))
        assert current_task(page)[1].pk == task_state.pk
        for number, step in enumerate(REVIEW_STEPS):
            state, task_state = current_task(page)
            assert task_state.task.name == step
            if number + 1 < len(REVIEW_STEPS):
                client.force_login(users[REVIEW_STEPS[number + 1]])  # the wrong reviewer
                client.post(reverse(approve, args=[page.pk, "approve", task_state.pk]))
                assert current_task(page)[1].pk == task_state.pk
            client.force_login(users[step])
            response = client.post(reverse(approve, args=[page.pk, "approve", task_state.pk]))
            assert response.status_code in (200, 302)
        page.refresh_from_db()
        assert page.live

        # 3. One delivery per subscribed channel (app, screen), delivered and signed.
        deliveries = outbox.Delivery.objects.filter(page_id=page.pk)
        assert sorted(d.channel for d in deliveries) == ["app", "screen"]
        outbox.deliver_due()
        assert receiver.wait_for(2, timeout=5)
        received = {body["channel"]: body for body in receiver.accepted.values()}
        assert received["app"]["event"] == "page.published"
        assert received["app"]["page"]["app_title"] == "社区开展主题党日活动"
        assert received["screen"]["page"]["screen_duration"] == 15
        assert receiver.bad_signatures == 0
        assert set(deliveries.values_list("status", flat=True)) == {"delivered"}

    # 4. The change feed shows the same publish.
    feed = client.get("/api/v2/changes/").json()
    published = [c for c in feed["results"] if c["page_id"] == page.pk]
    assert [c["action"] for c in published] == ["publish"]


def test_branches_get_the_light_workflow_with_their_own_reviewers(client, org_tree):
    branch = org_tree["da-s1-b1"]
    page = ArticleFactory(parent=column(branch, "news"), title="支部动态", slug="n", live=False)
    assert page.get_workflow().name == LIGHT_REVIEW
    assert column(org_tree["da"], "news").get_workflow().name == FULL_REVIEW

    editor = UserFactory(username="b-editor", groups=["da-s1-b1:editors"])
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)
    state, task_state = current_task(page)
    assert task_state.task.name == "本组织审核"  # proofreading passed on its own

    own = UserFactory(username="own-rev", groups=["da-s1-b1:reviewers"])
    sibling = UserFactory(username="sib-rev", groups=["da-s2-b1:reviewers"])
    task = task_state.task.specific
    assert task.get_actions(page, own) and not task.get_actions(page, sibling)
    assert list(task.get_task_states_user_can_moderate(own)) == [task_state]
    assert not task.get_task_states_user_can_moderate(sibling).exists()

    client.force_login(sibling)
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    client.post(url)
    assert not Page.objects.get(pk=page.pk).live
    client.force_login(own)
    client.post(url)
    assert Page.objects.get(pk=page.pk).live


def test_new_branches_are_given_the_light_workflow_when_provisioned(org_tree):
    from wagtail.models import WorkflowPage

    below_root = WorkflowPage.objects.filter(page__depth__gt=1)  # Wagtail's own sits on Root
    assigned = dict(below_root.values_list("page__title", "workflow__name"))
    assert assigned == {
        "测试市": FULL_REVIEW,
        "一街道第一支部": LIGHT_REVIEW,
        "二街道第一支部": LIGHT_REVIEW,
    }
