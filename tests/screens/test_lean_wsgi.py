"""The screen feed's lean WSGI path behaves like a Django request towards the database:
request_started and request_finished are sent, so CONN_MAX_AGE is honoured on workers
that answer nothing but feeds."""

from wsgiref.util import setup_testing_defaults

import pytest
from django.db import connection

from tests.screens.factories import DisplayGroupFactory

FEED = "/api/screens/v1/feed/"


def lean_get(path=FEED, **headers):
    from portal.wsgi import application

    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", **headers}
    setup_testing_defaults(environ)
    seen = {}
    body = b"".join(application(environ, lambda status, h: seen.update(status=status)))
    return seen["status"], body


@pytest.mark.django_db
def test_each_lean_request_sends_the_request_signals_once(request_signals):
    group = DisplayGroupFactory(name="站台屏", slug="platform")
    status, _ = lean_get(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert status == "401 Unauthorized"
    assert request_signals == {"started": 1, "finished": 1}
    status, _ = lean_get(f"/api/screens/v1/poll/{group.pk}/", QUERY_STRING="d=1&e=1&s=x")
    assert status.startswith("4")
    assert request_signals == {"started": 2, "finished": 2}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_conn_max_age_is_honoured_on_the_lean_path(settings):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database ignores close(); runs on PostgreSQL")
    connection.settings_dict["CONN_MAX_AGE"] = 0
    try:
        # A connection's age limit is fixed when it connects: start a fresh one, as a
        # worker with CONN_MAX_AGE=0 would have (not the one the set-up left open).
        connection.close()
        connection.ensure_connection()
        lean_get(HTTP_AUTHORIZATION="Bearer not-a-token")
        assert connection.connection is None  # closed at the end, as Django does

        connection.settings_dict["CONN_MAX_AGE"] = 600
        connection.close()
        lean_get(HTTP_AUTHORIZATION="Bearer not-a-token")  # opens a persistent one
        kept = connection.connection
        assert kept is not None
        lean_get(HTTP_AUTHORIZATION="Bearer not-a-token")
        assert connection.connection is kept  # reused by the next request
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()
