"""A throw-away PostgreSQL cluster on a free 127.0.0.1 port (Debian's postgresql package,
installed by .ci/run), run as the unprivileged `postgres` user when we are root. Used to
run test modules against PostgreSQL as well as SQLite."""

import contextlib
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from base.ports import free_port


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


def main(argv):
    """`python -m tests.postgres COMMAND…`: run COMMAND with DATABASE_URL pointing at a
    throw-away cluster (make test runs the suite a second time this way). Without
    PostgreSQL installed: a loud notice and exit 0 on a developer's machine, failure in
    CI (CI=true), where .ci/run installs it. `--available`: exit 0 if PostgreSQL is
    installed, 1 if not."""
    if not argv:
        print("usage: python -m tests.postgres COMMAND [ARGS…] | --available", file=sys.stderr)
        return 2
    if argv == ["--available"]:  # (for make test: where the server tests run)
        return 0 if binaries() is not None else 1
    if binaries() is None:
        message = "PostgreSQL 未安装（apt-get install postgresql）：跳过 PostgreSQL 上的第二轮测试"
        print(f"*** {message} ***", file=sys.stderr)
        return 1 if os.environ.get("CI") else 0
    with postgres_cluster() as url:
        print(f"PostgreSQL 测试库：{url}", file=sys.stderr)
        return subprocess.run(argv, env={**os.environ, "DATABASE_URL": url}).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
