"""Queue the periodic work the worker keeps alive (idempotent; `run_worker` does it at every
start, so this is for doing it by hand)."""

from django.core.management.base import BaseCommand

from kitchen.tasks import ensure_schedules


class Command(BaseCommand):
    help = "为后台任务排队：定时发布/到期下线（每 30 秒自我续排）和一次投递扫描。可重复运行。"

    def handle(self, *args, **options):
        queued = ensure_schedules()
        names = "、".join(t.name for t in queued) or "无（已在队列中）"
        self.stdout.write(f"已排队：{names}")
