"""Public content API (django-ninja): directives (the cascade) and articles.

Mounted by portal/api.py under /api/v2/; the OpenAPI schema is /api/schema/ and the docs
/api/docs/. Only live, public pages are ever returned. List endpoints send an ETag and
Last-Modified derived from the content version (bumped on every publish, unpublish,
move and delete) and answer 304 to a matching If-None-Match.
"""

import datetime
from functools import reduce
from operator import or_

from django.db.models import Prefetch
from django.http import HttpResponse
from ninja import Router, Schema, Status

from base.api import (
    ERRORS,
    IsoDate,
    Locale,
    PageNumber,
    not_modified_or_headers,
    one_of,
    paginate,
)
from sites.api import organisation_or_404
from sites.insite import insite_urls
from sites.tree import below_path_q, descendants_q

from .cascade import visible_directives
from .levels import DirectiveLevel
from .models import ArticlePage, DirectiveAttachment
from .versions import content_version

router = Router(tags=["内容"])


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


def directive_out(directive, request, url=None):
    return {
        "id": directive.pk,
        "title": directive.title,
        "level": directive.level,
        "level_label": directive.get_level_display(),
        "doc_number": directive.doc_number,
        "issuer": directive.issuer,
        "issued_at": directive.issued_at,
        "url": url or directive.get_full_url(request),
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
    level: one_of(DirectiveLevel.values, "只要这一级别的精神") | None = None,
    since: IsoDate | None = None,
    page: PageNumber = 1,
    locale: Locale = None,
):
    """Directives visible at organisation `org` (default: the city), newest first.
    `level` narrows to one level; `since` to directives issued on or after that date;
    `locale` (zh-hans, zh-hant, en; default zh-hans) picks the language version."""
    organisation = organisation_or_404(org, locale)
    cached = not_modified_or_headers(request, response, content_version.current())
    if cached is not None:
        return Status(304, None)
    queryset = visible_directives(organisation, level or None)
    if since:
        queryset = queryset.filter(issued_at__gte=since)
    queryset = queryset.prefetch_related(
        Prefetch("attachments", queryset=DirectiveAttachment.objects.select_related("document"))
    )
    # Each directive's URL is the one inside `org`'s site (sites.insite), not the issuer's.
    urls = insite_urls(organisation, request)
    return paginate(
        queryset,
        page,
        lambda directive: directive_out(directive, request, urls.full_url(directive)),
    )


@router.get(
    "/articles/", response={200: ArticleList, **ERRORS, 304: None}, summary="一个组织的文章（动态）"
)
def articles(
    request,
    response: HttpResponse,
    org: str = "",
    subtree: bool = False,
    page: PageNumber = 1,
    locale: Locale = None,
):
    """Articles of organisation `org`; with `subtree=1` also those of every organisation
    below it. `locale` (default zh-hans) picks the language version."""
    organisation = organisation_or_404(org, locale)
    cached = not_modified_or_headers(request, response, content_version.current())
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
