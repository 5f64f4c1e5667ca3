"""The central kitchen's test data: webhook subscribers, and pages published the way an
editor publishes them (a revision, then publish), so the feed and the outbox see it."""

import factory
from wagtail.models import PageViewRestriction

from kitchen.models import ContentChange, Delivery, WebhookSubscriber
from tests.content.factories import ArticleFactory


class WebhookSubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookSubscriber

    name = factory.Sequence(lambda n: f"订阅方{n}")
    url = "http://127.0.0.1:9/hook/"  # nothing listens: deliveries are only written
    secret = factory.Sequence(lambda n: f"secret-{n}")  # kept as whsec_<base64 of it>


def draft_article(parent, title, **fields):
    """A never-published article of `parent` (for the web and app channels)."""
    fields.setdefault("channel_app", True)
    return ArticleFactory(parent=parent, title=title, live=False, **fields)


def publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def published_article(parent, title, **fields):
    return publish(draft_article(parent, title, **fields))


def restrict(page, kind="password"):
    """A view restriction on `page`: password, login (or groups, with none given)."""
    extra = {"password": "secret-pass"} if kind == "password" else {}
    return PageViewRestriction.objects.create(page=page, restriction_type=kind, **extra)


class ContentChangeFactory(factory.django.DjangoModelFactory):
    """A feed row alone (no page): for tests of delivery, not of what is recorded."""

    class Meta:
        model = ContentChange

    page_id = factory.Sequence(lambda n: 900000 + n)
    action = "publish"
    page_type = "content.articlepage"
    title = factory.Sequence(lambda n: f"稿件{n}")
    url_path = factory.LazyAttribute(lambda c: f"/home/news/item-{c.page_id}/")


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    change = factory.SubFactory(ContentChangeFactory)
    subscriber = factory.SubFactory(WebhookSubscriberFactory)
    page_id = factory.LazyAttribute(lambda d: d.change.page_id)
    channel = "web"
    payload = factory.LazyAttribute(
        lambda d: {
            "event": "page.published",
            "event_id": d.change.id,
            "channel": d.channel,
            "page": {"id": d.change.page_id, "title": d.change.title},
        }
    )
