"""What every app's API endpoints share (no endpoints of its own): the error answered as
{"error": {"code", "message"}} (see portal/api.py), its schema, and the `locale` and `org`
parameters. Here rather than in one app's api.py so that any app, search included, can use
them without importing an app above it."""

from django.conf import settings
from ninja import Schema
from ninja.errors import HttpError

from .models import OrganisationPage


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


def organisation_or_404(code, locale=""):
    """The organisation `code` (default: the city) in `locale` (default zh-hans)."""
    language = locale_code(locale)
    orgs = OrganisationPage.objects.filter(locale__language_code=language)
    if not code:
        org = orgs.filter(depth=2).order_by("path").first()
        if org is None and locale:
            raise ApiError(404, "unknown_org", f"门户首页没有 {language} 版本")
        return org
    org = orgs.live().filter(code=code.strip().lower()).first()
    if org is None:
        where = "" if language == settings.LANGUAGE_CODE else f"（{language} 版本）"
        raise ApiError(404, "unknown_org", f"没有代码为 {code} 的组织{where}")
    return org
