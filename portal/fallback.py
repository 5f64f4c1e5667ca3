"""Fallback copies: a page asked for in a language it has no translation in.

Under /zh-hant/ or /en/, Wagtail serves the zh-hans page when the site's root has no
translation (Site.root_page.localized), and a translated organisation routes a path its
translated tree lacks through its source (sites.models.OrganisationPage.route). Either
way the page reaching `serve` is in another language than the prefix. A Wagtail
`on_serve_page` hook (portal/wagtail_hooks.py; it runs after the view-restriction check)
then serves a fallback copy:

- zh-hant: the zh-hans page converted on the fly by OpenCC (portal.translation's
  converter, text nodes and the alt/title/aria-label/placeholder/description texts only;
  markup and links stay), `<html lang="zh-Hant">`, `<link rel="canonical">` to the
  source. The converted HTML of anonymous requests for public pages is kept in the
  Django cache (shared by every process), keyed by page id, last_published_at, the
  content version (a publish below changes a home's lists), host and path.
- en: the page with the English chrome (the prefix activated English), a visible notice
  that it is shown in Chinese, and its content marked `lang="zh-Hans"`.
"""

import hashlib

from bs4 import BeautifulSoup, NavigableString
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language_from_path

from content.versions import content_version

from .context_processors import LARGE_FONT_COOKIE
from .i18n import language_tag, page_language
from .translation import VARIANTS, converter

CONVERTED = "zh-hant"
CACHE_SECONDS = 24 * 3600
TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
META_TEXTS = {"description", "og:title", "og:description"}
KEEP = "language-switcher"  # the switcher names each language in its own script


class ContentFallback:
    """What a template needs to know about a fallback copy (`request.content_fallback`)."""

    def __init__(self, page, request, language):
        self.language = language
        self.source_language = page_language(page)
        self.lang = language_tag(self.source_language)  # the content's lang attribute
        self.source_url = page.get_full_url()  # its own site's URL, not this host's
        self.converted = language == CONVERTED


def fallback_language(page, request):
    """The language a fallback copy of `page` is wanted in, or None."""
    prefixed = get_language_from_path(request.path_info)
    if not prefixed or prefixed == settings.LANGUAGE_CODE:
        return None
    if getattr(page, "locale_id", None) is None or page_language(page) == prefixed:
        return None
    return prefixed


def convert_document(html, config):
    """A whole HTML page in traditional characters: text nodes and text attributes, not
    scripts, styles or the language switcher; `lang="zh-Hans"` becomes zh-Hant."""
    soup = BeautifulSoup(html, "html.parser")
    convert = converter(config).convert
    for node in list(soup.find_all(string=True)):
        if not isinstance(node, NavigableString) or not node.strip():
            continue
        if type(node) is not NavigableString:  # comments, doctype, CDATA
            continue
        if node.find_parent(["script", "style"]) or node.find_parent(class_=KEEP):
            continue
        node.replace_with(convert(str(node)))
    for element in soup.find_all(True):
        if element.find_parent(class_=KEEP) or KEEP in (element.get("class") or []):
            continue
        for attribute in TEXT_ATTRIBUTES:
            if element.get(attribute):
                element[attribute] = convert(element[attribute])
        if element.name == "meta" and (element.get("name") or element.get("property")) in (
            META_TEXTS
        ):
            element["content"] = convert(element.get("content", ""))
        if element.get("lang") == language_tag(settings.LANGUAGE_CODE):
            element["lang"] = language_tag(CONVERTED)
    if soup.html is not None:
        soup.html["lang"] = language_tag(CONVERTED)
    return str(soup)


def cache_key(page, request):
    parts = [
        str(page.pk),
        page.last_published_at.isoformat() if page.last_published_at else "",
        content_version.current(),
        request.get_host(),
        request.get_full_path(),
        request.COOKIES.get(LARGE_FONT_COOKIE, ""),
        settings.PORTAL_OPENCC_VARIANT,
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"portal:fallback:{CONVERTED}:{page.pk}:{digest}"


def render(serve, page, request, args, kwargs):
    response = serve(page, request, args, kwargs)
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def serve_fallback(serve, page, request, args, kwargs):
    """`serve` (the rest of Wagtail's serve chain) for `page`, as its fallback copy when
    the request's language prefix wants one."""
    language = fallback_language(page, request)
    if language is None or getattr(request, "content_fallback", None) is not None:
        return serve(page, request, args, kwargs)
    request.content_fallback = ContentFallback(page, request, language)
    if language != CONVERTED:
        return render(serve, page, request, args, kwargs)
    shared = (
        not request.user.is_authenticated
        and request.method in ("GET", "HEAD")
        and not page.get_view_restrictions().exists()
    )
    key = cache_key(page, request) if shared else None
    if key is not None and (html := cache.get(key)) is not None:
        return HttpResponse(html)
    response = render(serve, page, request, args, kwargs)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return response
    config = VARIANTS[settings.PORTAL_OPENCC_VARIANT]
    response.content = convert_document(response.content.decode(), config).encode()
    # A page that handed out a CSRF token (study players) is this visitor's alone.
    if key is not None and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        cache.set(key, response.content.decode(), CACHE_SECONDS)
    return response
