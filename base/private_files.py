"""Files and folders only the portal's own account may read: var/ (the embedded database,
generated secrets, local media) is 0700, the SQLite file and secrets 0600, from the moment
they exist (created with that mode, not chmod-ed after a world-readable moment)."""

import os
from pathlib import Path


def private_dir(path):
    """Create `path` (and missing parents) with the leaf 0700; tighten it if it exists."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(path, 0o700)
    return path


def private_file(path):
    """Create `path` empty with mode 0600 if it does not exist; tighten it if it does.
    A missing folder is created 0700; an existing one is left as it is (it may be shared).
    SQLite gives its -wal, -shm and -journal files the database file's mode."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    _tighten(path, 0o600)
    return path


def write_private(path, text):
    """Write `text` to `path`, readable by the owner only."""
    private_file(path).write_text(text)


def _tighten(path, mode):
    if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o777 != mode:
        path.chmod(mode)
