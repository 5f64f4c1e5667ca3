"""GET /api/v2/search/ (django-ninja, in the OpenAPI schema)."""

from typing import Annotated

from ninja import Query, Router, Schema
from wagtail.models import Page

from base.api import ERRORS, ApiError, Locale, locale_code
from sites.api import organisation_or_404
from sites.insite import insite_urls

from . import query, registry, suggest

router = Router(tags=["搜索"])
PAGE_SIZE = 20
MAX_PAGE = 500


class HitOut(Schema):
    id: int
    title: str
    type: str
    url: str | None
    snippet: str
    score: float
    level: str
    year: int | None
    org: str


class SearchOut(Schema):
    q: str
    terms: list[str]
    count: int
    page: int
    pages: int
    results: list[HitOut]
    facets: dict[str, dict[str, int]]


@router.get("/search/", response={200: SearchOut, **ERRORS}, summary="全文搜索")
def search(
    request,
    q: str = "",
    org: str = "",
    subtree: bool = True,
    type: str = "",  # noqa: A002 (the public parameter name)
    level: str = "",
    year: Annotated[int, Query(ge=1900, le=2100, description="只要这一年的")] | None = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="页码，1～500")] = 1,
    locale: Locale = None,
):
    """Search live, public pages in Chinese (simplified or traditional): an organisation's
    own pages (and below it with `subtree=1`, the default) plus the directives cascaded to
    it. Snippets mark the matched words with <em>; facets count type, level, year and
    organisation over all results."""
    if type and type not in registry.kinds():
        raise ApiError(400, "bad_type", f"type 应为 {'、'.join(registry.kinds())} 之一")
    organisation = organisation_or_404(org, locale) if org else None
    found = query.search(
        q,
        organisation,
        subtree,
        type,
        level,
        year,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        locale=locale_code(locale),
    )
    from .models import SearchDocument

    documents = SearchDocument.objects.in_bulk([pk for pk, _ in found.rows])
    pages = Page.objects.in_bulk([pk for pk, _ in found.rows])
    # With an organisation, a cascaded directive's URL is the one inside its site.
    full_url = (
        insite_urls(organisation, request).full_url
        if organisation
        else (lambda page: page.get_full_url(request))
    )
    results = []
    for pk, score in found.rows:
        document = documents[pk]
        results.append(
            {
                "id": pk,
                "title": document.title,
                "type": document.kind,
                "url": full_url(pages[pk]) if pk in pages else None,
                "snippet": query.highlight(document.summary or document.title, found.terms),
                "score": score,
                "level": document.level,
                "year": document.year,
                "org": document.org_code,
            }
        )
    return {
        "q": q,
        "terms": found.terms,
        "count": found.count,
        "page": page,
        "pages": max(1, -(-found.count // PAGE_SIZE)),
        "results": results,
        "facets": found.facets,
    }


class SuggestOut(Schema):
    q: str
    suggestions: list[str]


@router.get("/search/suggest/", response={200: SuggestOut, **ERRORS}, summary="搜索联想")
def suggestions(request, q: str = ""):
    """Words and titles for what has been typed so far: Chinese characters (simplified or
    traditional) or pinyin, whole syllables or first letters (ersd → 二十大)."""
    return {"q": q, "suggestions": suggest.suggest(q)}
