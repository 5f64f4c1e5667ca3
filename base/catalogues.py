"""Message catalogues compiled without GNU gettext: `make install` runs
`python -m base.catalogues locale locale_wagtail`, which writes each stale
`<dir>/<lang>/LC_MESSAGES/django.mo` from its `.po` (polib, as msgfmt would: fuzzy and
untranslated entries are left out, so Django falls through to the next catalogue).

`locale/` holds the project's own strings (extracted by makemessages); `locale_wagtail/`
the strings Wagtail 8's and its add-ons' catalogues lack, filled by hand. Both are in
settings.LOCALE_PATHS, ahead of every app's own catalogue.
"""

import sys
from pathlib import Path

import polib


def catalogue_files(*roots):
    for root in roots:
        yield from sorted(Path(root).glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(po_path):
    """Write the .mo beside `po_path`; returns the number of messages it holds."""
    catalogue = polib.pofile(str(po_path))
    for entry in list(catalogue):
        if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
            catalogue.remove(entry)
    catalogue.save_as_mofile(str(Path(po_path).with_suffix(".mo")))
    return len(catalogue)


def compile_stale(*roots, force=False):
    """Compile every catalogue whose .mo is missing or older than its .po."""
    compiled = []
    for po_path in catalogue_files(*roots):
        mo_path = po_path.with_suffix(".mo")
        if force or not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            compiled.append((po_path, compile_catalogue(po_path)))
    return compiled


def main(argv):
    force = "--force" in argv
    roots = [arg for arg in argv if not arg.startswith("--")]
    for po_path, count in compile_stale(*roots, force=force):
        print(f"{po_path.with_suffix('.mo')}: {count} 条")


if __name__ == "__main__":
    main(sys.argv[1:])
