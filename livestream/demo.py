"""The demo's live event: a lecture in the city's 学习园地 that opens for pushing as soon as
`make run` has loaded the demo (README: 直播). Each load moves a still-scheduled demo event
to start ten minutes from now, so it is always ready to go live."""

import datetime

from django.utils import timezone

from .models import LiveEventPage

SLUG = "demo-live"


def ensure_live_demo(home):
    from learning.models import CourseIndexPage

    city_learning = CourseIndexPage.objects.child_of(home).get(slug="learning")
    starts = timezone.now() + datetime.timedelta(minutes=10)
    ends = starts + datetime.timedelta(hours=2)
    event = LiveEventPage.objects.child_of(city_learning).filter(slug=SLUG).first()
    if event is None:
        event = LiveEventPage(
            title="演示直播：学习贯彻党的二十大精神专题党课",
            slug=SLUG,
            speaker="市委党校 王老师",
            starts_at=starts,
            ends_at=ends,
            description="<p>市委党校专题党课网络直播，各党支部组织党员集中收看。</p>",
        )
        city_learning.add_child(instance=event)
        event.save_revision().publish()
    elif event.status == LiveEventPage.SCHEDULED:
        LiveEventPage.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=ends)
    return event
