"""Content-Security-Policy header.

Public pages get a strict policy (no inline script, everything from our own origin).

The Wagtail admin gets `script-src 'self' 'nonce-…'`: no 'unsafe-inline' for scripts. Its
own scripts are files, and the few inline ones Wagtail still renders in the page editor
(inline panels, date and time pickers) carry the request's nonce through the template
overrides in portal/templates/wagtailadmin/ (`{% csp_nonce %}`) and, for the chooser
widgets, whose `<script>` Wagtail writes in Python (BaseChooser.render), through
`nonce_chooser_scripts()` (called from portal's AppConfig.ready). What remains:
- `style-src 'unsafe-inline'`: Wagtail and its JavaScript set `style="…"` attributes
  everywhere (sidebar widths, modals, the rich-text editor), which neither nonces nor
  hashes can allow;
- `img-src data: blob:` and `font-src data:`: icons and previews Wagtail builds in the page.
"""

import contextvars
import secrets

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

PUBLIC_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
ADMIN_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self' 'nonce-{nonce}'; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'self'"
)
ADMIN_PREFIXES = ("/admin/", "/django-admin/")

_nonce = contextvars.ContextVar("csp_nonce", default="")


def csp_nonce():
    """The nonce of the admin request being answered ("" elsewhere): templates rendered
    without the request (form widgets) read it here."""
    return _nonce.get()


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public = getattr(settings, "PORTAL_CSP", PUBLIC_POLICY)

    def __call__(self, request):
        admin = request.path.startswith(ADMIN_PREFIXES)
        nonce = secrets.token_urlsafe(18) if admin else ""
        request.csp_nonce = nonce
        token = _nonce.set(nonce)
        try:
            response = self.get_response(request)  # templates are rendered in here
        finally:
            _nonce.reset(token)
        if "Content-Security-Policy" not in response:
            policy = ADMIN_POLICY.format(nonce=nonce) if admin else self.public
            response["Content-Security-Policy"] = policy
        return response


def nonce_attribute():
    nonce = csp_nonce()
    return format_html(' nonce="{}"', nonce) if nonce else ""


def nonce_chooser_scripts():
    """Give the inline script Wagtail's chooser widgets append (`…<script>new
    PageChooser(…)</script>`) the request's nonce. Only that last tag is touched: the
    widget's own HTML comes from escaped templates."""
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "nonced", False):
        return
    render = BaseChooser.render

    def nonced_render(self, *args, **kwargs):
        html, tag, script = str(render(self, *args, **kwargs)).rpartition("<script>")
        if not tag:
            return mark_safe(script)  # noqa: S308 - Wagtail's own output, unchanged
        return mark_safe(f"{html}<script{nonce_attribute()}>{script}")  # noqa: S308

    nonced_render.nonced = True
    BaseChooser.render = nonced_render
