"""Pages under a view restriction (password, login; their own or an ancestor's) never reach
the public change feed or an untrusted webhook subscriber; a restriction added later
makes outlets drop the page (a `restrict` event), lifting it publishes the page again."""

import pytest
from django.test import Client
from django.urls import reverse

from kitchen.models import ContentChange
from kitchen.outbox import Delivery
from tests.factories import UserFactory
from tests.sites.factories import column

from .factories import (
    WebhookSubscriberFactory,
    draft_article,
    publish,
    published_article,
    restrict,
)


@pytest.fixture
def news(deep):
    return column(deep["da"], "news")


@pytest.fixture
def feed(api_get):
    """The public change feed from a cursor, every page of it, as (page id, action)."""

    def read(since):
        seen, cursor = [], since
        while True:
            page = api_get("/api/v2/changes/", since=cursor, limit="3").json()
            seen += [(c["page_id"], c["action"]) for c in page["results"]]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return seen

    read.start = lambda: api_get("/api/v2/changes/").json()["next_cursor"]
    return read


def deliveries(subscriber, **filters):
    return Delivery.objects.filter(subscriber=subscriber, **filters).order_by("change_id")


def test_restricted_pages_never_reach_the_public_change_feed(api_get, feed, deep, news):
    start = feed.start()
    members_only = column(deep["da"], "notices")
    restrict(members_only, "login")
    inherited = published_article(members_only, "登录可见的文章")
    own = draft_article(news, "密码保护的文章")
    restrict(own, "password")
    publish(own)
    public = published_article(news, "公开的文章")
    inherited.unpublish()
    own.move(members_only, pos="last-child")
    own.refresh_from_db()
    articles = {inherited.pk, own.pk, public.pk}
    own.delete()  # its own restriction goes with it: that makes nothing public

    body = api_get("/api/v2/changes/", since=start, limit="500").content.decode()
    assert "登录可见的文章" not in body and "密码保护的文章" not in body
    assert [e for e in feed(start) if e[0] in articles] == [(public.pk, "publish")]
    secret_events = ContentChange.objects.filter(title__in=["登录可见的文章", "密码保护的文章"])
    assert set(secret_events.values_list("action", flat=True)) == {
        "publish",
        "unpublish",
        "move",
        "delete",
    }
    assert set(secret_events.values_list("private", flat=True)) == {True}


def test_webhooks_carry_private_pages_only_to_trusted_subscribers(deep, news):
    public = WebhookSubscriberFactory(channel_web=False, channel_screen=False)
    trusted = WebhookSubscriberFactory(
        channel_web=False, channel_screen=False, private_content=True
    )
    page = draft_article(news, "内部文章", app_summary="仅供党员阅读的摘要")
    restrict(news, "login")  # an ancestor's restriction
    Delivery.objects.all().delete()  # the column's own restrict event
    publish(page)

    assert not deliveries(public).exists()
    (sent,) = deliveries(trusted)
    assert sent.payload["event"] == "page.published"
    assert sent.payload["page"]["app_summary"] == "仅供党员阅读的摘要"


def test_a_restriction_added_later_drops_the_page_and_lifting_it_publishes_again(
    feed, deep, news, django_assert_max_num_queries
):
    subscriber = WebhookSubscriberFactory(channel_screen=False)
    first = published_article(news, "甲文章", app_summary="甲摘要")
    second = published_article(news, "乙文章")
    kept_private = draft_article(news, "一直保密的文章")
    restrict(kept_private, "password")
    publish(kept_private)
    start = feed.start()
    Delivery.objects.all().delete()

    with django_assert_max_num_queries(12):  # the same for a whole subtree
        restriction = restrict(news, "login")
    assert feed(start) == [(news.pk, "restrict"), (first.pk, "restrict"), (second.pk, "restrict")]
    dropped = deliveries(subscriber, page_id=first.pk)
    assert {d.channel for d in dropped} == {"web", "app"}
    for delivery in dropped:
        assert delivery.payload["event"] == "page.restricted"
        assert delivery.payload["page"] == {"id": first.pk, "url_path": first.url_path}
    assert not deliveries(subscriber, page_id=kept_private.pk).exists()

    restrict(news, "password").delete()  # a second one over it changed nothing
    assert feed(start)[3:] == []

    Delivery.objects.all().delete()
    restriction.delete()
    assert feed(start)[3:] == [(news.pk, "publish"), (first.pk, "publish"), (second.pk, "publish")]
    app = deliveries(subscriber, page_id=first.pk, channel="app").get()
    assert app.payload["event"] == "page.published"
    assert app.payload["page"]["app_summary"] == "甲摘要"
    assert not deliveries(subscriber, page_id=kept_private.pk).exists()
    assert second.pk in set(Delivery.objects.values_list("page_id", flat=True))


def test_moving_a_page_under_a_restriction_and_back_out(feed, deep, news):
    subscriber = WebhookSubscriberFactory(channel_app=False, channel_screen=False)
    members_only = column(deep["da"], "notices")
    restrict(members_only, "login")
    page = published_article(news, "要移走的文章")
    public_path = page.url_path
    start = feed.start()
    Delivery.objects.all().delete()

    page.move(members_only, pos="last-child")
    assert feed(start) == [(page.pk, "restrict")]  # no move: its new place is private
    change = ContentChange.objects.get(page_id=page.pk, action="restrict")
    assert change.url_path == public_path and not change.private
    assert [d.payload["event"] for d in deliveries(subscriber)] == ["page.restricted"]

    page.refresh_from_db()
    news.refresh_from_db()
    page.move(news, pos="last-child")
    assert feed(start)[1:] == [(page.pk, "publish")]
    assert [d.payload["event"] for d in deliveries(subscriber)][1:] == ["page.published"]


def test_trusted_subscriber_is_a_field_of_the_admin_form(db):
    client = Client()
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get(reverse("wagtailsnippets_content_webhooksubscriber:add"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="private_content"' in html
    assert "接收非公开内容" in html and "仅限可信的内部系统" in html
