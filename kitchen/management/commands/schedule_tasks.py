"""Queue the periodic work the worker keeps alive (run before `db_worker`; idempotent)."""

from django.core.management.base import BaseCommand

from kitchen.tasks import deliver_outbox, run_schedules, schedule_once


class Command(BaseCommand):
    help = "为后台任务排队：定时发布/到期下线（每 30 秒自我续排）和一次投递扫描。可重复运行。"

    def handle(self, *args, **options):
        queued = [t for t in (run_schedules, deliver_outbox) if schedule_once(t) is not None]
        names = "、".join(t.name for t in queued) or "无（已在队列中）"
        self.stdout.write(f"已排队：{names}")
