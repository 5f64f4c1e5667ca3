"""The central kitchen in the admin: the 中央厨房 snippets, the dashboard panel and the dead
letters of the outbox."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from content.models import ArticlePage
from kitchen import changes
from kitchen.admin_views import KitchenPanel
from kitchen.models import LexiconTerm, WebhookSubscriber
from kitchen.outbox import Delivery
from tests.content.factories import ArticleFactory
from tests.factories import UserFactory
from tests.sites.factories import column

DEAD_URL = "/admin/outbox/dead/"
BANNED = "翻墙软件"


def superuser():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def submit(page, user):
    page.save_revision(user=user)
    page.get_workflow().start(page, user)


def draft(parent, title, body="<p>正文</p>", **fields):
    return ArticleFactory(parent=parent, title=title, body=body, live=False, **fields)


def kitchen_section(html, heading_id):
    """The HTML of one section of the panel (from its heading to the next section)."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def badge(count):
    """A section's count as the panel shows it."""
    return f'w-status--primary">{count}</span>'


def dead_delivery(page, error="ConnectionError: refused", subscriber=None):
    if subscriber is None:
        subscriber = WebhookSubscriber.objects.create(name="客户端", url="http://127.0.0.1:9/")
    changes.record(page, "publish")
    delivery = Delivery.objects.filter(subscriber=subscriber).latest("created_at")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.DEAD, attempts=8, last_status=None, last_error=error
    )
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def news(home):
    return column(home, "news")


# --- the dashboard panel ----------------------------------------------------------------


def test_the_panel_shows_a_pending_review_to_its_reviewer_only(client, org_tree, news):
    editor = UserFactory(username="city-editor", groups=["testcity:editors"])
    reviewer = UserFactory(username="r-first", groups=["testcity:初审"])
    outsider = UserFactory(username="b-editor", groups=["da-s1-b1:editors"])
    page = draft(news, "区委召开专题会议")
    submit(page, editor)

    client.force_login(reviewer)
    html = client.get("/admin/").content.decode()
    assert 'id="central-kitchen-section"' in html
    review = kitchen_section(html, "kitchen-review-heading")
    assert "区委召开专题会议" in review and "初审" in review
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in review
    assert badge(1) in review
    assert "kitchen-dead-heading" not in html  # no outbox rights

    client.force_login(outsider)
    html = client.get("/admin/").content.decode()
    assert 'id="central-kitchen-section"' in html
    assert "区委召开专题会议" not in html
    assert "暂无待您审核的内容" in kitchen_section(html, "kitchen-review-heading")


def test_a_draft_rejected_by_proofreading_is_shown_to_its_editor(client, org_tree, news):
    LexiconTerm.objects.create(word=BANNED, kind=LexiconTerm.Kind.BANNED)
    editor = UserFactory(username="city-editor", groups=["testcity:editors"])
    outsider = UserFactory(username="b-editor", groups=["da-s1-b1:editors"])
    page = draft(news, "严禁违规上网", body=f"<p>严禁使用{BANNED}访问境外网站。</p>")
    submit(page, editor)

    client.force_login(editor)
    rejected = kitchen_section(client.get("/admin/").content.decode(), "kitchen-rejected-heading")
    assert "严禁违规上网" in rejected
    assert f"禁用词“{BANNED}”" in rejected
    assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in rejected

    client.force_login(outsider)
    rejected = kitchen_section(client.get("/admin/").content.decode(), "kitchen-rejected-heading")
    assert "严禁违规上网" not in rejected

    # Fixed and resubmitted: no longer waiting for changes.
    page.body = "<p>严禁违规上网。</p>"
    page.save_revision(user=editor)
    page.current_workflow_state.resume(editor)
    client.force_login(editor)
    rejected = kitchen_section(client.get("/admin/").content.decode(), "kitchen-rejected-heading")
    assert "严禁违规上网" not in rejected


