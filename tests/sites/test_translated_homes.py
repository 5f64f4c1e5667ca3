"""A translated organisation's home shows every card of its source, not only what is
translated below it: each item in the reader's language where it is translated, else in
its own (lang="zh-Hans", linked to its own page)."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from content.models import PinnedDirective
from tests.content.factories import ArticleFactory, DirectiveFactory, NoticeFactory, library
from tests.factories import ImageFactory
from tests.learning.factories import LessonFactory, learning_home
from tests.sites.factories import column

pytestmark = pytest.mark.django_db

NEWS = "/da/da-s1/da-s1-b1/news/"  # the branch's news column by path on the portal host


def cards(client, language="en", host="localhost"):
    """{card id: [(title, lang, href)]} of the home in `language`."""
    html = client.get(f"/{language}/" if language else "/", HTTP_HOST=host).content.decode()
    found = {}
    for section in BeautifulSoup(html, "html.parser").select("section.home-card"):
        links = section.select(".item-list__link, .headline-list__link, .child-list__link")
        found[section["id"]] = [
            (
                link.get_text(strip=True),
                link.get("lang") or (link.select_one("[lang]") or {}).get("lang"),
                link["href"],
            )
            for link in links
        ]
    return found


@pytest.fixture
def directive(org_tree):
    return DirectiveFactory(parent=library(org_tree["home"], "central"), title="中央的文件")


@pytest.fixture
def article(org_tree):
    return ArticleFactory(parent=column(org_tree["da-s1-b1"], "news"), title="支部的新闻")


def test_an_english_home_shows_the_untranslated_cards_in_chinese(
    client, org_tree, translate, directive, article
):
    translate(org_tree["home"], "en", 测试市="Test City")
    shown = cards(client)
    assert shown["card-directives"] == [
        ("中央的文件", "zh-Hans", f"/topics/central/{directive.slug}/")
    ]
    assert shown["card-news"] == [("支部的新闻", "zh-Hans", f"{NEWS}{article.slug}/")]
    # The organisation's name beside it is marked too.
    html = client.get("/en/", HTTP_HOST="localhost").content.decode()
    org = BeautifulSoup(html, "html.parser").select_one("#card-news .item-list__org")
    assert org.get_text() == "一街道第一支部" and org["lang"] == "zh-Hans"


def test_the_pins_of_the_source_show_with_their_notes_marked(
    client, org_tree, translate, directive
):
    home = org_tree["home"]
    PinnedDirective.objects.create(organisation=home, directive=directive, note="逐段学习")
    translate(org_tree["home"], "en", 测试市="Test City")
    html = client.get("/en/", HTTP_HOST="localhost").content.decode()
    pin = BeautifulSoup(html, "html.parser").select_one(".pinned-list__item")
    link = pin.select_one("a")
    assert (link.get_text(), link["lang"]) == ("中央的文件", "zh-Hans")
    note = pin.select_one(".pinned-list__note [lang]")
    assert (note.get_text(), note["lang"]) == ("逐段学习", "zh-Hans")


def test_an_english_home_shows_every_card_of_its_source(client, org_tree, translate):
    branch = org_tree["da-s1-b1"]
    ArticleFactory(parent=column(branch, "news"), headline=True, cover=ImageFactory())
    NoticeFactory(parent=column(org_tree["da"], "notices"), title="区里的通知")
    LessonFactory(parent=learning_home(org_tree["home"]), title="一堂微课")
    DirectiveFactory(parent=library(org_tree["home"], "central"))
    translate(org_tree["home"], "en", 测试市="Test City")
    shown = cards(client)
    assert set(shown) == {
        "card-headlines",
        "card-directives",
        "card-news",
        "card-notices",
        "card-learning",
        "card-children",
    }
    assert ("区里的通知", "zh-Hans") in [item[:2] for item in shown["card-notices"]]
    assert ("一堂微课", "zh-Hans") in [item[:2] for item in shown["card-learning"]]
    html = client.get("/en/", HTTP_HOST="localhost").content.decode()
    assert "<img" in str(BeautifulSoup(html, "html.parser").select_one("#card-headlines"))


def test_a_translated_item_shows_in_english(client, org_tree, translate, directive, article):
    translate(org_tree["home"], "en", 测试市="Test City")
    for code in ("da", "da-s1", "da-s1-b1"):
        translate(org_tree[code], "en", 一街道第一支部="Branch One")
    translate(column(org_tree["da-s1-b1"], "news"), "en")
    english = translate(article, "en", 支部的新闻="Branch news")
    shown = cards(client)
    assert shown["card-news"] == [("Branch news", None, f"/en{NEWS}{english.slug}/")]
    html = client.get("/en/", HTTP_HOST="localhost").content.decode()
    org = BeautifulSoup(html, "html.parser").select_one("#card-news .item-list__org")
    assert org.get_text() == "Branch One" and not org.get("lang")
    # The directive is not translated: still in Chinese.
    assert shown["card-directives"][0][:2] == ("中央的文件", "zh-Hans")


def test_a_zh_hant_home_marks_its_untranslated_items(client, org_tree, translate, article):
    translate(org_tree["home"], "zh-hant")
    shown = cards(client, "zh-hant")
    assert shown["card-news"] == [("支部的新闻", "zh-Hans", f"{NEWS}{article.slug}/")]


def test_the_default_language_home_marks_nothing(client, org_tree, translate, article):
    translate(org_tree["home"], "en", 测试市="Test City")
    shown = cards(client, "")
    assert shown["card-news"] == [("支部的新闻", None, f"{NEWS}{article.slug}/")]
    assert all(lang is None for items in shown.values() for _title, lang, _href in items)


def test_the_translated_home_costs_the_same_whatever_its_items(client, org_tree, translate):
    branch = org_tree["da-s1-b1"]
    news = column(branch, "news")

    def add(n):
        DirectiveFactory(parent=library(org_tree["home"], "central"), title=f"文件{n}")
        return ArticleFactory(parent=news, title=f"新闻{n}", headline=True, cover=ImageFactory())

    for page in (org_tree["home"], org_tree["da"], org_tree["da-s1"], branch, news):
        translate(page, "en")
    translate(add(0), "en", 新闻0="News 0")  # one translated, with its cover
    add(1)
    client.get("/en/", HTTP_HOST="localhost")  # once per process: locales, site index
    with CaptureQueriesContext(connection) as two:
        client.get("/en/", HTTP_HOST="localhost")
    for n in range(2, 6):
        add(n)
    client.get("/en/", HTTP_HOST="localhost")  # the new covers' renditions are made once
    with CaptureQueriesContext(connection) as six:
        client.get("/en/", HTTP_HOST="localhost")
    shown = cards(client)
    assert len(shown["card-news"]) == 6 and len(shown["card-directives"]) == 6
    assert ("News 0", None) in [item[:2] for item in shown["card-news"]]
    assert len(six) == len(two)


def test_a_branch_home_shows_its_columns_under_their_translated_titles(
    client, org_tree, translate, article
):
    branch = org_tree["da-s1-b1"]
    for page in (org_tree["home"], org_tree["da"], org_tree["da-s1"], branch):
        translate(page, "en")
    news = column(branch, "news")
    english = translate(news, "en", **{news.title: "Our news"})
    html = client.get("/en/", HTTP_HOST="da-s1-b1.localhost").content.decode()
    card = BeautifulSoup(html, "html.parser").select_one(f"#card-column-{english.pk}")
    title = card.select_one(".card__title a")
    assert title.get_text() == "Our news" and title["href"] == "/en/news/"
    link = card.select_one(".item-list__link")
    assert (link.get_text(), link["lang"]) == ("支部的新闻", "zh-Hans")
    assert link["href"] == f"/news/{article.slug}/"
    # The navigation is the translated branch's own columns.
    nav = BeautifulSoup(html, "html.parser").select(".site-nav a, nav a")
    assert ("Our news", "/en/news/") in [(a.get_text(), a["href"]) for a in nav]
