"""gunicorn settings for the portal (portal-web.service runs
`gunicorn -c deploy/gunicorn.conf.py portal.wsgi`). Values come from the environment
(/etc/portal/portal.env), with defaults for one machine behind nginx.

Zero-downtime restart: `systemctl reload portal-web` sends HUP; gunicorn starts new
workers on the new code (preload_app stays off for that) and lets the old ones finish
their requests within graceful_timeout.
"""

import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} 应为整数，现为 {value!r}") from None


wsgi_app = "portal.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: 2 × cores + 1 (pages are CPU and database bound; uploads are buffered
# by nginx, so slow clients never hold a worker).
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)  # a worker silent this long is killed
graceful_timeout = 30  # on reload/stop, time to finish requests in flight
keepalive = 5  # nginx keeps upstream connections open
# Recycle workers now and then: bounds the memory of a long-lived process.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files on tmpfs, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
preload_app = False

# nginx sets X-Forwarded-For/-Proto; trust them only from nginx's addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# Logs to stdout/stderr: journald keeps them (journalctl -u portal-web).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client address (from nginx), request, status, bytes, duration in µs, referer, agent.
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(D)s "%(f)s" "%(a)s"'
)
proc_name = "portal-web"
