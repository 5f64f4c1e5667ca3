"""What organisation and column pages show: small querysets, no per-site loops."""

from django.core.paginator import Paginator
from wagtail.models import Page

from .kinds import kind_label

LATEST_PER_COLUMN = 5
COLUMN_PAGE_SIZE = 20


def latest_in(column, limit=LATEST_PER_COLUMN):
    """Newest live non-column pages anywhere under a column (one query)."""
    from content.models import ArticlePage

    return (
        ArticlePage.objects.live()
        .public()
        .descendant_of(column)
        .order_by("-date", "-pk")
        .only("id", "title", "date", "url_path", "path", "depth", "slug", "summary")[:limit]
    )


def organisation_home_context(org):
    columns = list(org.top_columns().specific())
    return {
        "kind_label": kind_label(org.kind),
        "leaders": list(org.leaders.select_related("photo").all()),
        "columns": [{"page": column, "latest": list(latest_in(column))} for column in columns],
        "child_organisations": list(
            org.child_organisations().only("id", "title", "url_path", "path", "depth", "slug")
        ),
    }


def column_context(column, request):
    subcolumns = list(Page.objects.child_of(column).live().type(column.__class__).order_by("path"))
    items = latest_in(column, limit=None)
    paginator = Paginator(items, COLUMN_PAGE_SIZE)
    page_number = request.GET.get("page") if request is not None else 1
    return {
        "subcolumns": subcolumns,
        "items": paginator.get_page(page_number),
        "organisation": column.organisation(),
    }
