"""robots.txt and sitemap.xml per site (sites/sitemaps.py): each host lists its own pages
only (not those of the sites nested in it), with lastmod from the last publish, never a
draft or a view-restricted page; a big site gets a sitemap index of keyset pages, and
every sitemap costs the same queries however big the tree."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Page, PageViewRestriction

from tests.content.factories import ArticleFactory
from tests.sites.factories import OrganisationFactory, column

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def fetch(client, host, path="/sitemap.xml"):
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, (host, path, response.status_code)
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def locs(tree):
    return [loc.text for loc in tree.iterfind(".//sm:loc", NS)]


def urls_of(client, host):
    """Every page URL the host's sitemap lists, following a sitemap index."""
    tree = fetch(client, host)
    if tree.tag.endswith("sitemapindex"):
        found = []
        for url in locs(tree):
            found += locs(fetch(client, host, url.split(host, 1)[1]))
        return found
    return locs(tree)


def test_robots_txt_names_the_hosts_own_sitemap(org_tree, client):
    for host in ["localhost", "da-s1-b1.localhost"]:
        response = client.get("/robots.txt", HTTP_HOST=host)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
        text = response.content.decode()
        assert "User-agent: *" in text and "Disallow: /admin/" in text
        assert f"Sitemap: http://{host}/sitemap.xml" in text
    assert client.get("/robots.txt", HTTP_HOST="nosuch.localhost").status_code == 404


def test_each_site_lists_its_own_pages_on_its_own_host(org_tree, client):
    branch, street = org_tree["da-s1-b1"], org_tree["da-s1"]
    ArticleFactory(parent=column(branch, "news"), slug="branch-news")
    ArticleFactory(parent=column(street, "news"), slug="street-news")
    branch_urls = urls_of(client, "da-s1-b1.localhost")
    street_urls = urls_of(client, "da-s1.localhost")
    assert "http://da-s1-b1.localhost/" in branch_urls
    assert "http://da-s1-b1.localhost/news/branch-news/" in branch_urls
    assert all(url.startswith("http://da-s1-b1.localhost/") for url in branch_urls)
    assert "http://da-s1.localhost/news/street-news/" in street_urls
    assert all(url.startswith("http://da-s1.localhost/") for url in street_urls)
    # The branch's pages are the branch site's, not the street's or the city's.
    city_urls = urls_of(client, "localhost")
    assert not any("branch-news" in url for url in street_urls + city_urls)
    # Every own live page is listed: the columns the skeleton gave it, and its article.
    own = Page.objects.descendant_of(branch, inclusive=True).live().count()
    assert len(branch_urls) == own == len(set(branch_urls))


def test_drafts_and_private_pages_are_left_out_and_lastmod_is_the_last_publish(org_tree, client):
    news = column(org_tree["da-s1-b1"], "news")
    live = ArticleFactory(parent=news, slug="live")
    ArticleFactory(parent=news, slug="draft", live=False)
    private = ArticleFactory(parent=news, slug="members-only")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    tree = fetch(client, "da-s1-b1.localhost")
    urls = locs(tree)
    assert "http://da-s1-b1.localhost/news/live/" in urls
    assert not any("draft" in url or "members-only" in url for url in urls)
    live.save_revision().publish()
    live.refresh_from_db()
    tree = fetch(client, "da-s1-b1.localhost")
    for entry in tree.iterfind("sm:url", NS):
        if entry.findtext("sm:loc", namespaces=NS).endswith("/news/live/"):
            lastmod = entry.findtext("sm:lastmod", namespaces=NS)
    assert datetime.datetime.fromisoformat(lastmod) == live.last_published_at


def test_a_big_site_gets_an_index_of_keyset_pages_that_cover_it_once(org_tree, client, settings):
    settings.PORTAL_SITEMAP_PAGE_SIZE = 7
    news = column(org_tree["da-s1-b1"], "news")
    for n in range(10):
        ArticleFactory(parent=news, slug=f"a{n}")
    index = fetch(client, "da-s1-b1.localhost")
    assert index.tag.endswith("sitemapindex")
    parts = locs(index)
    own = Page.objects.descendant_of(org_tree["da-s1-b1"], inclusive=True).live().count()
    assert len(parts) == -(-own // 7) and len(parts) >= 2
    assert all(
        re.fullmatch(r"http://da-s1-b1\.localhost/sitemap\.xml\?from=[0-9A-Z]+", u) for u in parts
    )
    listed = []
    for url in parts:
        chunk = locs(fetch(client, "da-s1-b1.localhost", url.split("localhost", 1)[1]))
        assert 0 < len(chunk) <= 7
        listed += chunk
    assert len(listed) == own == len(set(listed))


@pytest.mark.parametrize(
    "query", ["?from=zzz", "?from=0001'--", "?from=" + "9" * 300, "?from=00019999999999"]
)
def test_a_bad_or_foreign_sitemap_start_is_a_404(org_tree, client, query):
    response = client.get(f"/sitemap.xml{query}", HTTP_HOST="da-s1-b1.localhost")
    assert response.status_code == 404


def test_a_start_outside_the_site_is_refused(org_tree, client):
    other = org_tree["da-s2-b1"].path
    response = client.get(f"/sitemap.xml?from={other}", HTTP_HOST="da-s1-b1.localhost")
    assert response.status_code == 404


def test_sitemap_queries_do_not_grow_with_the_tree(
    org_tree, client, settings, django_assert_max_num_queries
):
    """A sitemap page and the index cost the same on a small tree and on one with many
    more sites and pages below the city."""
    settings.PORTAL_SITEMAP_PAGE_SIZE = 5
    city_news = column(org_tree["home"], "news")

    def measure():
        counts = []
        for path in ["/sitemap.xml", None]:
            if path is None:  # the second page of the index
                index = fetch(client, "localhost")
                path = locs(index)[1].split("localhost", 1)[1]
            client.get(path, HTTP_HOST="localhost")  # the site index, built once
            with django_assert_max_num_queries(12) as queries:
                fetch(client, "localhost", path)
            counts.append(len(queries))
        return counts

    for n in range(3):
        ArticleFactory(parent=city_news, slug=f"c{n}")
    small = measure()
    OrganisationFactory.create_batch(4, kind="district")
    for n in range(3, 30):
        ArticleFactory(parent=city_news, slug=f"c{n}")
    big = measure()
    assert big == small, (small, big)
