"""Write a complete nginx configuration for live events: nginx-rtmp ingest with the
portal's callbacks, HLS and recording, and an HTTP server for /hls/ (proxying the rest
to the portal).

    manage.py livestream_nginx_conf --rtmp-port 1935 --http-port 8080 \\
        --upstream 127.0.0.1:8000 --prefix var/live/nginx -o var/live/nginx/nginx.conf
    nginx -c $PWD/var/live/nginx/nginx.conf -p $PWD/var/live/nginx

Debian: apt-get install nginx-light libnginx-mod-rtmp. The output contains the callback
secret (LIVESTREAM_CALLBACK_SECRET).
"""

import os
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from base.commands import write_private

RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"
FRAGMENT_S = 2  # HLS fragment length; the push should have a keyframe every 2 s
PLAYLIST_S = 6  # playlist length: 3 fragments
SAFE = re.compile(r"^[A-Za-z0-9_\-.~]{16,}$")  # goes into a URL and an nginx string as is


def render(
    *,
    rtmp_port,
    http_port,
    upstream,
    hls_dir,
    record_dir,
    prefix,
    host="127.0.0.1",
    module=RTMP_MODULE,
    user=None,
):
    secret = settings.LIVESTREAM_CALLBACK_SECRET
    if not SAFE.match(secret):
        raise ValueError("LIVESTREAM_CALLBACK_SECRET 只能包含字母、数字和 _-.~，至少 16 位")
    return render_to_string(
        "livestream/nginx-live.conf",
        {
            "rtmp_port": rtmp_port,
            "http_port": http_port,
            "upstream": upstream,
            "callback": f"http://{upstream}/api/live/callbacks",
            "secret": secret,
            "hls_dir": str(Path(hls_dir).resolve()),
            "record_dir": str(Path(record_dir).resolve()),
            "prefix": str(Path(prefix).resolve()),
            "host": host,
            "module": module,
            "user": user,
            "fragment": FRAGMENT_S,
            "playlist": PLAYLIST_S,
        },
    )


class Command(BaseCommand):
    help = "Write the nginx configuration for live events (RTMP ingest, HLS, recording)."

    def add_arguments(self, parser):
        parser.add_argument("--rtmp-port", type=int, default=1935)
        parser.add_argument("--http-port", type=int, default=8080, help="serves /hls/")
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--upstream", default="127.0.0.1:8000", help="the portal")
        parser.add_argument("--hls-dir", default=str(settings.LIVESTREAM_HLS_DIR))
        parser.add_argument("--record-dir", default=str(settings.LIVESTREAM_RECORD_DIR))
        parser.add_argument(
            "--prefix", default=str(settings.VAR_DIR / "live" / "nginx"), help="pid, logs, temp"
        )
        parser.add_argument("--module", default=RTMP_MODULE, help="ngx_rtmp_module.so")
        parser.add_argument(
            "--user", default=None, help="nginx workers' user when started as root (nginx: nobody)"
        )
        parser.add_argument("--output", "-o", default=None, help="file (mode 600); else stdout")

    def handle(self, *args, **options):
        for folder in (options["hls_dir"], options["record_dir"], options["prefix"]):
            Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(options["prefix"]) / "tmp").mkdir(exist_ok=True)
        options["user"] = options["user"] or None  # --user "$USER" with USER unset
        if os.geteuid() == 0:
            # nginx started as root runs its workers as --user (default nobody): they
            # write the HLS fragments and the recording, so those folders are theirs.
            for folder in (options["hls_dir"], options["record_dir"]):
                shutil.chown(folder, user=options["user"] or "nobody")
        try:
            conf = render(
                rtmp_port=options["rtmp_port"],
                http_port=options["http_port"],
                upstream=options["upstream"],
                hls_dir=options["hls_dir"],
                record_dir=options["record_dir"],
                prefix=options["prefix"],
                host=options["host"],
                module=options["module"],
                user=options["user"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        write_private(self, conf, options["output"])
