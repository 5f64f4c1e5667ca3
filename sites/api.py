"""Organisations in the public API: the `org` parameter every list endpoint takes."""

from django.conf import settings

from base.api import ApiError, locale_code

from .models import OrganisationPage


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
