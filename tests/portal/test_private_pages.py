"""The public Wagtail pages API and the search API never list a page under a view
restriction, whether the restriction is the page's own or an ancestor's, a password or a
login, added before the page was published or after."""

import pytest
from wagtail.models import PageViewRestriction

from tests.kitchen.factories import draft_article, publish, published_article, restrict
from tests.sites.factories import column

TITLES = ["先公开后加密码的文章", "密码栏目里的文章", "登录可见的文章", "公开的文章"]


@pytest.fixture
def pages(deep, django_capture_on_commit_callbacks):
    news, notices = column(deep["da"], "news"), column(deep["da"], "notices")
    with django_capture_on_commit_callbacks(execute=True):  # search re-checks on commit
        earlier = published_article(news, TITLES[0])
        restrict(notices, PageViewRestriction.PASSWORD)
        under_password = published_article(notices, TITLES[1])
        own_login = draft_article(news, TITLES[2])
        restrict(own_login, PageViewRestriction.LOGIN)
        publish(own_login)
        public = published_article(news, TITLES[3])
        restrict(earlier, PageViewRestriction.PASSWORD)
    return {"hidden": [earlier, under_password, own_login], "public": public}


def listed(api_get, url, **params):
    response = api_get(url, **params)
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["items" if "pages" in url else "results"]}


def test_pages_api_lists_no_restricted_page(api_get, pages):
    for params in [{}, {"site": "da"}, {"type": "content.ArticlePage"}]:
        params["limit"] = "100"
        titles = listed(api_get, "/api/v2/pages/", **params)
        assert not titles & set(TITLES[:3])
    assert TITLES[3] in listed(api_get, "/api/v2/pages/", site="da", limit="100")
    for page in pages["hidden"]:
        assert api_get(f"/api/v2/pages/{page.pk}/").status_code == 404
    assert api_get(f"/api/v2/pages/{pages['public'].pk}/").status_code == 200


def test_search_api_finds_no_restricted_page(api_get, pages):
    assert listed(api_get, "/api/v2/search/", q="文章") & set(TITLES) == {TITLES[3]}
    for title in TITLES[:3]:
        assert title not in listed(api_get, "/api/v2/search/", q=title)
