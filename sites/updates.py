"""最近更新 of organisations: when an item below each one was last published (the page
types columns list, sites.presentation.register_column_item).

Stored on OrganisationPage.content_updated_at rather than computed per request: at
5,273 sites the grouped query over the city's whole subtree walked ~117,000 pages for
every render of the city home. A published item moves the date of every organisation
above it in one UPDATE (sites.signals); `refresh_content_updated_at` recomputes all of
them from the tree (the data migration, the demo, after bulk imports that bypass
publishing)."""

from wagtail.models import Page

from .models import OrganisationPage
from .presentation import column_item_q
from .tree import ancestor_paths


def page_published_below(page, when):
    """`page` (a column item) was published at `when`: every organisation above it
    has been updated then (one query, whatever the depth)."""
    OrganisationPage.objects.filter(path__in=ancestor_paths(page.path)).update(
        content_updated_at=when
    )


def refresh_content_updated_at():
    """Recompute every organisation's content_updated_at from the live column items below
    it: one read of (path, last publish) per item, one UPDATE per organisation whose
    date changes. Returns how many changed."""
    org_paths = dict(OrganisationPage.objects.values_list("path", "content_updated_at"))
    latest = {}
    pages = (
        Page.objects.live()
        .filter(column_item_q(), last_published_at__isnull=False)
        .values_list("path", "last_published_at")
    )
    for path, published in pages.iterator():
        for prefix in ancestor_paths(path):
            if prefix in org_paths and (prefix not in latest or latest[prefix] < published):
                latest[prefix] = published
    changed = 0
    for path, current in org_paths.items():
        value = latest.get(path)
        if value != current:
            OrganisationPage.objects.filter(path=path).update(content_updated_at=value)
            changed += 1
    return changed
