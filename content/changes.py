"""The change feed: every publish, unpublish, move and delete of a page, in order.

Apps and partner sites keep a cursor and ask for what changed since it
(/api/v2/changes/?since=<cursor>) instead of re-reading everything. Rows are written by
signal handlers inside the same transaction as the change, so the feed is complete.
The cursor is opaque to clients (base64 of the last row id).
"""

import base64
import binascii

from django.core.cache import cache
from django.db import models
from django.utils import timezone

VERSION_KEY = "portal:content-version"


class ContentChange(models.Model):
    class Action(models.TextChoices):
        PUBLISH = "publish", "发布"
        UNPUBLISH = "unpublish", "撤回"
        EXPIRE = "expire", "到期下线"
        MOVE = "move", "移动"
        DELETE = "delete", "删除"

    id = models.BigAutoField(primary_key=True)
    page_id = models.BigIntegerField(db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    page_type = models.CharField(max_length=100)
    title = models.CharField(max_length=255)
    url_path = models.TextField()
    channels = models.CharField(max_length=32, default="web")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "content"
        verbose_name = "内容变更"
        verbose_name_plural = "内容变更"

    def __str__(self):
        return f"{self.id} {self.action} {self.page_id}"


def record(page, action):
    """One event: a feed row, and (same transaction) the outbox deliveries for it."""
    from . import outbox

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
    bump_content_version()
    return change


def bump_content_version():
    cache.set(VERSION_KEY, timezone.now().isoformat(), None)


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = timezone.now().isoformat()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY) or version
    return version


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
