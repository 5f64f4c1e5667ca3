"""The task worker as the portal runs it (`manage.py run_worker`): django-tasks-db's
db_worker that heals the schedule and does not die silently.

- At start, and after every run of the periodic task, the schedule is made whole again
  (kitchen.tasks.ensure_schedules: tasks of dead workers back in the queue, the periodic
  task queued unless it already is).
- Transient database errors (SQLite locked past its busy timeout, PostgreSQL restarting)
  are retried with backoff (base.db_retry) for PORTAL_WORKER_DB_RETRY seconds in a row;
  past that, or on any other error, the worker exits non-zero, also under the autoreloader
  (DEBUG), where db_worker's thread used to die while the process lived on doing nothing.
  systemd (Restart=always) starts it again.
"""

import logging
import os
import time

from django.db.utils import InterfaceError, OperationalError
from django_tasks_db.management.commands.db_worker import Worker

from base.db_retry import backoff_delays, drop_broken_connections, is_transient, retrying

from .tasks import ensure_schedules, run_schedules

logger = logging.getLogger("portal.worker")


class PortalWorker(Worker):
    def __init__(self, *, retry_budget=300.0, **kwargs):
        super().__init__(**kwargs)
        self.retry_budget = retry_budget

    def heal_schedule(self, periodic_only=False):
        retrying(
            lambda: ensure_schedules(periodic_only=periodic_only),
            budget=self.retry_budget,
            what="定时任务补排",
        )

    def run_task(self, db_task_result):
        super().run_task(db_task_result)
        if db_task_result.task_path == run_schedules.module_path:
            self.heal_schedule(periodic_only=True)

    def run(self):
        self.heal_schedule()
        delays, failing_since = backoff_delays(), None
        while self.running:
            started = time.monotonic()
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                if not is_transient(error):
                    raise
                now = time.monotonic()
                if failing_since is None or now - started > 60:  # it ran well meanwhile
                    failing_since, delays = now, backoff_delays()
                if now - failing_since >= self.retry_budget:
                    logger.error("数据库持续不可用（%s），任务进程退出", error)
                    raise
                delay = next(delays)
                logger.warning("任务进程遇到暂时性数据库错误（%s），%.1f 秒后继续", error, delay)
                drop_broken_connections()
                time.sleep(delay)
        return None


def run_or_exit(worker):
    """For the autoreloader's thread: an error ends the process with status 1 (the
    reloader then exits with it), instead of leaving a live process without a worker."""
    try:
        worker.run()
    except SystemExit:
        raise
    except BaseException:
        logger.exception("任务进程异常退出")
        logging.shutdown()
        os._exit(1)
