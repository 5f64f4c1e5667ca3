"""Content pages: articles, directives, notices and disclosure items, filed where the
cascade and the columns find them."""

import factory
import wagtail_factories
from wagtail.test.utils.form_data import nested_form_data, rich_text

from content.models import (
    ArticlePage,
    DirectiveIndexPage,
    DirectivePage,
    DisclosurePage,
    NoticePage,
)

from ..sites.factories import column


def library(home, level):
    """The city's library for central, provincial or city directives."""
    return DirectiveIndexPage.objects.child_of(column(home, "topics")).get(level=level)


def article_form(title, body, still=None, **extra):
    """The POST of the admin's article form (add or edit) with `title` and `body` (HTML),
    for the web, app and screen channels (`still`: the screen image) or, without a
    still, the web alone; `extra` adds fields or the action (`action-submit` …)."""
    data = {
        "title": title,
        "slug": "",
        "date": "2026-11-23 09:00",
        "body": rich_text(body),
        "summary": "",
        "author": "",
        "source": "",
        "channel_web": "on",
        "app_title": "",
        "app_summary": "",
        "screen_title": "",
        "screen_duration": 15,
        "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0, "MIN_NUM_FORMS": 0},
    }
    if still is not None:
        data.update(channel_app="on", channel_screen="on", screen_image=still.pk)
    return nested_form_data({**data, **extra})


def own_column(org):
    """Where an organisation files its own directives (本级文件)."""
    return column(org, "directives").specific


class ArticleFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"文章{n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "摘要"
    body = "<p>正文</p>"


class DirectiveFactory(wagtail_factories.PageFactory):
    """A directive filed under a DirectiveIndexPage (`parent=`); level and issuing
    organisation follow from where it is filed."""

    class Meta:
        model = DirectivePage

    title = factory.Sequence(lambda n: f"文件{n}")
    slug = factory.Sequence(lambda n: f"directive-{n}")
    issuer = "中共测试委员会"
    doc_number = factory.Sequence(lambda n: f"测〔2026〕{n}号")
    summary = "摘要"


class NoticeFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NoticePage

    title = factory.Sequence(lambda n: f"通知{n}")
    slug = factory.Sequence(lambda n: f"notice-{n}")


class DisclosureFactory(wagtail_factories.PageFactory):
    class Meta:
        model = DisclosurePage

    title = factory.Sequence(lambda n: f"党务公开{n}")
    slug = factory.Sequence(lambda n: f"disclosure-{n}")
