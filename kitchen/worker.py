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
- The log stays readable: db_worker's line per task start and finish is at DEBUG
  (`run_worker -v 2` shows it); instead the worker writes at most one INFO line per task
  kind per minute, with how many finished and failed since the last one (TaskTally). A
  failed task is still logged at ERROR with its traceback, every time.
"""

import logging
import os
import time
from collections import Counter

from django.db.utils import InterfaceError, OperationalError
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker

from base.db_retry import backoff_delays, drop_broken_connections, is_transient, retrying

from .tasks import ensure_schedules, run_schedules

logger = logging.getLogger("portal.worker")


class TaskTally:
    """Finished tasks counted per kind; `count` logs a kind's totals when its last line is
    at least `every` seconds old (so the first finish of a kind is logged at once), and
    `flush` logs what is left when the worker stops."""

    def __init__(self, every=60.0, clock=time.monotonic, log=logger):
        self.every, self.clock, self.log = every, clock, log
        self.finished, self.failed = Counter(), Counter()
        self.last_line = {}

    def count(self, kind, failed=False):
        self.finished[kind] += 1
        if failed:
            self.failed[kind] += 1
        now = self.clock()
        if now - self.last_line.get(kind, now - self.every) >= self.every:
            self._line(kind)
            self.last_line[kind] = now

    def flush(self):
        for kind in list(self.finished):
            self._line(kind)

    def _line(self, kind):
        finished, failed = self.finished.pop(kind, 0), self.failed.pop(kind, 0)
        if finished:
            self.log.info("任务 %s：完成 %d 个，其中失败 %d 个", kind, finished, failed)


class PortalWorker(Worker):
    def __init__(self, *, retry_budget=300.0, **kwargs):
        super().__init__(**kwargs)
        self.retry_budget = retry_budget
        self.tally = TaskTally()

    def heal_schedule(self, periodic_only=False):
        retrying(
            lambda: ensure_schedules(periodic_only=periodic_only),
            budget=self.retry_budget,
            what="定时任务补排",
        )

    def run_task(self, db_task_result):
        super().run_task(db_task_result)
        self.tally.count(
            db_task_result.task_path, failed=db_task_result.status == TaskResultStatus.FAILED
        )
        if db_task_result.task_path == run_schedules.module_path:
            self.heal_schedule(periodic_only=True)

    def run(self):
        try:
            return self._run()
        finally:
            self.tally.flush()

    def _run(self):
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
