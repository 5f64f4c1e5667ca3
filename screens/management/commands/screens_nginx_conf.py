"""Write the nginx configuration that answers screen polls (signed links, one-second cache).

    manage.py screens_nginx_conf --upstream 127.0.0.1:8000 --listen 127.0.0.1:8080 \
        --prefix /tmp/screens-nginx > /tmp/screens-nginx/nginx.conf
    nginx -c /tmp/screens-nginx/nginx.conf

`--part http` and `--part locations` write only the pieces to include in an existing
configuration's http{} and server{} blocks (deploy/). The output contains the link secret.
"""

import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from base.commands import write_private

SAFE = re.compile(r"^[A-Za-z0-9_\-.~+/=]{16,}$")  # quoted into an nginx string as is


def render(upstream, listen, prefix, cache_dir=None, part="standalone", workers=1):
    if part not in ("standalone", "http", "locations"):
        raise ValueError(f"unknown part {part!r}")
    return render_to_string(
        "screens/nginx-screens.conf",
        {
            "standalone": part == "standalone",
            "http": part in ("standalone", "http"),
            "locations": part in ("standalone", "locations"),
            "upstream": upstream,
            "listen": listen,
            "prefix": prefix,
            "cache_dir": cache_dir or f"{prefix}/screens-cache",
            "secret": settings.SCREENS_LINK_SECRET,
            "workers": workers,
        },
    )


class Command(BaseCommand):
    help = "Write the nginx configuration for screen polls (signed links, short cache)."

    def add_arguments(self, parser):
        parser.add_argument("--upstream", default="127.0.0.1:8000", help="the portal app server")
        parser.add_argument("--listen", default="127.0.0.1:8080")
        parser.add_argument("--prefix", default="/var/lib/portal-nginx", help="pid, temp, cache")
        parser.add_argument("--cache-dir", default=None)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument(
            "--part", default="standalone", choices=["standalone", "http", "locations"]
        )
        parser.add_argument("--output", "-o", default=None, help="file (mode 600); else stdout")

    def handle(self, *args, **options):
        if not SAFE.match(settings.SCREENS_LINK_SECRET):
            raise CommandError("SCREENS_LINK_SECRET 只能包含字母、数字和 _-.~+/=")
        conf = render(
            options["upstream"],
            options["listen"],
            options["prefix"].rstrip("/"),
            options["cache_dir"],
            options["part"],
            options["workers"],
        )
        write_private(self, conf, options["output"])
