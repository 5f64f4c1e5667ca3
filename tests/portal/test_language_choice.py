"""The first request follows the browser's Accept-Language; the visitor's own choice
(remembered in the django_language cookie) wins afterwards (portal/language_choice.py)."""

import pytest

from portal.language_choice import language_from_accept

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("zh-TW,zh;q=0.9", "zh-hant"),
        ("zh-HK", "zh-hant"),
        ("zh-Hant-TW,en;q=0.5", "zh-hant"),
        ("en-GB,en;q=0.9", "en"),
        ("fr,en;q=0.5", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
        ("zh", "zh-hans"),
        ("fr", None),
        ("", None),
    ],
)
def test_accept_language_picks_the_first_chinese_or_english_entry(header, language):
    assert language_from_accept(header) == language


@pytest.mark.parametrize(
    ("header", "location"),
    [("zh-TW,zh;q=0.9", "/zh-hant/"), ("zh-HK", "/zh-hant/"), ("en-US", "/en/")],
)
def test_first_request_is_redirected_by_accept_language(client, translated_home, header, location):
    response = client.get("/", {"x": "1"}, HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 302 and response["Location"] == f"{location}?x=1"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


@pytest.mark.parametrize("header", ["zh-CN,zh;q=0.9", "fr", None])
def test_other_browsers_and_bots_get_simplified_without_redirect(client, translated_home, header):
    extra = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    response = client.get("/", HTTP_HOST="localhost", **extra)
    assert response.status_code == 200 and '<html lang="zh-Hans"' in response.text
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_a_chosen_language_wins_over_accept_language(client, translated_home):
    taiwan = {"HTTP_HOST": "localhost", "HTTP_ACCEPT_LANGUAGE": "zh-TW"}
    # The switcher's 简体 link: remembered, then the clean URL.
    response = client.get("/", {"lang": "zh-hans"}, **taiwan)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies["django_language"].value == "zh-hans"
    response = client.get("/", **taiwan)
    assert response.status_code == 200 and '<html lang="zh-Hans"' in response.text
    # Visiting a prefixed URL (the switcher's 繁體 / English links) is a choice too.
    assert client.get("/en/", **taiwan).status_code == 200
    assert client.cookies["django_language"].value == "en"
    response = client.get("/", **taiwan)
    assert response.status_code == 302 and response["Location"] == "/en/"


def test_only_public_pages_are_redirected(client, translated_home, admin_client):
    english = {"HTTP_HOST": "localhost", "HTTP_ACCEPT_LANGUAGE": "en"}
    assert client.post("/", **english).status_code != 302
    assert client.get("/api/v2/directives/", **english).status_code == 200
    assert client.get("/healthz/", **english).status_code != 302
    assert client.get("/screens/player/", **english).status_code != 302
    response = admin_client.get("/admin/", **english)
    assert response.status_code == 200