def test_scheduled_pages_are_grouped_by_channel(client, home, news):
    editor = UserFactory(username="city-editor", groups=["testcity:editors"])
    reviewer = UserFactory(username="r-first", groups=["testcity:初审"])
    page = draft(news, "国庆假期安排", channel_app=True)
    page.go_live_at = timezone.now() + timedelta(days=2)
    page.save_revision(user=editor).publish()
    assert not ArticlePage.objects.get(pk=page.pk).live  # scheduled, not live yet

    client.force_login(editor)
    schedule = kitchen_section(client.get("/admin/").content.decode(), "kitchen-schedule-heading")
    assert schedule.count("国庆假期安排") == 2  # 网站 and 手机客户端
    assert "网站" in schedule and "手机客户端" in schedule and "地铁屏" not in schedule
    assert "定时发布" in schedule

    # A live page that comes down at a set time, on the screens only.
    notice = draft(news, "站台临时通告", channel_web=False, channel_screen=True)
    notice.expire_at = timezone.now() + timedelta(days=1)
    notice.save_revision(user=editor).publish()
    schedule = kitchen_section(client.get("/admin/").content.decode(), "kitchen-schedule-heading")
    screens = schedule[schedule.index("地铁屏") :]
    assert schedule.count("站台临时通告") == 1 and "站台临时通告" in screens
    assert "到期下线" in screens and badge(2) in schedule

    client.force_login(reviewer)  # cannot edit the page
    schedule = kitchen_section(client.get("/admin/").content.decode(), "kitchen-schedule-heading")
    assert "国庆假期安排" not in schedule


def test_the_panel_costs_a_fixed_number_of_queries(
    home, news, django_assert_max_num_queries, django_assert_num_queries
):
    LexiconTerm.objects.create(word=BANNED, kind=LexiconTerm.Kind.BANNED)
    editor = UserFactory(username="city-editor", groups=["testcity:editors"])
    root = superuser()
    subscriber = WebhookSubscriber.objects.create(name="客户端", url="http://127.0.0.1:9/")

    def add_rows(n, start):
        for i in range(start, start + n):
            submit(draft(news, f"待审{i}"), editor)
            submit(draft(news, f"退回{i}", body=f"<p>{BANNED}{i}</p>"), editor)
            scheduled = draft(news, f"定时{i}", channel_app=True, channel_screen=True)
            scheduled.go_live_at = timezone.now() + timedelta(days=1, minutes=i)
            scheduled.save_revision(user=editor).publish()
            dead_delivery(ArticleFactory(parent=news, title=f"已发{i}"), subscriber=subscriber)

    def render():
        request = RequestFactory().get("/admin/")
        request.user = type(root).objects.get(pk=root.pk)  # no permission caches
        return KitchenPanel().render_html({"request": request})

    add_rows(2, 0)
    with django_assert_max_num_queries(20) as few:
        html = render()
    assert "待审1" in html and "退回1" in html and "定时1" in html
    add_rows(12, 2)
    with django_assert_num_queries(len(few.captured_queries)):
        html = render()
    # Counts are complete while the rows stop at 10.
    assert badge(14) in kitchen_section(html, "kitchen-review-heading")
    assert badge(14) in kitchen_section(html, "kitchen-rejected-heading")
    assert badge(14) in kitchen_section(html, "kitchen-dead-heading")
    assert badge(14) in kitchen_section(html, "kitchen-schedule-heading")
    assert "共 14 条" in kitchen_section(html, "kitchen-schedule-heading")
    rejected = kitchen_section(html, "kitchen-rejected-heading")
    assert rejected.count('href="/admin/pages/') == 10


# --- dead letters -----------------------------------------------------------------------


def test_dead_letters_are_listed_for_a_superuser_and_refused_to_a_branch_editor(
    client, org_tree, news, sidebar
):
    page = ArticleFactory(parent=news, title="市委全会公报")
    delivery = dead_delivery(page, error="HTTPError: 502 Bad Gateway " + "x" * 300)

    client.force_login(superuser())
    response = client.get(DEAD_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "市委全会公报" in html and "客户端" in html and "网站" in html
    assert f'value="{delivery.pk}"' in html
    assert str(delivery.change_id) in html
    assert "重试所选" in html and "全部重试" in html
    assert "x" * 200 not in html.split("<tbody>")[1].split('title="')[0]  # error truncated
    home_html = client.get("/admin/").content.decode()
    assert DEAD_URL in kitchen_section(home_html, "kitchen-dead-heading")
    assert "中央厨房" in sidebar(home_html) and "投递失败 (1)" in sidebar(home_html)

    client.force_login(UserFactory(username="b-editor", groups=["da-s1-b1:editors"]))
    assert client.get(DEAD_URL).status_code == 403
    assert client.post(DEAD_URL, {"retry_all": "1"}).status_code == 403
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DEAD
    assert "投递失败 (" not in sidebar(client.get("/admin/").content.decode())


def test_subscriber_managers_may_use_dead_letters(client, news):
    managers = Group.objects.create(name="outbox-managers")
    managers.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_webhooksubscriber"),
    )
    client.force_login(UserFactory(username="ops", groups=["outbox-managers"]))
    assert client.get(DEAD_URL).status_code == 200


