"""robots.txt and sitemap.xml for every site, each listing its own pages only.

A site's own pages are its root page and everything below it, except the subtrees of the
sites nested in it: the city site's tree holds 250,000 pages, nearly all on the district,
street and branch sites, which answer for them on their own hostnames. Organisation pages
are direct children of their parent organisation, so "own" is the root plus the subtrees
of its children that are not site roots: a few tree-path ranges, answered from the path
index. Drafts, pages under a view restriction and aliases are left out.

A site of up to PORTAL_SITEMAP_PAGE_SIZE pages gets one sitemap. A bigger one gets a
sitemap index whose sitemaps are keyset pages: each starts at a tree path (`?from=`)
and reads the next PORTAL_SITEMAP_PAGE_SIZE pages in path order, so no query loads the
whole tree and every sitemap costs the same few queries wherever it starts
(tests/sites/test_sitemaps.py). wagtail.contrib.sitemaps would load every page at once.
"""

import re

from django.conf import settings
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Page, PageViewRestriction, Site

from .site_index import get_site_index
from .tree import below_path_q, children_q

DEFAULT_PAGE_SIZE = 2000
CACHE_SECONDS = 3600
TREE_PATH = re.compile(r"^[0-9A-Z]{1,255}$")
# Never worth a search engine's visit: the admin, the APIs, personal and search pages.
ROBOTS_DISALLOW = [
    "/admin/",
    "/django-admin/",
    "/api/",
    "/search/",
    "/login/",
    "/logout/",
    "/learning/me/",
    "/a11y/",
]
# The members' own pages are served under each translation's prefix too (portal/urls.py).
MEMBER_PATHS = ["/login/", "/logout/", "/learning/me/"]
ROBOTS_DISALLOW += [
    f"/{code}{path}"
    for code, _name in settings.LANGUAGES
    if code != settings.LANGUAGE_CODE
    for path in MEMBER_PATHS
]
SITEMAP_FIELDS = ("id", "path", "depth", "url_path", "last_published_at", "locale_id")


def page_size():
    return getattr(settings, "PORTAL_SITEMAP_PAGE_SIZE", DEFAULT_PAGE_SIZE)


def own_pages(site):
    """Live, public pages of `site` (not of the sites nested in it), in tree path order."""
    root = site.root_page
    nested_roots = get_site_index().by_root_path
    own = Q(path=root.path)
    for child in Page.objects.filter(children_q(root)).only("path", "url_path"):
        if child.url_path not in nested_roots:
            own |= below_path_q(child.path, inclusive=True)
    pages = Page.objects.filter(own, live=True, alias_of__isnull=True)
    restricted = PageViewRestriction.objects.filter(
        below_path_q(root.path, inclusive=True, field="page__path")
    ).values_list("page__path", flat=True)
    for path in restricted:
        pages = pages.exclude(below_path_q(path, inclusive=True))
    return pages.order_by("path")


def sitemap_chunk(site, start=None):
    """Up to page_size() + 1 pages from tree path `start` on (the extra one tells that
    more follow)."""
    pages = own_pages(site)
    if start:
        pages = pages.filter(path__gte=start)
    return list(pages.only(*SITEMAP_FIELDS)[: page_size() + 1])


def chunk_starts(site):
    """The tree path each sitemap of a big site starts at: every page_size()-th own page,
    in one query that returns only those paths."""
    numbered = own_pages(site).annotate(number=Window(RowNumber(), order_by=F("path").asc()))
    numbered = numbered.annotate(offset=(F("number") - 1) % page_size()).filter(offset=0)
    return list(numbered.values_list("path", flat=True))


def site_for(request):
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("no site answers for this host")
    return site


def _cached(response):
    patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response


@require_safe
def sitemap(request):
    site = site_for(request)
    start = request.GET.get("from", "")
    if start and not (TREE_PATH.match(start) and start.startswith(site.root_page.path)):
        raise Http404("not a sitemap of this site")
    pages = sitemap_chunk(site, start or None)
    size = page_size()
    if start and not pages:
        raise Http404("no such sitemap")
    if not start and len(pages) > size:
        base = request.build_absolute_uri(request.path)
        context = {"sitemaps": [f"{base}?from={path}" for path in chunk_starts(site)]}
        template = "sitemaps/index.xml"
    else:
        context = {
            "entries": [
                (page.get_full_url(request), page.last_published_at) for page in pages[:size]
            ]
        }
        template = "sitemaps/urlset.xml"
    response = TemplateResponse(
        request, template, context, content_type="application/xml; charset=utf-8"
    )
    return _cached(response)


@require_safe
def robots_txt(request):
    # (an unknown host has had its 404 from sites.hosts.KnownHostMiddleware already)
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "Allow: /"]
    lines += ["", f"Sitemap: {request.scheme}://{request.get_host()}/sitemap.xml", ""]
    return _cached(HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8"))
