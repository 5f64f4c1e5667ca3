"""Pieces every JSON API of ours shares (django-ninja): the error shape and the API class
that answers every error in it, strict JSON, pagination, the `locale` parameter, absolute
file URLs and conditional GET on a version token.

Errors are answered as {"error": {"code", "message"}} with a 4xx status, whatever went
wrong with the request: a bad parameter, a body that is not JSON (or is JSON nested
50,000 deep, or holds NaN), a multipart body without a boundary, a body over
DATA_UPLOAD_MAX_MEMORY_SIZE (413). `JsonErrorsApi` installs the handlers once for every
endpoint, in DEBUG and production alike."""

import datetime
import hashlib
import json
import math
import re
from typing import Annotated, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpResponseNotModified
from django.http.multipartparser import MultiPartParserError, TooManyFilesSent
from django.utils.http import http_date
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser
from pydantic import BeforeValidator

from .versions import changed_at

PAGE_SIZE = 20
MAX_JSON_DEPTH = 32  # request bodies of ours nest three levels at most
MAX_ID = 2**31 - 1  # an id in a path: what an integer primary key column holds
MAX_OFFSET = 10**9  # an `offset` parameter: far past any list, well inside 64 bits
MAX_PAGE = 1_000_000  # far past any list of ours; keeps page × size inside a 64-bit offset


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
# What a POST with a session may also be answered: no session (401), no CSRF token (403),
# a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413).
SESSION_POST_ERRORS = {**ERRORS, 401: ErrorOut, 403: ErrorOut, 413: ErrorOut}

# The `page` parameter of every list: 1 to MAX_PAGE (past the last page: 404).
PageNumber = Annotated[int, Query(ge=1, le=MAX_PAGE, description="页码，从 1 开始")]


def one_of(values, description):
    """A query parameter that takes one of `values` (an enum in the schema)."""
    return Annotated[Literal[tuple(values)], Query(description=description)]


# The `locale` parameter: a content language code; absent means zh-hans.
Locale = Annotated[
    Literal[tuple(code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES)] | None,
    Query(description="内容语言，默认 zh-hans"),
]


def _iso_date_only(value):
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("should be a date as YYYY-MM-DD")
    return value


# A date parameter written YYYY-MM-DD, and only so (pydantic would read `0` as 1970-01-01).
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_only)]

# A status without its own code gets this one.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "throttled",
}
# Pydantic errors that mean "outside the allowed values" rather than "not of that type":
# answered with the parameter's own code, bad_<name> (bad_page, bad_level …).
RANGE_ERRORS = {
    "literal_error",
    "enum",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_long",
    "too_short",
    "string_too_long",
    "string_too_short",
}


def bounded_int(raw, name, low, high):
    """The integer query parameter `raw` (a string), or ApiError bad_<name> unless it is
    written in decimal and lies within [low, high]."""
    if not re.fullmatch(r"-?\d{1,20}", raw.strip()) or not low <= int(raw) <= high:
        raise ApiError(
            400,
            f"bad_{name}",
            _("%(name)s 应为 %(low)d～%(high)d 的整数") % {"name": name, "low": low, "high": high},
        )
    return int(raw)


class BadJson(ValueError):
    pass


def _no_constant(name):
    raise BadJson(_("JSON 中不能有 %(name)s") % {"name": name})


