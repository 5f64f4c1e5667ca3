"""Shared by the import commands (provision_sites, import_lexicon, import_members,
import_questions): read the file named on the command line, or standard input for -."""

import sys

from django.core.management.base import CommandError


def read_input(path):
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CommandError(f"无法读取 {path}：{exc.strerror}") from None
