"""Tree paths: the paths above a page, and the organisation each page belongs to."""

from wagtail.models import Page

from sites.models import OrganisationPage
from sites.tree import STEPLEN, ancestor_paths
from tests.sites.factories import column


def test_ancestor_paths_run_from_the_top_down():
    assert STEPLEN == Page.steplen
    path = "0001000200030004"
    assert ancestor_paths(path) == ["0001", "00010002", "000100020003"]
    assert ancestor_paths(path, inclusive=True) == [*ancestor_paths(path), path]
    assert ancestor_paths(path, inclusive=True, top=2) == ["00010002", "000100020003", path]
    assert ancestor_paths("0001") == []


def test_each_page_belongs_to_the_deepest_organisation_above_it(
    deep, django_assert_max_num_queries
):
    news = column(deep["da-s1-c1-b1"], "news")
    district_news = column(deep["da"], "news")
    pages = [news, district_news, deep["da-s1"], Page.objects.get(depth=1)]
    with django_assert_max_num_queries(1):
        found = OrganisationPage.nearest_above_each(pages, "title")
    assert found[news.pk].pk == deep["da-s1-c1-b1"].pk
    assert found[district_news.pk].pk == deep["da"].pk
    assert found[deep["da-s1"].pk].pk == deep["da"].pk  # above it, not itself
    assert found[pages[-1].pk] is None  # the tree root has nothing above it
