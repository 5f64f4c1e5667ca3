"""Slugs from Chinese titles (base/slugs.py): full pinyin while short, the initials of a
long title, at most 40 characters with the uniqueness suffix; the page form and 快速发布
use the same rule."""

import pytest
from django.urls import reverse

from base.slugs import MAX_LENGTH, short_slug, slug_for_title
from content.models import ArticlePage
from tests.content.factories import ArticleFactory, article_form
from tests.factories import UserFactory
from tests.sites.factories import column

LONG = "关于认真学习贯彻党的二十届三中全会精神进一步加强基层党组织建设推动高质量发展的实施意见"


@pytest.mark.parametrize(
    "title, slug",
    [
        ("学习贯彻", "xue-xi-guan-che"),
        ("西岗街道", "xi-gang-jie-dao"),
        ("社区开展主题党日活动", "sqkzztdrhd"),  # 39 characters of pinyin: too long
        ("2024年第一季度支部党员大会会议记录", "2024-ndyjdzbdydhhyjl"),
        ("学习 ABC", "xue-xi-abc"),
        ("！！！", ""),
    ],
)
def test_full_pinyin_when_short_initials_when_long(title, slug):
    assert short_slug(title) == slug


def test_a_very_long_title_is_cut_at_40():
    slug = short_slug(LONG)
    assert len(slug) == MAX_LENGTH and slug.startswith("gyrzxxgcdd")


def test_the_suffix_keeps_the_slug_within_40(db, org_tree):
    news = column(org_tree["da-s1-b1"], "news")
    first = slug_for_title(LONG, news)
    ArticleFactory(parent=news, slug=first)
    second = slug_for_title(LONG, news)
    assert second == first[: MAX_LENGTH - 2] + "-2" and len(second) == MAX_LENGTH
    assert slug_for_title("！！！", news, fallback="20260101") == "20260101"


def test_the_page_form_fills_an_empty_slug_by_the_rule(client, org_tree):
    branch = org_tree["da-s1-b1"]
    news = column(branch, "news")
    client.force_login(UserFactory(username="slug-editor", groups=["da-s1-b1:editors"]))
    url = reverse("wagtailadmin_pages:add", args=["content", "articlepage", news.pk])
    form = client.get(url).content.decode()
    assert "长标题取拼音首字母" in form  # the slug field's help says the rule
    data = article_form("社区开展主题党日活动", "<p>正文</p>")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = ArticlePage.objects.child_of(news).get(title="社区开展主题党日活动")
    assert page.slug == "sqkzztdrhd"
