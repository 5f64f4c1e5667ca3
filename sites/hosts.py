"""Answer only for hosts the portal knows; everything else gets the portal's Chinese 404.

ALLOWED_HOSTS is "*" because organisation sites are created at run time (5,000+ hostnames,
some explicit); this middleware does the host check instead, against the site index, so a
new site works at once and an unknown or mistyped hostname never reaches a view.
"""

from django.conf import settings
from django.http.request import split_domain_port
from django.template.response import TemplateResponse

from .site_index import get_site_index


def portal_root_url(request):
    port = request.get_port()
    default_port = "443" if request.is_secure() else "80"
    scheme = "https" if request.is_secure() else "http"
    suffix = "" if port == default_port else f":{port}"
    return f"{scheme}://{settings.PORTAL_DOMAIN}{suffix}/"


class KnownHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hostname, _ = split_domain_port(request._get_raw_host())
        hostname = hostname.lower()
        if not self.is_known(hostname) and not request.path.startswith(settings.STATIC_URL):
            return self.unknown_host(request, hostname)
        return self.get_response(request)

    @staticmethod
    def is_known(hostname):
        return (
            hostname == settings.PORTAL_DOMAIN
            or hostname in settings.PORTAL_EXTRA_HOSTS
            or hostname in get_site_index().hostnames
        )

    @staticmethod
    def unknown_host(request, hostname):
        response = TemplateResponse(
            request,
            "404_unknown_host.html",
            {"hostname": hostname[:253], "portal_url": portal_root_url(request)},
            status=404,
        )
        return response.render()
