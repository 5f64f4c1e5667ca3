"""Test data factories shared by every app's tests: users and images. Each app's own
factories are in tests/<app>/factories.py."""

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-9")

    @factory.post_generation
    def groups(self, create, names):
        if create and names:
            self.groups.add(*Group.objects.filter(name__in=names))


class ImageFactory(wagtail_factories.ImageFactory):
    title = factory.Sequence(lambda n: f"图片{n}")


def upload_images(client, upload, collection, description="上传的图片", title="上传"):
    """Wagtail's multiple image upload as its page does it: the file, then — 图片说明 being
    required (base/image_forms.py) — the edit form that makes it an image with its
    description. Returns the last response (the first when it went no further)."""
    first = client.post(
        "/admin/images/multiple/add/",
        {"files[]": upload, "collection": collection, "title": title},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    is_json = first.get("Content-Type", "").startswith("application/json")
    pending = first.json().get("uploaded_file_id") if first.status_code == 200 and is_json else None
    if pending is None:
        return first
    prefix = f"uploaded-image-{pending}-"
    fields = {"title": title, "description": description, "collection": collection, "tags": ""}
    return client.post(
        f"/admin/images/multiple/create_from_uploaded_image/{pending}/",
        {prefix + name: value for name, value in fields.items()},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
