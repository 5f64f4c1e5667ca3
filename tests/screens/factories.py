"""Metro screens: display groups, devices with their token, playlists with their items,
emergency inserts."""

import datetime

import factory
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page

from screens.models import Device, DisplayGroup, EmergencyInsert, Playlist, PlaylistItem


class DisplayGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisplayGroup

    name = "地铁站台屏"
    slug = factory.Sequence(lambda n: f"group-{n}")


class DeviceFactory(factory.django.DjangoModelFactory):
    """A screen device; only its token's hash is stored, the token itself is on `.token`
    (as `create_screen_device` prints it once)."""

    class Meta:
        model = Device

    name = factory.Sequence(lambda n: f"{n} 号屏")
    group = factory.SubFactory(DisplayGroupFactory)

    @classmethod
    def _create(cls, model_class, *args, **fields):
        device = model_class(**fields)
        device.token = device.set_token()
        device.save()
        return device


def item_fields(item):
    """PlaylistItem fields for a page, an image, a clip (document) or a dict of fields."""
    if isinstance(item, Page):
        return {"page": item}
    if isinstance(item, Image):
        return {"image": item}
    if isinstance(item, Document):
        return {"clip": item}
    return dict(item)


class PlaylistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlaylistItem

    playlist = factory.SubFactory("tests.screens.factories.PlaylistFactory")
    sort_order = factory.Sequence(lambda n: n)


class PlaylistFactory(factory.django.DjangoModelFactory):
    """A playlist shown on `groups`, playing `items` (pages, images, clips or dicts of
    PlaylistItem fields) in that order."""

    class Meta:
        model = Playlist
        skip_postgeneration_save = True

    name = "日常轮播"

    @factory.post_generation
    def groups(self, create, groups):
        if create and groups:
            self.groups.add(*groups)

    @factory.post_generation
    def items(self, create, items):
        for n, item in enumerate(items or ()):
            PlaylistItemFactory(playlist=self, sort_order=n, **item_fields(item))


class EmergencyInsertFactory(factory.django.DjangoModelFactory):
    """An emergency insert on `groups`, running from now for `minutes`."""

    class Meta:
        model = EmergencyInsert
        skip_postgeneration_save = True

    class Params:
        minutes = 30

    title = "临时停运"
    text = "因设备故障，2 号线暂停运营，请乘客改乘公交。"
    ends_at = factory.LazyAttribute(
        lambda insert: timezone.now() + datetime.timedelta(minutes=insert.minutes)
    )

    @factory.post_generation
    def groups(self, create, groups):
        if create and groups:
            self.groups.add(*groups)