def test_retry_selected_queues_the_delivery_again(client, news):
    page = ArticleFactory(parent=news, title="市委全会公报")
    first = dead_delivery(page)
    second = dead_delivery(ArticleFactory(parent=news, title="另一篇"), subscriber=first.subscriber)
    client.force_login(superuser())

    response = client.post(DEAD_URL, {"delivery": [str(first.pk)], "retry_selected": "1"})
    assert response.status_code == 302 and response["Location"] == DEAD_URL
    notes = [str(m).strip() for m in get_messages(response.wsgi_request)]
    assert notes == ["已重新排队 1 条投递"]
    first.refresh_from_db()
    assert first.status == Delivery.Status.PENDING and first.attempts == 0
    assert first.next_attempt_at <= timezone.now()
    assert Delivery.objects.get(pk=second.pk).status == Delivery.Status.DEAD

    html = client.get(DEAD_URL).content.decode()
    assert f'value="{first.pk}"' not in html and f'value="{second.pk}"' in html

    response = client.post(DEAD_URL, {"retry_all": "1"}, follow=True)
    assert "已重新排队 1 条投递" in response.content.decode()
    assert not Delivery.objects.filter(status=Delivery.Status.DEAD).exists()


def test_dead_letters_retry_needs_the_csrf_token(news):
    delivery = dead_delivery(ArticleFactory(parent=news, title="市委全会公报"))
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser())
    assert client.post(DEAD_URL, {"retry_all": "1"}).status_code == 403
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.DEAD


def test_dead_letters_are_paginated(client, news):
    page = ArticleFactory(parent=news, title="市委全会公报")
    first = dead_delivery(page)
    for _ in range(50):
        dead_delivery(page, subscriber=first.subscriber)
    client.force_login(superuser())
    html = client.get(DEAD_URL).content.decode()
    assert html.count('name="delivery"') == 50
    assert f'value="{first.pk}"' not in html  # the oldest is on page 2
    html = client.get(DEAD_URL + "?p=2").content.decode()
    assert html.count('name="delivery"') == 1 and f'value="{first.pk}"' in html


# --- snippets ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["lexiconterm", "wrongformulation", "webhooksubscriber"])
def test_kitchen_snippets_list_for_a_superuser(client, home, model):
    LexiconTerm.objects.create(word=BANNED)
    WebhookSubscriber.objects.create(
        name="客户端", url="http://127.0.0.1:9/", secret="s3cr3t-value"
    )
    client.force_login(superuser())
    response = client.get(reverse(f"wagtailsnippets_content_{model}:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "s3cr3t-value" not in html  # the secret is not listed
    assert reverse(f"wagtailsnippets_content_{model}:add") in html


def test_the_subscriber_form_shows_the_secret(client, home):
    subscriber = WebhookSubscriber.objects.create(
        name="客户端", url="http://127.0.0.1:9/", secret="whsec_czNjcjN0LXZhbHVl"
    )
    client.force_login(superuser())
    url = reverse("wagtailsnippets_content_webhooksubscriber:edit", args=[subscriber.pk])
    assert "whsec_czNjcjN0LXZhbHVl" in client.get(url).content.decode()


def test_deliveries_are_listed_but_never_added_or_edited(client, news):
    delivery = dead_delivery(ArticleFactory(parent=news, title="市委全会公报"))
    client.force_login(superuser())
    response = client.get(reverse("wagtailsnippets_content_delivery:list"))
    assert response.status_code == 200
    html = response.content.decode()
    add_url = reverse("wagtailsnippets_content_delivery:add")
    edit_url = reverse("wagtailsnippets_content_delivery:edit", args=[delivery.pk])
    inspect_url = reverse("wagtailsnippets_content_delivery:inspect", args=[delivery.pk])
    assert add_url not in html and edit_url not in html
    assert inspect_url in html and "事件编号" in html and "客户端" in html
    # Refused (Wagtail sends the user back to the dashboard with an error message).
    for response in [
        client.get(add_url),
        client.post(add_url, {"attempts": 0}),
        client.get(edit_url),
        client.post(edit_url, {"attempts": 0}),
    ]:
        assert response.status_code in (302, 403) and response.get("Location") in (None, "/admin/")
    assert Delivery.objects.count() == 1
    assert Delivery.objects.get(pk=delivery.pk).attempts == 8
    assert client.get(inspect_url).status_code == 200
    filtered = client.get(reverse("wagtailsnippets_content_delivery:list"), {"status": "dead"})
    assert filtered.status_code == 200 and inspect_url in filtered.content.decode()
