"""O(1) site lookups for URL building and host checks, at 5,000+ sites.

Wagtail's Page.get_url_parts() scans every site root path for every link it builds,
and Page.get_url() builds a set of all site ids on each call; with 5,273 sites a page
with 50 links does half a million comparisons, and without a request each link also
unpickles the whole root-path list from the cache (wagtail/wagtail#2916, #14620).

Here the root paths become a dict keyed by root path, built once per *version* of the
site table and kept in process. A page finds its sites by looking up each prefix of
its url_path (one dict lookup per tree level). The version is a small cache key bumped
whenever a Site changes or a site root page moves, so every process rebuilds once.

install_fast_page_urls() puts these lookups on wagtail.models.Page itself, so every
page (specific or not, in templates, rich text and the API) takes the fast path. The
results are identical to Wagtail's: tests/sites/test_site_index.py compares them.
"""

import threading
import uuid
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from wagtail.models import Page, Site
from wagtail.models.sites import (
    SITE_ROOT_PATHS_CACHE_KEY,
    SITE_ROOT_PATHS_CACHE_VERSION,
    SiteRootPath,
)

VERSION_KEY = "portal:site-index-version"
_lock = threading.Lock()
_local = {"version": None, "index": None}


class SiteIndex:
    def __init__(self, root_paths, hostnames):
        self.root_paths = list(root_paths)
        self.by_root_path = defaultdict(list)
        for srp in self.root_paths:  # keeps Wagtail's order within one root path
            self.by_root_path[srp.root_path].append(srp)
        self.by_root_path = dict(self.by_root_path)
        self.num_sites = len({srp.site_id for srp in self.root_paths})
        self.hostnames = frozenset(hostnames)

    def relevant(self, url_path):
        """Root paths that `url_path` lies under, most specific first (as Wagtail orders)."""
        found = []
        end = len(url_path)
        while end > 0:
            prefix = url_path[:end]
            entries = self.by_root_path.get(prefix)
            if entries:
                found.extend(entries)
            end = url_path.rfind("/", 0, end - 1) + 1
        return tuple(found)


def site_root_paths():
    """Site.get_site_root_paths(), same list and order, in two queries. With i18n Wagtail
    adds the translations of each site's root page (so /zh-hant/ on a site finds its
    zh-hant home) with one query per site: 5,273 queries at every rebuild."""
    sites = list(
        Site.objects.select_related("root_page", "root_page__locale").order_by(
            "-root_page__url_path", "-is_default_site", "hostname"
        )
    )
    translations = defaultdict(list)
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        keys = Site.objects.values("root_page__translation_key")
        for page in (
            Page.objects.filter(translation_key__in=keys)
            .select_related("locale")
            .only("translation_key", "url_path", "locale__language_code")
            .order_by("path")
        ):
            translations[page.translation_key].append(page)
    result = []
    for site in sites:
        for root in translations.get(site.root_page.translation_key) or [site.root_page]:
            result.append(
                SiteRootPath(site.id, root.url_path, site.root_url, root.locale.language_code)
            )
    # Wagtail's own callers (redirects, the admin) read the same list from its cache.
    cache.set(SITE_ROOT_PATHS_CACHE_KEY, result, 3600, version=SITE_ROOT_PATHS_CACHE_VERSION)
    return result


def bump_version():
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def get_site_index():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):
            version = cache.get(VERSION_KEY)
    index = _local["index"]
    if index is not None and _local["version"] == version:
        return index
    with _lock:
        index = SiteIndex(
            site_root_paths(),
            Site.objects.order_by().values_list("hostname", flat=True),
        )
        _local["version"], _local["index"] = version, index
    return index


def _index_for(page, cache_object):
    holder = cache_object if cache_object is not None else page
    index = getattr(holder, "_portal_site_index", None)
    if index is None:
        index = get_site_index()
        try:
            holder._portal_site_index = index
            # Wagtail code (e.g. contrib.redirects) reads and copies this attribute.
            holder._wagtail_cached_site_root_paths = index.root_paths
        except AttributeError:
            pass
    return index


def _get_site_root_paths(self, cache_object=None, **kwargs):
    return _index_for(self, cache_object or kwargs.get("request")).root_paths


def _get_relevant_site_root_paths(self, cache_object=None):
    return _index_for(self, cache_object).relevant(self.url_path)


def _get_url(self, request=None, current_site=None):
    # Same rules as wagtail.models.Page.get_url, with the site count read from the index.
    if current_site is None and isinstance(request, HttpRequest):
        current_site = Site.find_for_request(request)
    url_parts = self.get_url_parts(request=request)
    if url_parts is None or url_parts[1] is None and url_parts[2] is None:
        return None
    site_id, root_url, page_path = url_parts
    num_sites = _index_for(self, request).num_sites
    if (current_site is not None and site_id == current_site.id) or num_sites == 1:
        return page_path
    return root_url + page_path


def install_fast_page_urls():
    Page._get_site_root_paths = _get_site_root_paths
    Page._get_relevant_site_root_paths = _get_relevant_site_root_paths
    Page.get_url = _get_url
    Page.url = property(_get_url)
