"""The central kitchen's test data: webhook subscribers, and pages published the way an
editor publishes them (a revision, then publish), so the feed and the outbox see it; rows of
the task queue as a worker leaves them."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from PIL import Image as PILImage
from wagtail.models import PageViewRestriction

from kitchen.models import ContentChange, Delivery, WebhookSubscriber
from tests.content.factories import ArticleFactory
from tests.factories import UserFactory


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


class TaskResultFactory(factory.django.DjangoModelFactory):
    """A queued kitchen.tasks.run_schedules (a row of the django-tasks database backend's
    queue), due now; pass status, started_at, finished_at, run_after or task_path for other
    states."""

    class Meta:
        model = DBTaskResult
        skip_postgeneration_save = True

    task_path = "kitchen.tasks.run_schedules"
    status = "READY"
    args_kwargs = factory.LazyFunction(lambda: {"args": [], "kwargs": {}})
    backend_name = "default"
    queue_name = "default"
    run_after = factory.LazyFunction(get_date_max)

    @factory.post_generation
    def enqueued_at(self, create, when):
        # auto_now_add: set afterwards to say when the task was queued.
        if create and when is not None:
            DBTaskResult.objects.filter(pk=self.pk).update(enqueued_at=when)
            self.enqueued_at = when


def ago(**delta):
    return timezone.now() - timezone.timedelta(**delta)


def photo_bytes(kind="JPEG", size=(64, 48), colour=(180, 30, 30)):
    """A small real picture, as a phone's camera would send one (JPEG by default)."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, kind)
    return buffer.getvalue()


def photo_upload(name="photo.jpg", kind="JPEG"):
    return SimpleUploadedFile(name, photo_bytes(kind), content_type=f"image/{kind.lower()}")


def quick_editor(org, role="editors", username=None):
    """A user in `org`'s editors (or reviewers) group, as the demo's branch_editor."""
    username = username or f"quick-{org.code}-{role}"
    return UserFactory(username=username, groups=[f"{org.code}:{role}"])
