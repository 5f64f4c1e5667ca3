from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from .context_processors import LARGE_FONT_COOKIE


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
