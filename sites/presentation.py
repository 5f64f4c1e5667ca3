"""What organisation and column pages show: small querysets, no per-site loops."""

from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import F, Window
from django.db.models.functions import RowNumber, Substr
from wagtail.models import Page

from .kinds import kind_label
from .tree import children_q, descendants_q

LATEST_PER_COLUMN = 5
COLUMN_PAGE_SIZE = 20


def articles_in(where):
    """Live public articles matching a tree filter (see sites.tree)."""
    from content.models import ArticlePage

    return (
        ArticlePage.objects.live()
        .public()
        .filter(where)
        .only("id", "title", "date", "url_path", "path", "depth", "slug", "summary")
    )


def latest_in(column):
    """Newest live articles anywhere under a column, newest first (for pagination)."""
    return articles_in(descendants_q(column)).order_by("-date", "-pk")


def latest_per_column(org, columns, limit=LATEST_PER_COLUMN):
    """{column path: newest `limit` articles under it}, for all columns in one query.

    A window function numbers the articles within each top-level column (the first
    steps of the tree path), so the home page costs the same whatever the column count.
    """
    if not columns:
        return {}
    column_prefix = Substr("path", 1, (org.depth + 1) * org.steplen)
    in_columns = reduce(or_, (descendants_q(column) for column in columns))
    ranked = articles_in(in_columns).annotate(
        column_path=column_prefix,
        rank=Window(
            RowNumber(),
            partition_by=[column_prefix],
            order_by=[F("date").desc(), F("pk").desc()],
        ),
    )
    grouped = {column.path: [] for column in columns}
    for article in ranked.filter(rank__lte=limit).order_by("column_path", "rank"):
        if article.column_path in grouped:
            grouped[article.column_path].append(article)
    return grouped


def organisation_home_context(org):
    from content.presentation import organisation_directives_context

    columns = list(org.top_columns().specific())
    latest = latest_per_column(org, columns)
    directive_context = organisation_directives_context(org, columns)
    latest.update(directive_context.pop("latest_by_column"))
    hubs = directive_context.pop("directive_hubs")
    columns = [column for column in columns if column.path not in hubs]
    return {
        **directive_context,
        "kind_label": kind_label(org.kind),
        "leaders": list(org.leaders.select_related("photo").all()),
        "columns": [{"page": column, "latest": latest[column.path]} for column in columns],
        "child_organisations": list(
            org.child_organisations().only("id", "title", "url_path", "path", "depth", "slug")
        ),
    }


def column_context(column, request):
    subcolumns = list(
        Page.objects.filter(children_q(column)).live().type(column.__class__).order_by("path")
    )
    items = latest_in(column)
    paginator = Paginator(items, COLUMN_PAGE_SIZE)
    page_number = request.GET.get("page") if request is not None else 1
    return {
        "subcolumns": subcolumns,
        "items": paginator.get_page(page_number),
        "organisation": column.organisation(),
    }
