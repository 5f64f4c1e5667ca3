"""The change feed: every publish, unpublish, move and delete of a page, in order.

Apps and partner sites keep a cursor and ask for what changed since it
(/api/v2/changes/?since=<cursor>) instead of re-reading everything. Rows are written by
signal handlers inside the same transaction as the change, so the feed is complete.
The cursor is opaque to clients (base64 of the last row id).

Events of pages under a view restriction are recorded as private (kitchen/visibility.py):
the public feed skips them, and only trusted webhook subscribers get them.
"""

import base64
import binascii

from wagtail.models import Page, PageViewRestriction

from content.versions import content_version

from . import outbox, visibility
from .models import ContentChange


def record(page, action, private=None):
    """One event: a feed row, and (same transaction) the outbox deliveries for it.
    `private`: whether the page is under a view restriction (found out when not given)."""
    return record_many([page], action, private)[0]


def record_many(pages, action, private=None, url_paths=None):
    """One event per page, written in bulk; `url_paths(page)` gives the path to report
    when it is not the page's own."""
    if not pages:
        return []
    rows = []
    for page in pages:
        model = getattr(page, "specific_class", None) or type(page)
        rows.append(
            ContentChange(
                page_id=page.pk,
                action=action,
                page_type=f"{model._meta.app_label}.{model._meta.model_name}",
                # A page turning private is dropped by id and path: its title is not
                # repeated in the public feed.
                title="" if action == ContentChange.Action.RESTRICT else page.title[:255],
                url_path=url_paths(page) if url_paths else page.url_path,
                channels=",".join(outbox.page_channels(page)),
                private=visibility.is_restricted(page) if private is None else private,
            )
        )
    ContentChange.objects.bulk_create(rows)
    outbox.write_deliveries(list(zip(rows, pages, strict=True)))
    content_version.bump()
    return rows


def visibility_changed(root, private, exclude=None, url_paths=None):
    """`root`'s subtree just became private (or public again): one public event per live
    page whose visibility changed. `url_paths(page)` gives the path to report for a page
    (the one the public knew, when it moved)."""
    pages = list(visibility.live_pages_turned(root, exclude).specific())
    if private:
        return record_many(pages, ContentChange.Action.RESTRICT, private=False, url_paths=url_paths)
    return record_many(pages, ContentChange.Action.PUBLISH, private=False)


def restriction_added(restriction):
    root = restriction.page
    if visibility.is_restricted(root, exclude=restriction):
        return []  # already private from above (or by another restriction of its own)
    return visibility_changed(root, private=True, exclude=restriction)


def restriction_removed(restriction):
    root = Page.objects.filter(pk=restriction.page_id).first()
    if root is None or visibility.is_restricted(root):
        return []
    return visibility_changed(root, private=False)


def page_moved(page, parent_before, url_path_before, url_path_after):
    """`page` (live) moved from under `parent_before`: its visibility may have changed.
    Returns (private before, private after)."""
    own = PageViewRestriction.objects.filter(page=page).exists()
    before = own or visibility.is_restricted(parent_before)
    after = own or visibility.is_restricted(page)
    if before != after:

        def known_path(p):  # where the public last saw it
            return url_path_before + p.url_path[len(url_path_after) :]

        visibility_changed(page, private=after, url_paths=known_path if after else None)
    return before, after


class BadCursor(ValueError):
    pass


def encode_cursor(change_id):
    return base64.urlsafe_b64encode(f"c{change_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise BadCursor(cursor) from None
    if not raw.startswith("c") or not raw[1:].isdigit():
        raise BadCursor(cursor)
    return int(raw[1:])


def changes_since(cursor, limit):
    after = decode_cursor(cursor)
    public = ContentChange.objects.filter(id__gt=after, private=False)
    rows = list(public.order_by("id")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].id) if rows else (cursor or encode_cursor(0))
    return rows, next_cursor, has_more
