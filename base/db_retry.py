"""Retrying database work through transient errors: SQLite's "database is locked" (another
process holds the write lock longer than the busy timeout), a PostgreSQL server that
restarts or drops the connection. Anything else is not transient and is raised at once.

`retrying(work, budget=…)` calls `work()` until it succeeds, sleeping with exponential
backoff (0.5 s, 1 s, 2 s … at most 30 s) between attempts and closing the broken
connections before each retry; after `budget` seconds of failures the last error is raised,
so a process that cannot continue stops (and systemd starts it again) instead of living on
doing nothing.
"""

import logging
import time

from django.db import connections
from django.db.utils import InterfaceError, OperationalError

logger = logging.getLogger("portal.db_retry")

# Messages of OperationalError that mean "try again later", in lower case.
TRANSIENT_MESSAGES = (
    "database is locked",
    "database table is locked",
    "server closed the connection",
    "connection already closed",
    "could not connect",
    "connection refused",
    "terminating connection",
    "the database system is starting up",
    "the database system is shutting down",
    "ssl connection has been closed",
    "deadlock detected",
    "could not serialize access",
)
FIRST_DELAY, MAX_DELAY = 0.5, 30.0


def is_transient(error):
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    text = str(error).lower()
    return any(message in text for message in TRANSIENT_MESSAGES)


def backoff_delays(first=FIRST_DELAY, cap=MAX_DELAY):
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, cap)


def drop_broken_connections():
    for conn in connections.all(initialized_only=True):
        if conn.in_atomic_block:
            continue  # an outer transaction owns it; its caller decides
        try:
            conn.close()
        except Exception:  # closing a broken connection may fail too
            pass


def retrying(work, budget=300.0, what="数据库操作", sleep=None, clock=None):
    """`work()`, retried through transient database errors for at most `budget` seconds."""
    sleep, clock = sleep or time.sleep, clock or time.monotonic
    deadline = clock() + budget
    delays = backoff_delays()
    while True:
        try:
            return work()
        except (OperationalError, InterfaceError) as error:
            if not is_transient(error) or clock() >= deadline:
                raise
            delay = min(next(delays), max(0.0, deadline - clock()))
            logger.warning("%s遇到暂时性数据库错误（%s），%.1f 秒后重试", what, error, delay)
            drop_broken_connections()
            sleep(delay)
