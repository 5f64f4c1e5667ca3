"""<html lang>, <title> and hreflang on every kind of page in every language: Wagtail
pages, the views beside them (directory, search, study, sign-in) and errors."""

import re

import pytest

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u3400-\u9fff]")
TAGS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}
PREFIX = {"zh-hans": "", "zh-hant": "/zh-hant", "en": "/en"}
PAGES = ["/", "/directory/", "/directory/?q=da", "/search/?q=x", "/learning/ranking/", "/login/"]
ERRORS = ["/no-such-page/"]


@pytest.fixture
def translated(org_tree, translated_home):
    """The test tree with its home translated into zh-hant and en."""
    return translated_home


def head(client, url):
    response = client.get(url, HTTP_HOST="localhost")
    html = response.content.decode()
    lang = re.search(r'<html lang="([^"]+)"', html).group(1)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    og = re.search(r'<meta property="og:locale" content="([^"]+)">', html)
    if og:
        assert og.group(1) == {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "en": "en_US"}[lang]
    return response.status_code, lang, title, alternates


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_every_page_names_its_language_and_its_versions(client, translated, language):
    for path in PAGES:
        url = PREFIX[language] + path
        status, lang, title, alternates = head(client, url)
        assert status == 200, url
        assert lang == TAGS[language], url
        assert title, url
        if language == "en":
            assert not HAN.search(title), (url, title)
        assert set(alternates) == {"zh-Hans", "zh-Hant", "en", "x-default"}, url
        assert alternates["x-default"] == alternates["zh-Hans"]
        assert alternates[TAGS[language]] == f"http://localhost{url}"
        client.cookies.clear()


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_error_pages_speak_the_language_of_their_prefix(client, translated, language):
    for path in ERRORS:
        status, lang, title, _alternates = head(client, PREFIX[language] + path)
        assert status == 404 and lang == TAGS[language] and title
        if language == "en":
            assert not HAN.search(title)
