"""Public content API (django-ninja): directives (the cascade), articles, the change feed.

Mounted by portal/api.py under /api/v2/; the OpenAPI schema is /api/schema/ and the docs
/api/docs/. Only live, public pages are ever returned. List endpoints send an ETag and
Last-Modified derived from the content version (bumped on every publish, unpublish,
move and delete) and answer 304 to a matching If-None-Match.
"""

import datetime
import hashlib
from functools import reduce
from operator import or_

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import http_date
from ninja import Field, Router, Schema, Status

# The shared error shape and parameters; learning and livestream import them from here too.
from sites.api import ERRORS, ApiError, ErrorOut, locale_code, organisation_or_404  # noqa: F401
from sites.tree import below_path_q, descendants_q

from . import changes
from .cascade import visible_directives
from .levels import DirectiveLevel
from .models import ArticlePage, DirectiveAttachment

router = Router(tags=["内容"])
PAGE_SIZE = 20


class AttachmentOut(Schema):
    title: str
    url: str
    size: int | None
    type: str


class DirectiveOut(Schema):
    id: int
    title: str
    level: str
    level_label: str
    doc_number: str
    issuer: str
    issued_at: datetime.date
    url: str | None
    summary: str
    attachments: list[AttachmentOut]


class DirectiveList(Schema):
    count: int
    page: int
    pages: int
    results: list[DirectiveOut]


class ArticleOut(Schema):
    id: int
    title: str
    date: datetime.datetime
    url: str | None
    summary: str
    author: str
    source: str


class ArticleList(Schema):
    count: int
    page: int
    pages: int
    results: list[ArticleOut]


class ChangeOut(Schema):
    event_id: int = Field(description="与 Webhook 的 X-Portal-Event 相同")
    page_id: int
    action: str
    type: str
    title: str
    url_path: str
    channels: list[str]
    at: datetime.datetime


class ChangeList(Schema):
    results: list[ChangeOut]
    next_cursor: str
    has_more: bool


def paginate(queryset, page_number, serialise):
    """The list payload {count, page, pages, results} for one page of a queryset."""
    if page_number < 1:
        raise ApiError(400, "bad_page", "page 必须是正整数")
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        items = paginator.page(page_number)
    except EmptyPage:
        if page_number != 1:  # an empty list is a valid first page
            raise ApiError(404, "page_out_of_range", f"第 {page_number} 页不存在") from None
        items = []
    return {
        "count": paginator.count,
        "page": page_number,
        "pages": paginator.num_pages,
        "results": [serialise(item) for item in items],
    }


def not_modified_or_headers(request, response):
    """Conditional GET on the content version: returns a 304 response or None."""
    version = changes.content_version()
    etag = (
        '"' + hashlib.sha256(f"{version}|{request.get_full_path()}".encode()).hexdigest()[:32] + '"'
    )
    if request.headers.get("If-None-Match") == etag:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    response["ETag"] = etag
    response["Last-Modified"] = http_date(datetime.datetime.fromisoformat(version).timestamp())
    response["Cache-Control"] = "public, max-age=60"
    return None


def article_out(article, request):
    return {
        "id": article.pk,
        "title": article.title,
        "date": article.date,
        "url": article.get_full_url(request),
        "summary": article.summary,
        "author": article.author,
        "source": article.source,
    }


def directive_out(directive, request):
    return {
        "id": directive.pk,
        "title": directive.title,
        "level": directive.level,
        "level_label": directive.get_level_display(),
        "doc_number": directive.doc_number,
        "issuer": directive.issuer,
        "issued_at": directive.issued_at,
        "url": directive.get_full_url(request),
        "summary": directive.summary,
        "attachments": [
            {
                "title": a.document.title,
                "url": request.build_absolute_uri(a.document.url),
                "size": a.document.get_file_size(),
                "type": a.document.file_extension.lower(),
            }
            for a in directive.attachments.all()
        ],
    }


@router.get(
    "/directives/",
    response={200: DirectiveList, **ERRORS, 304: None},
    summary="一个组织可见的上级精神（级联）",
)
def directives(
    request,
    response: HttpResponse,
    org: str = "",
    level: str = "",
    since: datetime.date | None = None,
    page: int = 1,
    locale: str = "",
):
    """Directives visible at organisation `org` (default: the city), newest first.
    `level` narrows to one level; `since` to directives issued on or after that date;
    `locale` (zh-hans, zh-hant, en; default zh-hans) picks the language version."""
    if level and level not in DirectiveLevel.values:
        raise ApiError(
            400, "bad_level", f"级别 {level} 无效，应为 {', '.join(DirectiveLevel.values)}"
        )
    organisation = organisation_or_404(org, locale)
    cached = not_modified_or_headers(request, response)
    if cached is not None:
        return Status(304, None)
    queryset = visible_directives(organisation, level or None)
    if since:
        queryset = queryset.filter(issued_at__gte=since)
    queryset = queryset.prefetch_related(
        Prefetch("attachments", queryset=DirectiveAttachment.objects.select_related("document"))
    )
    return paginate(queryset, page, lambda directive: directive_out(directive, request))


@router.get(
    "/articles/", response={200: ArticleList, **ERRORS, 304: None}, summary="一个组织的文章（动态）"
)
def articles(
    request,
    response: HttpResponse,
    org: str = "",
    subtree: bool = False,
    page: int = 1,
    locale: str = "",
):
    """Articles of organisation `org`; with `subtree=1` also those of every organisation
    below it. `locale` (default zh-hans) picks the language version."""
    organisation = organisation_or_404(org, locale)
    cached = not_modified_or_headers(request, response)
    if cached is not None:
        return Status(304, None)
    queryset = ArticlePage.objects.live().public().filter(descendants_q(organisation))
    if not subtree:
        children = list(organisation.child_organisations().values_list("path", flat=True))
        if children:
            queryset = queryset.exclude(
                reduce(or_, (below_path_q(path, inclusive=True) for path in children))
            )
    queryset = queryset.order_by("-date", "-pk")
    return paginate(queryset, page, lambda article: article_out(article, request))


@router.get("/changes/", response={200: ChangeList, **ERRORS}, summary="内容变更流")
def change_feed(request, since: str = "", limit: int = 100):
    """Every publish, unpublish, expiry, move and delete after the cursor `since`, oldest first.
    Start without `since`; keep `next_cursor` for the next call."""
    if not 1 <= limit <= 500:
        raise ApiError(400, "bad_limit", "limit 应在 1 到 500 之间")
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
