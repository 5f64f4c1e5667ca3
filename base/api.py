"""Pieces every JSON API of ours shares (django-ninja): the error shape, pagination, the
`locale` parameter, absolute file URLs and conditional GET on a version token.

Errors are answered as {"error": {"code", "message"}} with a 4xx status (portal/api.py
turns an ApiError into that body)."""

import hashlib

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpResponseNotModified
from django.utils.http import http_date
from ninja import Schema
from ninja.errors import HttpError

from .versions import changed_at

PAGE_SIZE = 20


class ApiError(HttpError):
    """An error answered as {"error": {"code", "message"}} (see portal/api.py)."""

    def __init__(self, status, code, message):
        super().__init__(status, message)
        self.code = code


class ErrorBody(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    error: ErrorBody


ERRORS = {400: ErrorOut, 404: ErrorOut}


def locale_code(locale):
    """The `locale` parameter: a content language code, default zh-hans."""
    code = (locale or settings.LANGUAGE_CODE).strip().lower()
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    if code not in codes:
        raise ApiError(400, "bad_locale", f"locale 应为 {'、'.join(codes)} 之一")
    return code


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


def url_of(request, field):
    """The absolute URL of a file field (or None)."""
    return request.build_absolute_uri(field.url) if field else None


def not_modified_or_headers(request, response, version):
    """Conditional GET on `version` (a base.versions token that changes whenever the answer
    may have): returns a 304 response, or None after putting ETag and Last-Modified on
    `response`."""
    etag = (
        '"' + hashlib.sha256(f"{version}|{request.get_full_path()}".encode()).hexdigest()[:32] + '"'
    )
    if request.headers.get("If-None-Match") == etag:
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed_at(version).timestamp())
    response["Cache-Control"] = "public, max-age=60"
    return None
