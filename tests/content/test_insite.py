"""Cascaded pages open inside the site of the organisation showing them (sites.insite):
the branch's host and path, its chrome and breadcrumbs, canonical to the stored page."""

import re

import pytest
from wagtail.models import PageViewRestriction

from tests.content.factories import DirectiveFactory, library, own_column
from tests.learning.factories import LessonFactory, learning_home
from tests.livestream.factories import LiveEventFactory
from tests.sites.factories import column

BRANCH = "da-s1-c1-b1.localhost"
BRANCH_PATH = "/da/da-s1/da-s1-c1/da-s1-c1-b1"


def get(client, path, host=BRANCH):
    return client.get(path, HTTP_HOST=host)


def crumbs(html):
    nav = re.search(r'<nav aria-label="面包屑".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]*)">([^<]*)</a>', nav)


def test_a_central_directive_opens_on_the_branch_host_in_its_chrome(deep, directives, client):
    directive = directives["central"]
    response = get(client, f"/topics/central/{directive.slug}/")
    html = response.content.decode()
    assert response.status_code == 200 and "central文件" in html
    assert f'<link rel="canonical" href="http://localhost/topics/central/{directive.slug}/">' in (
        html
    )
    brand = re.search(r'class="site-brand__link" href="([^"]*)">([^<]*)<', html)
    assert brand.groups() == ("/", deep["da-s1-c1-b1"].title)
    assert 'href="/news/"' in html  # the branch's own navigation
    assert '<a href="/topics/" aria-current="true">专栏专题</a>' in html
    assert crumbs(html) == [
        ("/", "首页"),
        ("/topics/", "专栏专题"),
        ("/topics/central/", "中央精神"),
    ]


def test_the_same_directive_by_path_on_the_portal_host(deep, directives, client):
    directive = directives["city"]
    url = f"{BRANCH_PATH}/topics/city/{directive.slug}/"
    html = get(client, url, host="localhost").content.decode()
    assert "city文件" in html
    assert [title for _url, title in crumbs(html)] == [
        "首页",
        deep["da"].title,
        deep["da-s1"].title,
        deep["da-s1-c1"].title,
        deep["da-s1-c1-b1"].title,
        "专栏专题",
        "市委精神",
    ]


def test_an_upper_organisations_own_file_names_where_it_is_kept(deep, directives, client):
    directive = directives["da-s1"]
    html = get(client, f"/directives/{directive.slug}/").content.decode()
    assert "da-s1文件" in html
    assert 'rel="canonical" href="http://da-s1.localhost/directives/' in html
    # The branch's own 本级文件 column is not where it is kept: the crumb says whose it is.
    assert crumbs(html)[-1] == ("http://da-s1.localhost/directives/", "甲区一街道 · 本级文件")


@pytest.mark.parametrize(
    "path",
    [
        "/topics/central/no-such-directive/",
        "/da-s1-c2/directives/{sibling}/",  # a sibling community's, through the parent
        "/directives/{sibling}/",  # not above the branch
        "/news/{article}/",  # an upper organisation's article does not cascade
    ],
)
def test_what_is_not_cascaded_here_is_404(deep, directives, client, path):
    from tests.content.factories import ArticleFactory

    article = ArticleFactory(parent=column(deep["da"], "news"), title="区里的文章")
    path = path.format(sibling=directives["da-s1-c2"].slug, article=article.slug)
    assert get(client, path).status_code == 404
    assert get(client, BRANCH_PATH + path, host="localhost").status_code == 404


def test_drafts_and_private_pages_do_not_cascade(deep, client):
    private = DirectiveFactory(parent=library(deep["home"], "central"), title="内部")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    draft = DirectiveFactory(parent=library(deep["home"], "central"), title="草稿")
    draft.unpublish()
    for page in (private, draft):
        assert get(client, f"/topics/central/{page.slug}/").status_code == 404


def test_lessons_and_live_events_from_the_city_open_on_the_branch(deep, client):
    lesson = LessonFactory(parent=learning_home(deep["home"]), title="市里的微课")
    event = LiveEventFactory(parent=learning_home(deep["home"]), title="市里的直播")
    for page, title in ((lesson, "市里的微课"), (event, "市里的直播")):
        response = get(client, f"/learning/{page.slug}/")
        html = response.content.decode()
        assert response.status_code == 200 and title in html
        assert f'rel="canonical" href="http://localhost/learning/{page.slug}/"' in html
        assert crumbs(html) == [("/", "首页"), ("/learning/", "学习园地")]
    # The live event still names its organiser, the city, not the branch showing it.
    assert "· 测试市" in get(client, f"/learning/{event.slug}/").content.decode()


def test_branch_lists_link_inside_the_branch(deep, directives, client):
    superiors = get(client, "/topics/superiors/").content.decode()
    assert f'href="/topics/central/{directives["central"].slug}/"' in superiors
    assert f'href="/directives/{directives["da"].slug}/"' in superiors
    home = get(client, "/").content.decode()
    directive_links = re.findall(r'href="([^"]*(?:topics|directives)/[^"]+/)"', home)
    assert directive_links and all(link.startswith("/") for link in directive_links)


# The branch's own URL as the APIs give it: its host, or its path on the portal host.
IN_BRANCH = r"http://(?:da-s1-c1-b1\.localhost|localhost/da/da-s1/da-s1-c1/da-s1-c1-b1)"


def test_search_and_api_urls_point_inside_the_site(deep, directives, client):
    from search.index import rebuild

    rebuild()
    directive = directives["central"]
    page = client.get("/search/", {"q": "central文件"}, HTTP_HOST=BRANCH)
    assert f'href="/topics/central/{directive.slug}/"' in page.content.decode()
    found = client.get(
        "/api/v2/search/", {"q": "central文件", "org": "da-s1-c1-b1"}, HTTP_HOST="localhost"
    ).json()
    (url,) = {hit["url"] for hit in found["results"]}
    assert re.fullmatch(IN_BRANCH + f"/topics/central/{directive.slug}/", url)
    listed = client.get("/api/v2/directives/", {"org": "da-s1-c1-b1"}, HTTP_HOST="localhost")
    urls = {d["title"]: d["url"] for d in listed.json()["results"]}
    assert re.fullmatch(IN_BRANCH + f"/topics/central/{directive.slug}/", urls["central文件"])
    assert re.fullmatch(IN_BRANCH + f"/directives/{directives['da'].slug}/", urls["da文件"])
    city = client.get("/api/v2/directives/", HTTP_HOST="localhost").json()["results"]
    assert {d["url"] for d in city if d["title"] == "central文件"} == {
        f"http://localhost/topics/central/{directive.slug}/"
    }


def test_a_cascaded_page_costs_the_same_whatever_the_tree(
    deep, directives, client, django_assert_max_num_queries
):
    from tests.sites.factories import OrganisationFactory

    url = f"/topics/central/{directives['central'].slug}/"
    get(client, url)
    with django_assert_max_num_queries(60) as captured:
        get(client, url)
    before = len(captured.captured_queries)
    OrganisationFactory.create_batch(20, parent=deep["da-s1-c1"], kind="branch")
    for _ in range(5):
        DirectiveFactory(parent=library(deep["home"], "central"))
        DirectiveFactory(parent=own_column(deep["da"]))
    get(client, url)
    with django_assert_max_num_queries(before):
        assert get(client, url).status_code == 200
