"""GET /healthz/: the scheduler's last run, the queue's depth and oldest ready task; 200
"ok" or 503 "degraded" naming the problem, in three queries."""

import pytest

from tests.kitchen.factories import TaskResultFactory, ago

pytestmark = pytest.mark.django_db


def get_health(client, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = client.get("/healthz/")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response


def test_a_scheduler_that_runs_is_ok(client, django_assert_num_queries):
    TaskResultFactory(status="SUCCESSFUL", started_at=ago(seconds=11), finished_at=ago(seconds=10))
    TaskResultFactory(run_after=ago(seconds=-20))  # the next run, in 20 s
    response = get_health(client, django_assert_num_queries)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["problems"] == []
    assert body["scheduler"]["last_status"] == "SUCCESSFUL" and body["scheduler"]["queued"] == 1
    assert body["scheduler"]["last_run"] is not None
    assert body["queue"] == {"depth": 0, "oldest_ready_age_seconds": None}


def test_a_dead_chain_is_degraded(client, django_assert_num_queries):
    TaskResultFactory(status="SUCCESSFUL", started_at=ago(hours=2), finished_at=ago(hours=2))
    response = get_health(client, django_assert_num_queries)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["problems"] == ["scheduler_late", "scheduler_not_queued"]


def test_a_fresh_install_without_worker_is_degraded(client, django_assert_num_queries):
    response = get_health(client, django_assert_num_queries)
    assert response.status_code == 503
    assert response.json()["scheduler"] == {
        "last_run": None,
        "last_status": None,
        "interval_seconds": 30,
        "queued": 0,
    }


def test_a_backlog_and_a_dead_workers_task_are_reported(client, django_assert_num_queries):
    TaskResultFactory(status="SUCCESSFUL", started_at=ago(seconds=6), finished_at=ago(seconds=5))
    TaskResultFactory(status="RUNNING", started_at=ago(hours=3))  # its worker was killed
    for _ in range(3):
        TaskResultFactory(task_path="kitchen.tasks.deliver_outbox", enqueued_at=ago(minutes=20))
    response = get_health(client, django_assert_num_queries)
    assert response.status_code == 503
    body = response.json()
    assert body["queue"]["depth"] == 3
    assert 1190 < body["queue"]["oldest_ready_age_seconds"] < 1300
    assert body["problems"] == ["scheduler_not_queued", "queue_backlog", "scheduler_stale"]


def test_a_deferred_task_waits_from_when_it_was_due(client, django_assert_num_queries):
    TaskResultFactory(status="SUCCESSFUL", started_at=ago(seconds=6), finished_at=ago(seconds=5))
    TaskResultFactory(enqueued_at=ago(hours=5), run_after=ago(seconds=30))
    body = get_health(client, django_assert_num_queries).json()
    assert body["status"] == "ok" and body["queue"]["depth"] == 1
    assert 29 < body["queue"]["oldest_ready_age_seconds"] < 120


def test_only_reads(client):
    assert client.post("/healthz/").status_code == 405
