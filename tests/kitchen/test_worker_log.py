"""The worker's log: a line per task kind per minute at most, failures still loud with
their traceback (kitchen/worker.py TaskTally, run_worker's logging levels)."""

import re

import pytest

from kitchen.worker import TaskTally


class Lines:
    def __init__(self):
        self.lines = []

    def info(self, message, *args):
        self.lines.append(message % args)


def test_the_tally_writes_a_kind_at_most_once_a_minute():
    now = [0.0]
    log = Lines()
    tally = TaskTally(every=60, clock=lambda: now[0], log=log)
    tally.count("kitchen.tasks.deliver")  # the first of a kind is logged at once
    for second in range(1, 60):
        now[0] = second
        tally.count("kitchen.tasks.deliver", failed=second == 30)
    assert log.lines == ["任务 kitchen.tasks.deliver：完成 1 个，其中失败 0 个"]
    now[0] = 61
    tally.count("kitchen.tasks.deliver")
    tally.count("wagtail.tasks.other")
    assert log.lines[1:] == [
        "任务 kitchen.tasks.deliver：完成 60 个，其中失败 1 个",
        "任务 wagtail.tasks.other：完成 1 个，其中失败 0 个",
    ]
    now[0] = 62
    tally.count("kitchen.tasks.deliver")
    tally.flush()  # the worker stops: what is left is written
    assert log.lines[3:] == ["任务 kitchen.tasks.deliver：完成 1 个，其中失败 0 个"]


QUEUE = """
from base.reference_index import update_reference_index
for pk in range(900000, 900040):
    update_reference_index.enqueue("orgs", "organisationpage", str(pk))  # gone: done quietly
update_reference_index.enqueue("no_such_app", "model", "1")  # fails: LookupError
print("queued")
"""


@pytest.mark.server
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_log_has_one_line_per_kind_and_the_failure(outside):
    assert outside.shell(QUEUE) == "queued"
    done = outside.manage("run_worker", "--batch", "--no-reload", "--queue-name=*")
    log = done.stdout + done.stderr
    assert "state=SUCCESSFUL" not in log and "state=RUNNING" not in log, log[-3000:]
    assert log.count("state=FAILED") == 1 and "Traceback" in log, log[-3000:]
    assert "LookupError" in log
    tally = re.findall(
        r"任务 base\.reference_index\.update_reference_index：完成 (\d+) 个，其中失败 (\d+) 个", log
    )
    assert 1 <= len(tally) <= 2, log[-3000:]
    assert sum(int(n) for n, _ in tally) == 41 and sum(int(f) for _, f in tally) == 1
