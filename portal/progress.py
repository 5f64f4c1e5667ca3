"""Progress bars for long management commands (tqdm on the command's stderr)."""

from tqdm import tqdm


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
