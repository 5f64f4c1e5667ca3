"""manage.py oversight_run [--date YYYY-MM-DD] [--org CODE]: compute statuses and scores
now (and, for the whole city, send the day's reminders), as the nightly run does."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from sites.models import OrganisationPage


class Command(BaseCommand):
    help = "计算各组织的更新状态与积分，并发送提醒（与每晚的任务相同）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按此日期计算（YYYY-MM-DD，默认今天）")
        parser.add_argument("--org", help="只计算此组织（代码）及其下级，不发送提醒")

    def handle(self, *args, date=None, org=None, verbosity=1, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{date}") from error
        bar = tqdm(total=None, unit="期", disable=verbosity < 1, desc="计算")
        if org:
            from oversight.scores import refresh

            scope = OrganisationPage.originals().filter(code=org).first()
            if scope is None:
                raise CommandError(f"没有代码为“{org}”的组织")
            count, made = refresh(scope, day, progress=bar), 0
        else:
            from oversight.nightly import run

            count, made = run(day, progress=bar)
        bar.close()
        self.stdout.write(f"已计算 {count} 个组织，新提醒 {made} 条")
