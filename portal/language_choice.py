"""A visitor's first request picks the language their browser asks for; their own choice
wins afterwards (settings "Language and time").

For GET and HEAD of public pages without a language prefix (zh-hans URLs):

- `?lang=<code>` (the switcher's link to the zh-hans version) is an explicit choice: it
  is stored in the `django_language` cookie and the visitor is sent to the same URL
  without it.
- With that cookie: zh-hans stays; zh-hant or en is redirected to the prefixed URL.
- Without it, the browser's Accept-Language decides, by its first Chinese or English
  entry: zh-TW, zh-HK, zh-MO, zh-Hant → /zh-hant/…, en-* → /en/…, anything else (zh-CN,
  zh, none at all: crawlers) stays zh-hans. No redirect is made to a URL that does not
  exist under the prefix.

Visiting a prefixed URL (/zh-hant/…, /en/…: the switcher's other links) is a choice too
and is remembered in the cookie. The responses whose redirect depended on the cookie and
the header say so (`Vary: Accept-Language, Cookie`). The admin, the APIs, media, static
files and the screens are never redirected.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import is_valid_path
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path
from django.utils.translation.trans_real import parse_accept_lang_header

NOT_PAGES = (
    "/admin/",
    "/django-admin/",
    "/api/",
    "/static/",
    "/media/",
    "/documents/",
    "/screens/",
    "/hls/",
    "/healthz/",
    "/a11y/",
    "/robots.txt",
    "/sitemap.xml",
    "/favicon.ico",
)
TRADITIONAL = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")
CHOICE = "lang"  # ?lang=zh-hans


def language_from_accept(header):
    """The content language an Accept-Language header asks for first, or None."""
    for tag, _quality in parse_accept_lang_header(header or ""):
        tag = tag.lower()
        if tag.startswith(TRADITIONAL):
            return "zh-hant"
        if tag == "en" or tag.startswith("en-"):
            return "en"
        if tag == "zh" or tag.startswith("zh-"):
            return settings.LANGUAGE_CODE
    return None


def is_public_page_request(request):
    return request.method in ("GET", "HEAD") and not request.path_info.startswith(NOT_PAGES)


def known(code):
    return code in {language for language, _name in settings.LANGUAGES}


class LanguageChoiceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public_page_request(request):
            return self.get_response(request)
        cookie = settings.LANGUAGE_COOKIE_NAME
        prefixed = get_language_from_path(request.path_info)
        if prefixed:
            response = self.get_response(request)
            if request.COOKIES.get(cookie) != prefixed and response.status_code == 200:
                self.remember(response, prefixed)
            return response
        chosen = request.GET.get(CHOICE)
        if chosen is not None and known(chosen):
            query = request.GET.copy()
            del query[CHOICE]
            url = request.path + (f"?{urlencode(query, doseq=True)}" if query else "")
            response = HttpResponseRedirect(url)
            self.remember(response, chosen)
            return response
        wanted = request.COOKIES.get(cookie)
        if not known(wanted):
            wanted = language_from_accept(request.headers.get("Accept-Language"))
        if wanted and wanted != settings.LANGUAGE_CODE:
            path = f"/{wanted}{request.path_info}"
            urlconf = getattr(request, "urlconf", None)
            if is_valid_path(path, urlconf):
                query = request.META.get("QUERY_STRING", "")
                response = HttpResponseRedirect(
                    f"{request.META.get('SCRIPT_NAME', '')}{path}" + (f"?{query}" if query else "")
                )
                patch_vary_headers(response, ("Accept-Language", "Cookie"))
                return response
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    @staticmethod
    def remember(response, language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
