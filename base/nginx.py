"""Start a throwaway nginx with a configuration we generate (tests, benchmarks).

The portal's nginx pieces (`manage.py screens_nginx_conf`, later the live-stream ingest)
are tested by running them in the real server, not by reading the text.
"""

import contextlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path


def nginx_binary():
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


@contextlib.contextmanager
def running_nginx(render):
    """Run nginx with the configuration `render(prefix)` returns; yields the prefix.

    The prefix is a fresh directory that nginx's unprivileged workers can enter (when run
    as root); it is removed afterwards."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx-light)")
    prefix = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
    prefix.chmod(0o755)
    (prefix / "tmp").mkdir()
    conf = prefix / "nginx.conf"
    conf.write_text(render(str(prefix)))
    command = [binary, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "nginx-error.log")]
    started = subprocess.run(command, capture_output=True, text=True)
    if started.returncode:
        shutil.rmtree(prefix, ignore_errors=True)
        raise RuntimeError(f"nginx did not start: {started.stderr.strip()}")
    try:
        yield prefix
    finally:
        subprocess.run([*command, "-s", "stop"], check=False, capture_output=True)
        pid = prefix / "nginx.pid"
        deadline = time.monotonic() + 10
        while pid.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.rmtree(prefix, ignore_errors=True)
