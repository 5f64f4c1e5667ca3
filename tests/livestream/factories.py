"""Live events."""

import datetime

import factory
import wagtail_factories
from django.utils import timezone

from livestream.models import LiveEventPage


class LiveEventFactory(wagtail_factories.PageFactory):
    """A live event filed under `parent` (a learning column), starting `starts_in` from
    now and lasting `hours`."""

    class Meta:
        model = LiveEventPage

    class Params:
        starts_in = datetime.timedelta(minutes=10)
        hours = 1

    title = "学习贯彻党的二十大精神专题直播"
    slug = factory.Sequence(lambda n: f"live-{n}")
    speaker = "王教授"
    starts_at = factory.LazyAttribute(lambda event: timezone.now() + event.starts_in)
    ends_at = factory.LazyAttribute(
        lambda event: event.starts_at + datetime.timedelta(hours=event.hours)
    )
    description = "<p>市委党校专题讲座。</p>"
