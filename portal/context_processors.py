from django.conf import settings

LARGE_FONT_COOKIE = "portal_font"


def portal(request):
    return {
        "portal_name": settings.WAGTAIL_SITE_NAME,
        "large_font": request.COOKIES.get(LARGE_FONT_COOKIE) == "large",
    }
