"""Make a stream key for a live event and print where to push (shown once; the admin's
生成推流密钥 does the same). Revokes the event's unused keys.

    manage.py live_stream_key EVENT        (the page id, or its slug: demo-live)
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.timezone import localtime

from livestream import keys
from livestream.models import LiveEventPage


class Command(BaseCommand):
    help = "Make a stream key for a live event; prints the RTMP URL to push to (last line)."

    def add_arguments(self, parser):
        parser.add_argument("event", help="直播页面的编号或 slug（演示：demo-live）")

    def handle(self, *args, event, **options):
        found = LiveEventPage.objects.filter(**{"pk" if event.isdigit() else "slug": event})
        if found.count() > 1:
            raise CommandError(f"有多个 slug 为 {event} 的直播，请用页面编号")
        if not found:
            raise CommandError(f"没有编号或 slug 为 {event} 的直播")
        event = found.get()
        if event.status != LiveEventPage.SCHEDULED:
            raise CommandError(f"“{event.title}”{event.get_status_display()}，不能再推流")
        key, row = keys.issue(event)
        self.stdout.write(
            f"“{event.title}”的推流密钥只显示这一次，有效期至 "
            f"{localtime(row.expires_at):%Y-%m-%d %H:%M}"
            f"（可从 {localtime(event.publish_opens_at):%m-%d %H:%M} 起推流）："
        )
        self.stdout.write(keys.publish_url(event, key))
