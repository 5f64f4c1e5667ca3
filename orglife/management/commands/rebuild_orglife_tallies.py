"""Recompute the 组织生活 tallies (meetings and attendance per organisation, month and
type; publishes per organisation, month and column purpose) from the records and the
publish log. `--check` changes nothing: it lists where the kept tallies differ and exits
with status 1 if any do."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from orglife import tallies
from orglife.models import MeetingRecord


class Command(BaseCommand):
    help = "重新计算组织生活统计（--check：只比较，不一致时退出码为 1）"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只比较，不写入")

    def handle(self, *args, check=False, **options):
        from wagtail.models import PageLogEntry

        quiet = options["verbosity"] < 1
        with tqdm(
            total=MeetingRecord.objects.count(), desc="会议记录", disable=quiet, leave=False
        ) as bar:
            meetings = tallies.computed_meeting_tallies(bar)
        with tqdm(
            total=PageLogEntry.objects.filter(action="wagtail.publish").count(),
            desc="发布记录",
            disable=quiet,
            leave=False,
        ) as bar:
            publishes = tallies.computed_publish_tallies(bar)
        found = tallies.differences(meetings, tallies.stored_meeting_tallies())
        found += tallies.differences(publishes, tallies.stored_publish_tallies())
        summary = (
            f"会议统计 {len(meetings)} 行（{sum(v[0] for v in meetings.values())} 次会议），"
            f"发布统计 {len(publishes)} 行（{sum(publishes.values())} 次发布），"
            f"不一致 {len(found)} 处"
        )
        if check:
            for key, stored, computed in found:
                self.stdout.write(f"不一致：{key} 现有 {stored}，应为 {computed}")
            self.stdout.write(summary)
            if found:
                raise CommandError(f"{len(found)} 处统计与记录不一致", returncode=1)
            return
        tallies.rebuild(meetings, publishes)
        self.stdout.write(summary + "；已重建")
