"""The change feed: every publish, unpublish, move and delete of a page, in order.

Apps and partner sites keep a cursor and ask for what changed since it
(/api/v2/changes/?since=<cursor>) instead of re-reading everything. Rows are written by
signal handlers inside the same transaction as the change, so the feed is complete.
The cursor is opaque to clients (base64 of the last row id).
"""

import base64
import binascii

from content.versions import content_version

from . import outbox
from .models import ContentChange


def record(page, action):
    """One event: a feed row, and (same transaction) the outbox deliveries for it."""
    model = getattr(page, "specific_class", None) or type(page)
    change = ContentChange.objects.create(
        page_id=page.pk,
        action=action,
        page_type=f"{model._meta.app_label}.{model._meta.model_name}",
        title=page.title[:255],
        url_path=page.url_path,
        channels=",".join(outbox.page_channels(page)),
    )
    outbox.write_deliveries(change, page)
    content_version.bump()
    return change


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
    rows = list(ContentChange.objects.filter(id__gt=after).order_by("id")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(rows[-1].id) if rows else (cursor or encode_cursor(0))
    return rows, next_cursor, has_more
