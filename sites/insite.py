"""Cascaded pages shown inside the site of an organisation below the one that stores them.

A page stored under organisation A (a directive in the city library, a lesson or a live
event in the city's 学习园地 …) is shown at every organisation B below A at

    <B's URL> + <the page's path below A>

so the city's /topics/central/ershida/ opens on a branch host as /topics/central/ershida/
and on the portal host as /<district>/<street>/<community>/<branch>/topics/central/ershida/.
The skeletons give every kind the same column slugs, so the path names B's own column
(中央精神) wherever it can. It is the one stored page, rendered inside B's chrome (brand,
navigation, breadcrumbs of B) with `<link rel="canonical">` to its own URL; nothing is
copied. Which page types cascade is declared by the apps that own them
(`register_cascaded`, in their AppConfig.ready()). Any other type, a page stored under an
organisation that is not above B, or one that is not live and public, is a 404.

Building an in-site URL costs no query: B's URL is built once per request and every link
is that plus a slice of the page's url_path.
"""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.models import Page

from .tree import below_path_q, descendants_q

_cascaded_models = set()


def register_cascaded(model):
    """Pages of `model` stored at an organisation are shown at every organisation below."""
    _cascaded_models.add(model._meta.label_lower)


def is_cascaded(page):
    return page.specific_class is not None and page.specific_class._meta.label_lower in (
        _cascaded_models
    )


class NotCascaded(Http404):
    """Raised by the deepest organisation of a path when nothing cascades there, so the
    organisations above it do not look again."""


def organisation_paths(org):
    """url_paths of `org` and every organisation above it, nearest first. Organisations
    nest directly, so these are the prefixes of org.url_path below the tree root."""
    parts = org.url_path.strip("/").split("/")
    return ["/" + "/".join(parts[:end]) + "/" for end in range(len(parts), 0, -1)]


def find_cascaded(org, path_components):
    """The live, public cascaded page that `path_components` below `org` stands for: a
    page at the same path below an organisation above `org` (the nearest wins), stored
    directly in that organisation's columns (not in an organisation under it)."""
    from .models import OrganisationPage

    rest = "".join(f"{component}/" for component in path_components)
    above = organisation_paths(org)[1:]
    if not rest or not above:
        return None
    # url_path has no index: look the page up by its slug (indexed), its depth and the
    # tree-path range of each organisation above, then compare url_paths here.
    steplen, depth = org.steplen, len(path_components)
    in_reach = reduce(
        or_,
        (
            below_path_q(org.path[: (org.depth - n) * steplen]) & Q(depth=org.depth - n + depth)
            for n in range(1, len(above) + 1)
        ),
    )
    found = {
        page.url_path: page
        for page in Page.objects.live().public().filter(in_reach, slug=path_components[-1])
    }
    for prefix in above:
        page = found.get(prefix + rest)
        if page is None or not is_cascaded(page):
            continue
        # Its own organisation must be the one at `prefix`: a sibling branch's directive
        # (reached as <community>/<sibling>/...) is not cascaded here.
        owner = OrganisationPage.nearest_above(page)
        if owner is not None and owner.url_path == prefix:
            page = page.specific
            page.stored_at = owner
            return page
    return None


class InSiteUrls:
    """URLs at organisation `org` for its own pages, its subtree's and those cascaded to
    it from above, built without a query per link."""

    def __init__(self, org, request):
        self.org = org
        self.request = request
        self.base = org.get_url(request)
        self.full_base = None
        self.prefixes = organisation_paths(org)

    def _below(self, page):
        """`page`'s path below the nearest organisation on the way to `org`, or None."""
        return next(
            (page.url_path[len(p) :] for p in self.prefixes if page.url_path.startswith(p)),
            None,
        )

    def url(self, page):
        below = self._below(page)
        if self.base is None or below is None:
            return page.get_url(self.request)
        return self.base + below

    def full_url(self, page):
        """The absolute in-site URL (for the APIs)."""
        below = self._below(page)
        if self.full_base is None:
            self.full_base = self.org.get_full_url(self.request)
        if self.full_base is None or below is None:
            return page.get_full_url(self.request)
        return self.full_base + below


def insite_urls(org, request):
    """One InSiteUrls per organisation and request."""
    if request is None:
        return InSiteUrls(org, None)
    cache = request.__dict__.setdefault("_insite_urls", {})
    if org.pk not in cache:
        cache[org.pk] = InSiteUrls(org, request)
    return cache[org.pk]


def breadcrumb_trail(org, page, request):
    """The crumbs above a cascaded `page` shown at `org`: the organisations of the current
    site down to `org` (its root as 首页), then the columns between the page and its own
    organisation, each linked to `org`'s column at the same path when `org` has one with
    that title (中央精神), else to the column where the page is stored (another
    organisation's 本级文件)."""
    from wagtail.models import Site

    from .models import OrganisationPage

    urls = insite_urls(org, request)
    site = Site.find_for_request(request) if request is not None else None
    root_depth = site.root_page.depth if site is not None else 2
    owner = getattr(page, "stored_at", None) or OrganisationPage.nearest_above(page)
    columns = list(page.get_ancestors().filter(depth__gt=owner.depth)) if owner else []
    below_owner = [column.url_path[len(owner.url_path) :] for column in columns]
    here = {  # org's pages at the same paths (by slug and tree range: url_path has no index)
        p.url_path: p
        for p in Page.objects.live().filter(
            descendants_q(org),
            depth__lte=org.depth + len(columns),
            slug__in=[column.slug for column in columns],
        )
    }
    trail = [
        {"title": _("首页") if o.depth == root_depth else o.title, "url": o.get_url(request)}
        for o in org.get_ancestors(inclusive=True).filter(depth__gte=root_depth)
    ]
    for column, below in zip(columns, below_owner, strict=True):
        mine = here.get(org.url_path + below)
        if mine is not None and mine.title == column.title:
            trail.append({"title": mine.title, "url": urls.url(mine)})
        else:
            title = _("%(organisation)s · %(column)s") % {
                "organisation": owner.title,
                "column": column.title,
            }
            trail.append({"title": title, "url": column.get_url(request)})
    return trail


def serve_cascaded(org, page, request):
    """Serve the stored `page` as `org` shows it: the page's own view and template, in
    `org`'s chrome, with the canonical link to where it is stored."""
    response = page.serve(request)
    context = getattr(response, "context_data", None)
    if context is not None:
        context.update(
            organisation=org,
            shown_at=org,
            # the navigation marks org's column at the same path (中央精神 under 专栏专题)
            nav_url_path=org.url_path + page.url_path[len(page.stored_at.url_path) :],
            canonical_url=page.get_full_url(request),
            breadcrumb_trail=breadcrumb_trail(org, page, request),
        )
    return response
