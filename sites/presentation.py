"""What organisation and column pages show: small querysets, no per-site loops."""

from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import F, Q, Window
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.utils import timezone
from wagtail.models import Page

from .kinds import kind_label
from .tree import children_q, descendants_q

LATEST_PER_COLUMN = 5
COLUMN_PAGE_SIZE = 20


def items_in(where):
    """Live, public column items (articles, unexpired notices, disclosure items) matching
    a tree filter (see sites.tree), each with `item_date` for ordering."""
    # The item types are selected by their own table rows, not by content_type: with a
    # content_type filter SQLite walks every article in the city by that index instead
    # of the column's path range.
    is_item = (
        Q(articlepage__isnull=False) | Q(noticepage__isnull=False) | Q(disclosurepage__isnull=False)
    )
    return (
        Page.objects.live()
        .public()
        .filter(where, is_item)
        .exclude(noticepage__expires_at__lte=timezone.now())
        .annotate(
            item_date=Coalesce("articlepage__date", "noticepage__date", "disclosurepage__date")
        )
    )


def latest_in(column):
    """Newest items anywhere under a column, newest first (for pagination)."""
    return items_in(descendants_q(column)).order_by("-item_date", "-pk").specific()


def latest_per_column(org, columns, limit=LATEST_PER_COLUMN):
    """{column path: newest `limit` items under it}, for all columns in one query.

    A window function numbers the items within each top-level column (the first steps
    of the tree path), so the home page costs the same whatever the column count.
    """
    if not columns:
        return {}
    column_prefix = Substr("path", 1, (org.depth + 1) * org.steplen)
    in_columns = reduce(or_, (descendants_q(column) for column in columns))
    ranked = items_in(in_columns).annotate(
        column_path=column_prefix,
        rank=Window(
            RowNumber(),
            partition_by=[column_prefix],
            order_by=[F("item_date").desc(), F("pk").desc()],
        ),
    )
    grouped = {column.path: [] for column in columns}
    latest = ranked.filter(rank__lte=limit).order_by("column_path", "rank").specific()
    for item in latest:
        if item.path[: len(org.path) + org.steplen] in grouped:
            grouped[item.path[: len(org.path) + org.steplen]].append(item)
    return grouped


def organisation_home_context(org):
    from content.presentation import organisation_directives_context

    columns = list(org.top_columns().specific())
    latest = latest_per_column(org, columns)
    directive_context = organisation_directives_context(org, columns)
    latest.update(directive_context.pop("latest_by_column"))
    hubs = directive_context.pop("directive_hubs")
    return {
        **directive_context,
        "nav_columns": columns,
        "kind_label": kind_label(org.kind),
        "leaders": list(org.leaders.select_related("photo").all()),
        "columns": [
            {"page": column, "latest": latest[column.path]}
            for column in columns
            if column.path not in hubs  # 专栏专题: shown as the 上级精神 card instead
        ],
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