def depth(value):
    """How deeply lists and objects nest in parsed JSON (a scalar: 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return deepest


def strict_json(raw, max_depth=MAX_JSON_DEPTH):
    """Parse JSON as the standard defines it: no NaN or Infinity (Python's json accepts
    them, PostgreSQL's jsonb and every other client do not), and no nesting deeper than
    `max_depth` (50,000 levels would exhaust the parser's stack; a few hundred, that of
    whatever serialises it again). BadJson (a ValueError) otherwise."""
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        data = None
    except UnicodeDecodeError:
        raise BadJson(_("请求体不是 UTF-8 编码")) from None
    except json.JSONDecodeError as exc:
        raise BadJson(_("不是有效的 JSON：%(error)s") % {"error": exc}) from None
    else:
        if depth(data) <= max_depth:
            return data
    raise BadJson(_("JSON 嵌套超过 %(depth)d 层") % {"depth": max_depth})


def finite(value):
    """Whether a number parsed from JSON is an ordinary one (not NaN or ±Infinity)."""
    return not isinstance(value, float) or math.isfinite(value)


class StrictJsonParser(Parser):
    def parse_body(self, request):
        return strict_json(request.body)


def error_response(api, request, status, code, message):
    return api.create_response(
        request, {"error": {"code": code, "message": str(message)}}, status=status
    )


def validation_message(errors):
    return "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', [])[1:])}: {e.get('msg')}" for e in errors
    )


def validation_code(errors):
    """bad_<parameter> when every error says one parameter is outside its allowed values,
    else invalid."""
    names = {tuple(e.get("loc", [])[1:2]) for e in errors}
    if len(names) == 1 and all(e.get("type") in RANGE_ERRORS for e in errors):
        (name,) = names
        if name:
            return f"bad_{name[0]}"
    return "invalid"


class JsonErrorsApi(NinjaAPI):
    """A NinjaAPI whose every error, from our code, from Ninja or from Django's request
    parsing, is JSON {"error": {"code", "message"}} with a 4xx status, also with
    DEBUG off; request bodies are parsed as strict JSON."""

    def __init__(self, **kwargs):
        kwargs.setdefault("parser", StrictJsonParser())
        super().__init__(**kwargs)

    def set_default_exception_handlers(self):
        super().set_default_exception_handlers()
        handlers = {
            HttpError: self._http_error,
            ValidationError: self._validation_error,
            Http404: lambda request, exc: self._error(request, 404, "not_found", _("未找到")),
            # Django's request parsing: request.body past DATA_UPLOAD_MAX_MEMORY_SIZE,
            # too many fields, a multipart body without (or with a broken) boundary.
            RequestDataTooBig: lambda request, exc: self._error(
                request,
                413,
                "too_large",
                _("请求体超过 %(size)d 字节") % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
            ),
            SuspiciousOperation: lambda request, exc: self._error(
                request, 400, "bad_request", _("请求无效")
            ),
            MultiPartParserError: self._bad_body,
            TooManyFilesSent: self._bad_body,
        }
        for exc_class, handler in handlers.items():
            self.add_exception_handler(exc_class, handler)

    def _error(self, request, status, code, message):
        return error_response(self, request, status, code, message)

    def _http_error(self, request, exc):
        if isinstance(exc.__cause__, BadJson):  # Ninja wraps what the parser raised
            return self._error(request, 400, "bad_json", str(exc.__cause__))
        code = getattr(exc, "code", None) or STATUS_CODES.get(exc.status_code, "error")
        message = str(exc)
        # Ninja's own auth errors say "Unauthorized"/"Forbidden" in English.
        if isinstance(exc, AuthenticationError) and message == "Unauthorized":
            message = _("请先登录")
        elif isinstance(exc, AuthorizationError) and message == "Forbidden":
            message = _("没有权限")
        return self._error(request, exc.status_code, code, message)

    def _validation_error(self, request, exc):
        message = _("参数无效：%(details)s") % {"details": validation_message(exc.errors)}
        return self._error(request, 400, validation_code(exc.errors), message)

    def _bad_body(self, request, exc):
        message = _("请求体无法解析：%(error)s") % {"error": exc}
        return self._error(request, 400, "bad_body", message)


def locale_code(locale):
    """The `locale` parameter: a content language code, default zh-hans."""
    code = (locale or settings.LANGUAGE_CODE).strip().lower()
    codes = [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    if code not in codes:
        raise ApiError(400, "bad_locale", f"locale 应为 {'、'.join(codes)} 之一")
    return code


def paginate(queryset, page_number, serialise):
    """The list payload {count, page, pages, results} for one page of a queryset."""
    if not 1 <= page_number <= MAX_PAGE:
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
