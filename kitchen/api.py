"""The change feed API (django-ninja), mounted by portal/api.py under /api/v2/changes/."""

import datetime
from typing import Annotated

from ninja import Field, Query, Router, Schema

from base.api import ERRORS, ApiError

from . import changes

router = Router(tags=["内容"])


class ChangeOut(Schema):
    event_id: int = Field(description="与 Webhook 的 X-Portal-Event 相同")
    page_id: int
    action: str = Field(
        description="publish、unpublish、expire、move、delete，或 restrict（页面设了访问限制，"
        "请像撤回一样下线）"
    )
    type: str
    title: str
    url_path: str
    channels: list[str]
    at: datetime.datetime


class ChangeList(Schema):
    results: list[ChangeOut]
    next_cursor: str
    has_more: bool


@router.get(
    "/changes/",
    response={200: ChangeList, **ERRORS},
    summary="内容变更流",
    operation_id="content_api_change_feed",  # as in the schema before the feed left content/
)
def change_feed(
    request,
    since: str = "",
    limit: Annotated[int, Query(ge=1, le=500, description="每次最多几条")] = 100,
):
    """Every publish, unpublish, expiry, move and delete after the cursor `since`, oldest first.
    Start without `since`; keep `next_cursor` for the next call. Pages under a view
    restriction never appear; a live page that comes under one gets a `restrict` event
    (drop it), and a `publish` event when it is public again."""
    try:
        rows, next_cursor, has_more = changes.changes_since(since, limit)
    except changes.BadCursor:
        raise ApiError(400, "bad_cursor", "游标无效，请从头同步（不带 since）") from None
    return {
        "results": [
            {
                "event_id": r.id,
                "page_id": r.page_id,
                "action": r.action,
                "type": r.page_type,
                "title": r.title,
                "url_path": r.url_path,
                "channels": r.channels.split(","),
                "at": r.at,
            }
            for r in rows
        ],
        "next_cursor": next_cursor,
        "has_more": has_more,
    }
