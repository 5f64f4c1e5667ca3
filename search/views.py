"""The search page: the current site's organisation by default (its subtree and what
cascades to it), facets as links (labelled as the types were registered), snippets with
the words marked."""

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Page, Site

from sites.insite import insite_urls
from sites.models import OrganisationPage

from . import query, registry, suggest
from .models import SearchDocument

PAGE_SIZE = 20


def site_organisation(request):
    site = Site.find_for_request(request)
    if site is None:
        return None
    return OrganisationPage.objects.filter(pk=site.root_page_id).first()


def search_or_alternative(q, org, kind, offset, limit):
    """(results, 您是不是要找 words, the word shown instead of `q` or ""): a query in
    pinyin, or one that finds nothing, is offered what it probably meant (search.suggest);
    when `q` finds nothing, the first of those that finds something is shown."""
    found = query.search(q, org, True, kind, offset=offset, limit=limit)
    if found.count:
        # Found, yet perhaps not what was meant: pinyin that also spells a word (cpc),
        # or a homophone of a known word typed by a pinyin keyboard (二十打 for 二十大).
        latin = suggest.LATIN.match(q.strip() or "-")
        return found, suggest.did_you_mean(q, homophones_only=not latin), ""
    alternatives = suggest.did_you_mean(q)
    for word in alternatives:
        instead = query.search(word, org, True, kind, offset=offset, limit=limit)
        if instead.count:
            return instead, alternatives, word
    return found, alternatives, ""


def search_page(request):
    q = request.GET.get("q", "")[:200]
    kind = request.GET.get("type", "")
    kind = kind if kind in registry.kinds() else ""
    try:
        number = max(1, min(int(request.GET.get("page", "1")), 500))
    except ValueError:
        number = 1
    org = site_organisation(request)
    found, alternatives, shown_for = search_or_alternative(
        q, org, kind, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    documents = SearchDocument.objects.in_bulk([pk for pk, _ in found.rows])
    pages = Page.objects.in_bulk([pk for pk, _ in found.rows])
    url = insite_urls(org, request).url if org else (lambda page: page.get_url(request))
    hits = [
        {
            "title": documents[pk].title,
            "kind": registry.label(documents[pk].kind),
            "url": url(pages[pk]) if pk in pages else "",  # directives: inside this site
            "snippet": query.highlight(documents[pk].summary or documents[pk].title, found.terms),
            "year": documents[pk].year,
        }
        for pk, _ in found.rows
    ]
    paginator = Paginator(range(found.count), PAGE_SIZE)
    return render(
        request,
        "search/search.html",
        {
            "q": q,
            "kind": kind,
            "alternatives": alternatives,
            "shown_for": shown_for,
            # The page around the results (name, navigation) in the visitor's language,
            # when the organisation has a live translation in it.
            "organisation": org.localized if org else None,
            "hits": hits,
            "count": found.count,
            "page_obj": paginator.get_page(number) if found.count else None,
            "kinds": [
                (key, registry.label(key), n) for key, n in found.facets.get("type", {}).items()
            ],
        },
    )
