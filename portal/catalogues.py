"""Keeping the message catalogues of locale/ in step with the code (manage.py
update_catalogues).

The msgids are the zh-hans text as written in the templates and the code, so zh-hans
needs no catalogue; zh_Hant and en translate it. One run:

1. makemessages for zh_Hant and en over the project (templates/ and every app; not
   tests/, bench/, deploy/, static/, var/ or the virtualenv), without obsolete entries,
   with file names but no line numbers (an edit elsewhere in a file does not move every
   entry) and without wrapping, so two branches that add strings to the same catalogue
   merge and a re-run after the merge regenerates the same file;
2. drops the entries that are not ours: a msgid without a Chinese character comes from
   a copied Wagtail template ("Explore", "Upload"); Wagtail's own catalogues translate it,
   and a copy here would shadow them (locale/ comes first in LOCALE_PATHS);
3. writes every zh_Hant entry as OpenCC's conversion of its msgid (the variant of
   PORTAL_OPENCC_VARIANT, as for page content; base.catalogues.fill_traditional, the
   filler `manage.py fill_traditional` uses too), marking nothing fuzzy, and lists what
   changed so that someone reads it; an entry corrected by hand keeps its msgstr when its
   translator comment says `# 人工校对` (CHECKED_BY_HAND);
4. lists the en entries still untranslated or fuzzy (translated by hand).

base/catalogues.py compiles the .po files (make install).
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

from base.catalogues import fill_traditional

from .translation import VARIANTS, converter

TRADITIONAL = "zh_Hant"
ENGLISH = "en"
LANGUAGES = (TRADITIONAL, ENGLISH)
DOMAIN = "django"
# Where no UI string of ours lives (makemessages also skips dot-directories: .venv, .git).
IGNORE = ["tests", "bench", "deploy", "static", "var", "locale", "locale_wagtail", "node_modules"]
# A Chinese character or CJK / full-width punctuation: "{{ label }}（{{ n }}）" is ours too.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_ours(entry):
    return bool(CHINESE.search(entry.msgid))


def key(entry):
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def catalogue_path(locale_dir, language):
    return Path(locale_dir) / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def opencc_convert():
    return converter(VARIANTS[settings.PORTAL_OPENCC_VARIANT]).convert


def load(path):
    return polib.pofile(str(path), wrapwidth=0)


def is_missing(entry):
    return "fuzzy" in entry.flags or not entry.translated()


def extract(root=".", symlinks=False):
    """makemessages for zh_Hant and en, run in `root` (the project directory), into
    settings.LOCALE_PATHS[0]."""
    previous = os.getcwd()
    os.chdir(root)
    try:
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            domain=DOMAIN,
            extensions=["html", "txt", "py"],
            ignore_patterns=IGNORE,
            no_obsolete=True,
            add_location="file",
            no_wrap=True,
            symlinks=symlinks,
            verbosity=0,
        )
    finally:
        os.chdir(previous)


HEADER = (
    "Interface strings of the party-building portal: the msgids are the zh-hans text.\n"
    "Kept in step by `manage.py update_catalogues` (portal/catalogues.py); compiled by\n"
    "`make install` (base/catalogues.py)."
)


def set_header(catalogue, language):
    """A real header instead of makemessages' template (which is marked fuzzy)."""
    catalogue.header = HEADER
    catalogue.metadata_is_fuzzy = 0
    catalogue.metadata.update(
        {
            "Project-Id-Version": "portal",
            "Language": language,
            "Last-Translator": "",
            "Language-Team": "",
            "PO-Revision-Date": catalogue.metadata.get("POT-Creation-Date", ""),
        }
    )


def drop_foreign(catalogue):
    for entry in [entry for entry in catalogue if not is_ours(entry)]:
        catalogue.remove(entry)


def zh_hans_text(entry):
    """The zh-hans text of an entry of ours is its msgid (zh_Hant has one plural form; the
    Chinese plural msgid is the singular's)."""
    return {0: entry.msgid_plural} if entry.msgid_plural else entry.msgid


def still_missing(catalogue):
    return [entry for entry in catalogue if not entry.obsolete and is_missing(entry)]


def _without_creation_date(text):
    return re.sub(r'^"POT-Creation-Date: .*\\n"$', "", text, flags=re.M)


@dataclass
class Report:
    filled: list = field(default_factory=list)  # zh_Hant (msgid, msgstr) OpenCC changed
    missing: list = field(default_factory=list)  # en entries without a translation
    entries: dict = field(default_factory=dict)  # language -> number of entries
    changed: list = field(default_factory=list)  # catalogue files written


def update(root=".", locale_dir=None, symlinks=False):
    """The whole run (see the module docstring); returns a Report."""
    locale_dir = Path(locale_dir or settings.LOCALE_PATHS[0])
    paths = {language: catalogue_path(locale_dir, language) for language in LANGUAGES}
    before = {lang: p.read_text() if p.exists() else None for lang, p in paths.items()}
    extract(root, symlinks=symlinks)
    report = Report()
    for language, path in paths.items():
        catalogue = load(path)
        drop_foreign(catalogue)
        if catalogue.metadata_is_fuzzy:
            set_header(catalogue, language)
        if language == TRADITIONAL:
            report.filled = fill_traditional(catalogue, zh_hans_text, opencc_convert())
        else:
            report.missing = still_missing(catalogue)
        report.entries[language] = len(catalogue)
        catalogue.save(str(path))
        text = path.read_text()
        # Only the date makemessages stamps changed: keep the file as it was.
        old = before[language]
        if old is not None and _without_creation_date(text) == _without_creation_date(old):
            path.write_text(old)
        else:
            report.changed.append(path)
    return report
