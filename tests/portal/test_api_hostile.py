"""Hostile input to the JSON API: whatever a client sends, the answer is a JSON 4xx in the
documented shape {"error": {"code", "message"}}, with DEBUG on and off, never a 5xx and
never Django's HTML error page."""

import json

import pytest
from django.test import Client

from tests.factories import UserFactory

SESSION_POSTS = [
    "/api/v2/me/progress/",
    "/api/v2/quizzes/1/attempts/",
    "/api/v2/attempts/1/answers/",
]


def assert_json_error(response, status, code=None):
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code, body
    return body["error"]


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


CSRF_TOKEN = "k" * 32


def browser(user=None):
    """A browser (which, unlike Django's test client, is held to CSRF) with the CSRF cookie
    the portal gave it, sending the token back as the web player does; signed in as
    `user` if given."""
    client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost", HTTP_X_CSRFTOKEN=CSRF_TOKEN)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = CSRF_TOKEN
    return client


@pytest.mark.parametrize("url", SESSION_POSTS)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "member"])
def test_multipart_without_a_boundary_is_a_json_400(db, debug, url, signed_in):
    client = browser(UserFactory() if signed_in else None)
    response = client.post(url, b"--x\r\n", content_type="multipart/form-data")
    assert_json_error(response, 400, "bad_body")


@pytest.mark.parametrize(
    "url, status",
    [
        ("/api/v2/me/progress/", 413),
        ("/api/v2/attempts/1/answers/", 413),
        # Takes no body: a JSON one is never read (no such quiz), a form is read for CSRF.
        ("/api/v2/quizzes/1/attempts/", (404, 413)),
    ],
)
def test_a_body_over_the_upload_limit_is_a_json_413(db, debug, settings, url, status):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"item": "lesson:1", "position_s": 1, "pad": "x" * 4096})
    for content_type in ("application/json", "application/x-www-form-urlencoded"):
        response = browser(UserFactory()).post(url, body, content_type=content_type)
        assert_json_error(response, status)


@pytest.mark.parametrize(
    "body",
    [
        '{"item": "lesson:1", "position_s": NaN}',
        '{"item": "lesson:1", "position_s": Infinity}',
        '{"item": "lesson:1", "position_s": -Infinity}',
        "[" * 50_000 + "]" * 50_000,
        '{"answers": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}",
    ],
    ids=["nan", "infinity", "-infinity", "nested-50000", "nested-40"],
)
@pytest.mark.parametrize("url", ["/api/v2/me/progress/", "/api/v2/attempts/1/answers/"])
def test_json_beyond_the_standard_is_a_json_400(db, debug, client, url, body):
    client.force_login(UserFactory())
    response = client.post(url, body, content_type="application/json", HTTP_HOST="localhost")
    assert_json_error(response, 400, "bad_json")


def test_a_csrf_failure_is_a_json_403_in_the_documented_shape(db):
    client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
    client.force_login(UserFactory())
    response = client.post("/api/v2/me/progress/", "{}", content_type="application/json")
    assert_json_error(response, 403, "forbidden")


@pytest.mark.parametrize(
    "url, params, code",
    [
        ("/api/v2/search/", {"year": "9223372036854775808"}, "bad_year"),
        ("/api/v2/search/", {"year": "-9223372036854775809"}, "bad_year"),
        ("/api/v2/search/", {"page": "99999999999999999999"}, "bad_page"),
        ("/api/v2/pages/", {"offset": "99999999999999999999"}, "bad_offset"),
        ("/api/v2/pages/", {"offset": "-1"}, "bad_offset"),
        ("/api/v2/pages/", {"offset": "1e3"}, "bad_offset"),
        ("/api/v2/pages/", {"limit": "99999999999999999999"}, "bad_limit"),
        ("/api/v2/directives/", {"page": "99999999999999999999"}, "bad_page"),
        ("/api/v2/articles/", {"page": "99999999999999999999"}, "bad_page"),
        ("/api/v2/lessons/", {"page": "99999999999999999999"}, "bad_page"),
        ("/api/v2/audiobooks/", {"page": "99999999999999999999"}, "bad_page"),
        ("/api/v2/live/", {"page": "99999999999999999999"}, "bad_page"),
        ("/api/v2/changes/", {"limit": "99999999999999999999"}, "bad_limit"),
        ("/api/v2/leaderboard/", {"year": "99999999999999999999"}, "bad_year"),
    ],
)
def test_huge_numbers_in_the_query_are_a_json_400(api_get, home, debug, url, params, code):
    assert_json_error(api_get(url, **params), 400, code)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/quizzes/99999999999999999999/attempts/",
        "/api/v2/attempts/99999999999999999999/answers/",
    ],
)
def test_huge_ids_in_the_path_are_a_json_4xx(db, debug, client, url):
    client.force_login(UserFactory())
    response = client.post(
        url, '{"answers": {}}', content_type="application/json", HTTP_HOST="localhost"
    )
    assert_json_error(response, (400, 404))
