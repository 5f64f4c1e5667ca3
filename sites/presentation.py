"""What organisation and column pages show: small querysets, no per-site loops.

The page types that columns list (articles, notices, disclosure items …) and what else an
organisation's home shows (上级精神 …) belong to apps above this one: they register them
in their AppConfig.ready() (`register_column_item`, `add_home_context`)."""

from functools import reduce
from operator import or_

from django.core.paginator import Paginator
from django.db.models import F, Q, Window
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.utils import timezone
from wagtail.models import Page

from base.pictures import attach_pictures

from .kinds import kind_label
from .tree import children_q, descendants_q

LATEST_PER_COLUMN = 5
COLUMN_PAGE_SIZE = 20

_column_items = {}  # model name -> (date field, expiry field or None)
_home_contexts = []


def register_column_item(model, date_field="date", expires_field=None):
    """Columns list live, public pages of `model` by `date_field`, newest first, leaving out
    those whose `expires_field` has passed."""
    _column_items[model._meta.model_name] = (date_field, expires_field)


def add_home_context(provider):
    """`provider(org, columns)` adds to an organisation home's context. Two keys are
    merged rather than added: "latest_by_column" ({column path: items}, replacing the
    column's newest items) and "replaced_columns" (paths of columns the home shows in
    another way, left out of the column cards)."""
    _home_contexts.append(provider)


def items_in(where):
    """Live, public column items (the registered types, unexpired) matching a tree filter
    (see sites.tree), each with `item_date` for ordering."""
    # The item types are selected by their own table rows, not by content_type: with a
    # content_type filter SQLite walks every article in the city by that index instead
    # of the column's path range.
    if not _column_items:
        return Page.objects.none().annotate(item_date=F("latest_revision_created_at"))
    now = timezone.now()
    is_item = reduce(or_, (Q(**{f"{name}__isnull": False}) for name in _column_items))
    expired = [
        Q(**{f"{name}__{expires}__lte": now})
        for name, (_date, expires) in _column_items.items()
        if expires
    ]
    dates = [F(f"{name}__{date}") for name, (date, _expires) in _column_items.items()]
    items = Page.objects.live().public().filter(where, is_item)
    if expired:
        items = items.exclude(reduce(or_, expired))
    return items.annotate(item_date=Coalesce(*dates) if len(dates) > 1 else dates[0])


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
    # Their thumbnails (templates/includes/item_thumb.html) in two more queries at most.
    for item in attach_pictures(latest, "thumb"):
        if item.path[: len(org.path) + org.steplen] in grouped:
            grouped[item.path[: len(org.path) + org.steplen]].append(item)
    return grouped


def organisation_home_context(org):
    columns = list(org.top_columns().specific())
    latest = latest_per_column(org, columns)
    added, replaced = {}, set()
    for provider in _home_contexts:
        extra = provider(org, columns)
        latest.update(extra.pop("latest_by_column", {}))
        replaced |= set(extra.pop("replaced_columns", ()))
        added.update(extra)
    return {
        **added,
        "nav_columns": columns,
        "kind_label": kind_label(org.kind),
        "leaders": list(org.leaders.select_related("photo").all()),
        "columns": [
            {"page": column, "latest": latest[column.path]}
            for column in columns
            if column.path not in replaced  # e.g. 专栏专题: shown as the 上级精神 card
        ],
        "child_organisations": list(
            org.child_organisations().only("id", "title", "url_path", "path", "depth", "slug")
        ),
    }


def column_context(column, request):
    subcolumns = list(
        Page.objects.filter(children_q(column)).live().type(column.__class__).order_by("path")
    )
    items = Paginator(latest_in(column), COLUMN_PAGE_SIZE).get_page(
        request.GET.get("page") if request is not None else 1
    )
    items.object_list = attach_pictures(items.object_list, "thumb")  # 2 queries a list
    return {
        "subcolumns": subcolumns,
        "items": items,
        "organisation": column.organisation(),
    }
