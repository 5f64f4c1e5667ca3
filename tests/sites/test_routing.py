"""Organisation sites by hostname and by path; unknown hosts and paths; organisation homes
and columns; directory; a11y."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sites.models import OrganisationLeader
from tests.content.factories import ArticleFactory
from tests.sites.factories import OrganisationFactory, column


def test_every_site_by_hostname_and_by_path(org_tree, client):
    for code in ["da", "da-s1", "da-s2", "da-s1-b1", "da-s2-b1"]:
        org = org_tree[code]
        by_host = client.get("/", HTTP_HOST=f"{code}.localhost")
        assert by_host.status_code == 200, code
        assert org.title in by_host.content.decode()
        path = "/" + org.url_path[len(org_tree["home"].url_path) :]
        by_path = client.get(path, HTTP_HOST="localhost")
        assert by_path.status_code == 200, path
        assert org.title in by_path.content.decode()
    portal = client.get("/", HTTP_HOST="localhost")
    assert portal.status_code == 200 and "测试市" in portal.content.decode()


def test_hostname_with_dev_port_is_routed(org_tree, client):
    response = client.get("/", HTTP_HOST="da-s1.localhost:8000")
    assert response.status_code == 200
    assert "甲区一街道" in response.content.decode()


@pytest.mark.parametrize("host", ["nosuch.localhost", "evil.example.com", "da-s1.localhost.evil"])
def test_unknown_hostnames_get_the_chinese_404_never_500(org_tree, client, host):
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 404
    text = response.content.decode()
    assert "未找到站点" in text and host in text
    assert 'lang="zh-Hans"' in text
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_unknown_path_gets_the_chinese_404(org_tree, client):
    response = client.get("/da/no-such-page/", HTTP_HOST="localhost")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_organisation_home_shows_leaders_counts_columns_children_and_latest(org_tree, client):
    street = org_tree["da-s1"]
    street.member_count = 1234
    street.save()
    OrganisationLeader.objects.create(organisation=street, name="王建国", role="党工委书记")
    ArticleFactory(parent=column(street, "news"), title="街道召开党建工作会议")
    text = client.get("/", HTTP_HOST="da-s1.localhost").content.decode()
    for expected in [
        "1234",
        "王建国",
        "党工委书记",
        "工作动态",
        "街道召开党建工作会议",
        "一街道第一支部",
        "通知公告",
    ]:
        assert expected in text, expected
    assert "二街道第一支部" not in text  # a sibling's branch is not a child


def test_column_page_lists_items_of_subcolumns_paginated(org_tree, client):
    branch = org_tree["da-s1-b1"]
    lxyz = column(branch, "news").get_children().get(slug="lxyz")
    plan = lxyz.get_children().get(slug="plan")
    for n in range(25):
        ArticleFactory(parent=plan, title=f"学习方案第{n}号")
    first = client.get("/news/lxyz/", HTTP_HOST="da-s1-b1.localhost")
    assert first.status_code == 200
    text = first.content.decode()
    assert "学习计划" in text  # subcolumn links
    assert text.count("学习方案第") == 20
    second = client.get("/news/lxyz/?page=2", HTTP_HOST="da-s1-b1.localhost")
    assert second.content.decode().count("学习方案第") == 5
    article = client.get(
        "/news/lxyz/plan/article-0/".replace("article-0", plan.get_children().first().slug),
        HTTP_HOST="da-s1-b1.localhost",
    )
    assert article.status_code == 200


def count_queries(client, host, path="/"):
    client.get(path, HTTP_HOST=host)  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path, HTTP_HOST=host).status_code == 200
    return len(ctx.captured_queries)


def test_org_home_query_count_does_not_grow_with_sites_or_articles(
    org_tree, client, django_assert_max_num_queries
):
    # 21: the column navigation loads one query per column type (columns, directive
    # libraries, 学习园地); the point is that it stays flat as sites and articles grow.
    # +4 for languages: the active locale (Wagtail's routing), the page's translations
    # (switcher, hreflang), and once per process the locale ids and root translations.
    # +15 for the cards over the subtree (头条, 工作动态, 通知公告, 上级精神 · 本级文件,
    # 学习园地 with live events, 下级组织 with their last update; each public() asks for
    # the view restrictions once).
    with django_assert_max_num_queries(40):
        client.get("/", HTTP_HOST="da-s1.localhost")
    # One item first, so the baseline already fetches the specific article rows.
    ArticleFactory(parent=column(org_tree["da-s1"], "news"), title="第一篇")
    before = count_queries(client, "da-s1.localhost")
    OrganisationFactory.create_batch(30, parent=org_tree["da-s1"], kind="branch")
    for slug in ["news", "notices", "disclosure", "profile"]:
        for n in range(8):
            ArticleFactory(parent=column(org_tree["da-s1"], slug), title=f"{slug}{n}")
    assert count_queries(client, "da-s1.localhost") == before


def test_directory_search_by_name_code_and_kind(org_tree, client):
    by_name = client.get("/directory/", {"q": "第一支部"}, HTTP_HOST="localhost").content.decode()
    assert (
        "一街道第一支部" in by_name
        and "二街道第一支部" in by_name
        and ">甲区一街道</a>" not in by_name
    )
    by_code = client.get("/directory/", {"q": "DA-S2"}, HTTP_HOST="localhost").content.decode()
    assert "甲区二街道" in by_code and "一街道第一支部" not in by_code
    by_kind = client.get(
        "/directory/", {"kind": "district"}, HTTP_HOST="localhost"
    ).content.decode()
    assert "甲区" in by_kind and "一街道第一支部" not in by_kind
    long = client.get("/directory/", {"q": "x" * 500, "page": "zz"}, HTTP_HOST="localhost")
    assert long.status_code == 200


def test_large_font_mode_and_security_headers(org_tree, client):
    response = client.get("/a11y/font/", {"size": "large", "next": "/da/"}, HTTP_HOST="localhost")
    assert response.status_code == 302 and response["Location"] == "/da/"
    page = client.get("/da/", HTTP_HOST="localhost")
    assert 'class="large-font' in page.content.decode() or "large-font" in page.content.decode()
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    evil = client.get(
        "/a11y/font/", {"size": "large", "next": "https://evil.example/"}, HTTP_HOST="localhost"
    )
    assert evil["Location"] == "/"
    client.get("/a11y/font/", {"size": "normal"}, HTTP_HOST="localhost")
    assert (
        "large-font"
        not in client.get("/da/", HTTP_HOST="localhost").content.decode().split("<body")[0]
    )


def test_chinese_first_except_for_the_first_request_of_an_english_browser(org_tree, client):
    missing = client.get("/nope/", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="zh-CN,en")
    assert "页面不存在" in missing.content.decode()
    # An English browser's first request goes to the English prefix (portal.language_choice);
    # the admin is never redirected and speaks Chinese until the user picks a language.
    missing = client.get("/nope/", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert missing.status_code == 302 and missing["Location"] == "/en/nope/"
    login = client.get("/admin/login/", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert login.status_code == 200 and "登录" in login.content.decode()
