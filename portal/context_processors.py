from django.conf import settings
from django.utils.translation import gettext, gettext_noop

LARGE_FONT_COOKIE = "portal_font"
# The default PORTAL_NAME has its translations in the catalogues; another name set in the
# environment is shown as it is in every language.
DEFAULT_PORTAL_NAME = gettext_noop("党建引领 红色门户")


def portal(request):
    fallback = getattr(request, "content_fallback", None)
    return {
        "portal_name": gettext(settings.WAGTAIL_SITE_NAME),
        "large_font": request.COOKIES.get(LARGE_FONT_COOKIE) == "large",
        # A fallback copy (portal/fallback.py); `content_lang`: the lang attribute of its
        # content when it is shown untranslated (en), so the English chrome stays English.
        "content_fallback": fallback,
        "content_lang": fallback.lang if fallback is not None and not fallback.converted else "",
    }
