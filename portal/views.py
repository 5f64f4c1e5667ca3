import posixpath

from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_safe

from learning.ranged import serve_ranged

from .context_processors import LARGE_FONT_COOKIE

# Media folders Django never serves from /media/: documents go through Wagtail's document
# view (/documents/<id>/<name>), which checks the collection's view restriction.
PRIVATE_MEDIA = "documents"


def serve_media(request, path):
    """/media/ on the embedded set-up (PORTAL_SERVE_MEDIA), with Range, except documents —
    the same rule as nginx's `location ^~ /media/documents/` in production."""
    folder = posixpath.normpath(path).lstrip("/").split("/", 1)[0]
    if folder.lower() == PRIVATE_MEDIA:
        raise Http404
    return serve_ranged(request, path, document_root=settings.MEDIA_ROOT)


@require_GET
def font_size(request):
    """大字模式: a plain link (works without JavaScript) that sets a cookie and goes back."""
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.GET.get("size") == "large":
        response.set_cookie(
            LARGE_FONT_COOKIE,
            "large",
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=not settings.DEBUG and request.is_secure(),
        )
    else:
        response.delete_cookie(LARGE_FONT_COOKIE)
    return response


@require_safe
def favicon(request):
    """Browsers ask every host for /favicon.ico: the static file (hashed in production)."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))
