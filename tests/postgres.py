"""A throw-away PostgreSQL cluster on a free 127.0.0.1 port (Debian's postgresql package,
installed by .ci/run), run as the unprivileged `postgres` user when we are root. Used to
run test modules against PostgreSQL as well as SQLite."""

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from portal.ports import free_port


def binaries():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


@contextlib.contextmanager
def postgres_cluster():
    """Yields a DATABASE_URL for a new, empty database; removes the cluster afterwards."""
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="portal-pg-"))
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()

    def run(*command):
        subprocess.run([*as_user, *command], check=True, capture_output=True, text=True)

    try:
        run(
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "portal",
            "--locale=C.UTF-8",
            "--encoding=UTF8",
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-w",
            "-l",
            str(folder / "log"),
            "start",
        )
        run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "portal", "portal")
        yield f"postgres://portal@127.0.0.1:{port}/portal"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
