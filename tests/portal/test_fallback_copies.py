"""Pages not translated yet, under /zh-hant/ and /en/ (portal/fallback.py): zh-hant gets
the zh-hans page converted by OpenCC, en the page with the English chrome, a notice and
its content marked zh-Hans. And translated organisations list all their children."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from portal.demo_i18n import machine_translate_page
from portal.translation import HandWrittenTranslator, OpenCCTranslator
from tests.content.factories import ArticleFactory
from tests.sites.factories import column

pytestmark = pytest.mark.django_db


def translate(page, language, user, **strings):
    translator = (
        OpenCCTranslator({})
        if language == "zh-hant"
        else HandWrittenTranslator({"strings": strings})
    )
    return machine_translate_page(
        page, Locale.objects.get(language_code=language), user, translator
    )


def html_lang(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def canonical(html):
    found = re.search(
        r'<link href="([^"]+)" rel="canonical"|<link rel="canonical" href="([^"]+)"', html
    )
    return found and (found.group(1) or found.group(2))


@pytest.fixture
def article(org_tree):
    return ArticleFactory(
        parent=column(org_tree["da-s1-b1"], "news"),
        title="学习贯彻党的二十大精神",
        body="<p>认真学习，坚决贯彻。</p>",
    )


def test_zh_hant_of_an_untranslated_branch_is_converted(client, org_tree, article):
    response = client.get("/zh-hant/", HTTP_HOST="da-s1-b1.localhost")
    html = response.content.decode()
    assert response.status_code == 200
    assert html_lang(html) == "zh-Hant"
    assert "學習貫徹黨的二十大精神" in html
    assert not re.search(r'\slang="zh-Hans"', html.split("language-switcher")[0])
    assert canonical(html) == "http://da-s1-b1.localhost/"
    # The article too, and the converted copy is kept in the shared cache.
    url = "/zh-hant/news/" + article.slug + "/"
    html = client.get(url, HTTP_HOST="da-s1-b1.localhost").content.decode()
    assert "認真學習，堅決貫徹。" in html and html_lang(html) == "zh-Hant"
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(url, HTTP_HOST="da-s1-b1.localhost")
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url, HTTP_HOST="da-s1-b1.localhost")
    assert again.content.decode() == html
    assert len(warm) < len(cold)  # served from the cache, not rendered again
    # A new publish is a new copy.
    article.body = "<p>认真学习，全面贯彻。</p>"
    article.save_revision().publish()
    html = client.get(url, HTTP_HOST="da-s1-b1.localhost").content.decode()
    assert "認真學習，全面貫徹。" in html


def test_zh_hant_below_a_translated_organisation_falls_back_to_the_source(
    client, org_tree, article, admin_user
):
    translate(org_tree["home"], "zh-hant", admin_user)
    translate(org_tree["da"], "zh-hant", admin_user)
    response = client.get(
        "/zh-hant/da-s1/da-s1-b1/news/" + article.slug + "/", HTTP_HOST="da.localhost"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html_lang(html) == "zh-Hant" and "學習貫徹黨的二十大精神" in html
    assert canonical(html) == article.get_full_url()


def test_en_of_an_untranslated_page_says_so(client, org_tree, article, admin_user):
    translate(org_tree["home"], "en", admin_user, 测试市="Test City")
    response = client.get("/en/da/da-s1/da-s1-b1/news/" + article.slug + "/", HTTP_HOST="localhost")
    assert response.status_code == 200
    html = response.content.decode()
    assert html_lang(html) == "en"
    assert "This page is not yet available in English; shown in Chinese." in html
    assert re.search(r'<main[^>]* lang="zh-Hans"', html)
    assert canonical(html) == article.get_full_url()
    assert "Search" in html  # the chrome is English
    # The switcher shows English as the current entry; every entry has lang and hreflang.
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    entries = re.findall(r"<a [^>]*>", switcher)
    assert len(entries) == 3 and all("lang=" in e and "hreflang=" in e for e in entries)
    assert re.search(r'aria-current="true">English</a>', switcher)
    assert 'href="/zh-hant/da/da-s1/da-s1-b1/news/' in switcher  # its fallback copy


def switcher_links(html):
    links = BeautifulSoup(html, "html.parser").select(".language-switcher a")
    return {a["href"]: a.get_text(strip=True) for a in links}


def test_every_page_offers_every_language_and_the_copies_are_no_alternates(
    client, org_tree, article
):
    url = "/news/" + article.slug + "/"
    html = client.get(url, HTTP_HOST="da-s1-b1.localhost").content.decode()
    links = {label: href for href, label in switcher_links(html).items()}
    assert links == {"简体": url, "繁體": "/zh-hant" + url, "English": "/en" + url}
    for href in ("/zh-hant" + url, "/en" + url):
        response = client.get(href, HTTP_HOST="da-s1-b1.localhost")
        assert response.status_code == 200
        # From the copy, the other languages are offered too.
        assert set(switcher_links(response.content.decode()).values()) == set(links)
    # The copies are no alternates (their canonical is the source), so a page without
    # translations has no hreflang links.
    assert '<link rel="alternate"' not in html


def test_a_translated_organisation_lists_all_its_children(
    client, org_tree, admin_user, django_assert_num_queries
):
    translate(org_tree["home"], "zh-hant", admin_user)
    translate(org_tree["da"], "zh-hant", admin_user)
    translate(org_tree["da-s1"], "zh-hant", admin_user)

    def children(host):
        html = client.get("/zh-hant/", HTTP_HOST=host).content.decode()
        card = re.search(r'<ul class="child-list">.*?</ul>', html, re.S).group(0)
        return re.findall(
            r'<a class="child-list__link" href="([^"]+)"( lang="[^"]+")?>([^<]+)</a>', card
        )

    found = children("da.localhost")
    assert found == [
        ("http://da-s1.localhost/zh-hant/", "", "甲區一街道"),
        ("http://da-s2.localhost/", ' lang="zh-Hans"', "甲区二街道"),
    ] or [title for _url, _lang, title in found] == ["甲區一街道", "甲区二街道"]
    # The same number of queries whatever the number of children.
    with CaptureQueriesContext(connection) as two:
        client.get("/zh-hant/", HTTP_HOST="da.localhost")
    translate(org_tree["da-s2"], "zh-hant", admin_user)
    client.get("/zh-hant/", HTTP_HOST="da.localhost")  # the URL index learns the new site
    with CaptureQueriesContext(connection) as translated:
        client.get("/zh-hant/", HTTP_HOST="da.localhost")
    assert len(translated) == len(two)
    assert [title for _url, lang, title in children("da.localhost")] == ["甲區一街道", "甲區二街道"]


def test_the_directory_lists_translated_organisations_in_the_current_language(
    client, org_tree, admin_user
):
    translate(org_tree["home"], "zh-hant", admin_user)
    translate(org_tree["da"], "zh-hant", admin_user)
    html = client.get("/zh-hant/directory/", {"q": "da-s1"}, HTTP_HOST="localhost").text
    links = dict(
        (title, lang)
        for lang, title in re.findall(
            r'<a class="directory-list__link" href="[^"]+"(?: lang="([^"]+)")?>([^<]+)</a>', html
        )
    )
    assert links["甲区一街道"] == "zh-Hans"  # not translated: in its own language
    assert re.search(r"隸屬：<span>甲區</span>", html)  # its parent is translated
