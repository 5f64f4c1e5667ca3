"""Shared by the management commands: read the file named on the command line (or standard
input for -), run an all-or-nothing import of it, and progress bars for long runs (tqdm on
the command's stderr)."""

import sys

from django.core.management.base import CommandError
from tqdm import tqdm

from . import private_files
from .tables import TableError


def read_input(path):
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(f"无法读取 {path}：{exc.strerror}") from None


def import_file(path, run, what):
    """`run(raw bytes)` on the file at `path`; its line errors (TableError) stop the command
    with every line listed and nothing written ("未导入任何{what}")."""
    raw = read_input(path)
    try:
        return run(raw)
    except TableError as exc:
        raise CommandError(f"{path}：未导入任何{what}。\n{exc}") from None


def write_private(command, text, path=None):
    """Output holding a secret (generated configuration): to `path` with mode 600, else to
    the command's stdout."""
    if not path:
        command.stdout.write(text)
        return
    private_files.write_private(path, text)


def progress_factory(command, options):
    """A `factory(total, desc)` making tqdm bars, silent at --verbosity 0."""
    enabled = options.get("verbosity", 1) >= 1

    def factory(total, desc):
        return tqdm(
            total=total,
            desc=desc,
            unit="个",
            disable=not enabled,
            file=command.stderr._out,
            leave=False,
        )

    return factory
