"""`manage.py run_worker [db_worker options]`: the portal's task worker, as `make run`,
`make worker` and deploy/systemd/portal-worker.service start it. db_worker's options and
behaviour, plus (kitchen/worker.py): the schedule seeded and healed at every start, stale
tasks of dead workers reclaimed, transient database errors retried, and a non-zero exit
when the worker cannot continue (also under the autoreloader)."""

import logging
import os

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.compat import TASKS_LOGGER
from django_tasks_db.management.commands import db_worker

from kitchen.tasks import retry_budget
from kitchen.worker import PortalWorker, run_or_exit


class Command(db_worker.Command):
    help = (
        "运行后台任务进程：启动时补排定时发布、回收失联任务，"
        "数据库暂时不可用时重试，无法继续时以非零状态退出。"
    )

    def configure_logging(self, verbosity):
        """db_worker's levels, except that its line per task start and finish needs -v 2:
        at the default verbosity the worker's own tally (portal.worker) writes one line per
        task kind per minute, and failures still come through at ERROR."""
        super().configure_logging(verbosity)
        if verbosity == 1:
            logging.getLogger(TASKS_LOGGER).setLevel(logging.WARNING)
        if verbosity >= 1:
            logging.getLogger("portal.worker").setLevel(logging.INFO)

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = PortalWorker(
            retry_budget=float(retry_budget()),
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # in the reloaded child only
            run_with_reloader(run_or_exit, worker)
        else:
            worker.configure_signals()
            worker.run()
