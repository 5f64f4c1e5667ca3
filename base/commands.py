"""Shared by the management commands: read the file named on the command line (or standard
input for -), and progress bars for long runs (tqdm on the command's stderr)."""

import sys

from django.core.management.base import CommandError
from tqdm import tqdm


def read_input(path):
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(f"无法读取 {path}：{exc.strerror}") from None


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
