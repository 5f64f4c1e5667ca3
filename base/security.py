"""Content-Security-Policy header.

Public pages get a strict policy (no inline script, everything from our own origin). The
Wagtail admin relies on inline scripts and styles, so it gets 'unsafe-inline' for those
and nothing else.
"""

from django.conf import settings

PUBLIC_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
ADMIN_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'self'"
)
ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public = getattr(settings, "PORTAL_CSP", PUBLIC_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith(ADMIN_PREFIXES)
            response["Content-Security-Policy"] = ADMIN_POLICY if admin else self.public
        return response
