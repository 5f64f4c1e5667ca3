"""The fast site index gives exactly Wagtail's answers, and follows Site changes."""

from wagtail.models import Page, Site

from sites.site_index import get_site_index
from tests.sites.factories import OrganisationFactory


def test_relevant_root_paths_match_wagtail_for_every_page(org_tree, wagtail_relevant):
    Site.clear_site_root_paths_cache()
    pages = list(Page.objects.all())
    assert len(pages) > 50
    index = get_site_index()
    for page in pages:
        assert index.relevant(page.url_path) == wagtail_relevant(page), page.url_path
    assert index.num_sites == Site.objects.count() == 6


def test_urls_are_relative_on_the_current_site_and_absolute_elsewhere(org_tree, rf):
    branch = org_tree["da-s1-b1"]
    street = org_tree["da-s1"]
    on_portal = rf.get("/", HTTP_HOST="localhost")
    assert branch.get_url(request=on_portal) == "/da/da-s1/da-s1-b1/"
    on_street = rf.get("/", HTTP_HOST="da-s1.localhost")
    assert branch.get_url(request=on_street) == "/da-s1-b1/"
    on_sibling = rf.get("/", HTTP_HOST="da-s2.localhost")
    assert street.get_url(request=on_sibling) == "http://da-s1.localhost/"
    # Without a request: the most specific site, as Wagtail does.
    assert branch.url == "http://da-s1-b1.localhost/"


def test_index_follows_new_and_changed_sites(org_tree):
    assert "new.example.org" not in get_site_index().hostnames
    site = Site.objects.get(root_page=org_tree["da"])
    site.hostname = "new.example.org"
    site.save()
    index = get_site_index()
    assert "new.example.org" in index.hostnames and "da.localhost" not in index.hostnames
    assert org_tree["da-s1"].url == "http://da-s1.localhost/"
    assert org_tree["da"].specific.url == "http://new.example.org/"


def test_moved_organisation_refreshes_root_paths(org_tree, rf, index_matches_wagtail):
    OrganisationFactory(code="db", name="乙区", kind="district")
    get_site_index()
    street = Page.objects.get(pk=org_tree["da-s1"].pk)
    street.move(Page.objects.get(url_path="/testcity/db/"), pos="last-child")
    branch = Page.objects.get(pk=org_tree["da-s1-b1"].pk)
    request = rf.get("/", HTTP_HOST="localhost")
    assert branch.get_url(request=request) == "/db/da-s1/da-s1-b1/"
    assert index_matches_wagtail()


def test_slug_always_follows_the_code(org_tree):
    district = org_tree["da"]
    district.slug = "something-else"
    district.save_revision().publish()
    assert Page.objects.get(pk=district.pk).slug == "da"
