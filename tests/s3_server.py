"""A real S3 API on a free 127.0.0.1 port: moto's server (`moto[server]`, a dev
dependency), in its own process, so the portal talks HTTP to it like to MinIO or AWS."""

import contextlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

from base.ports import free_port


def moto_binary():
    beside = Path(sys.executable).with_name("moto_server")
    return str(beside) if beside.exists() else shutil.which("moto_server")


@contextlib.contextmanager
def running_s3():
    """Yields the endpoint URL, e.g. http://127.0.0.1:40123."""
    binary = moto_binary()
    if binary is None:
        raise FileNotFoundError("moto_server is not installed (dev dependency moto[server])")
    port = free_port()
    process = subprocess.Popen(
        [binary, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(endpoint + "/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        process.wait(10)
