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


# --- zh_Hant from zh-hans text by OpenCC ------------------------------------------------
# One filler for both kinds of catalogue: `manage.py fill_traditional locale_wagtail` (the
# zh-hans text is the msgstr of locale_wagtail/zh_Hans, write_traditional below) and
# `manage.py update_catalogues` (the zh-hans text is the msgid of locale/zh_Hant,
# portal/catalogues.py). The rule is the same: every entry is OpenCC's conversion of its
# zh-hans text, except those a person corrected and marked; only the conversion differs
# (wagtail_convert here, the site's PORTAL_OPENCC_VARIANT there).

# A translator comment that keeps a hand-corrected zh_Hant entry from being regenerated.
CHECKED_BY_HAND = "人工校对"


def is_checked_by_hand(entry):
    """Marked `# 人工校对` and still current (a fuzzy entry's msgid has changed since)."""
    return CHECKED_BY_HAND in (entry.tcomment or "") and "fuzzy" not in entry.flags


def fill_traditional(catalogue, zh_hans_text, convert):
    """(Re)write every entry of the zh_Hant `catalogue` as `convert` of its zh-hans text,
    `zh_hans_text(entry)`: a str, or {form: str} for a plural entry. Entries checked by
    hand keep their msgstr; a fuzzy one is regenerated and loses its stale mark. Nothing
    is left fuzzy. Returns [(msgid, msgstr)] of the entries whose msgstr changed, for a
    person to read."""
    changed = []
    for entry in catalogue:
        if entry.obsolete or is_checked_by_hand(entry):
            continue
        fuzzy = "fuzzy" in entry.flags
        text = zh_hans_text(entry)
        if entry.msgid_plural:
            before = {int(form): value for form, value in entry.msgstr_plural.items()}
            entry.msgstr_plural = {int(form): convert(value) for form, value in text.items()}
            after = entry.msgstr_plural
            shown = after[min(after)]
        else:
            before, after = entry.msgstr, convert(text)
            entry.msgstr = shown = after
        if fuzzy:
            entry.flags.remove("fuzzy")
            entry.tcomment = "\n".join(
                line for line in (entry.tcomment or "").splitlines() if CHECKED_BY_HAND not in line
            )
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if fuzzy or before != after:
            changed.append((entry.msgid, shown))
    return changed


# locale_wagtail/: Taiwan standard characters without phrase replacement: 审核 → 審核 and
# 发布 → 發佈, as Wagtail's own zh_Hant catalogues write them ("s2t" gives 審覈; "s2twp"
# rewrites terms, 审核 → 稽核, 发布 → 釋出).
OPENCC_CONFIG = "s2tw"
# Then the terms Wagtail's zh_Hant catalogues use where Taiwan wording differs.
TRADITIONAL_TERMS = {
    "用戶": "使用者",
    "文檔": "文件",
    "賬戶": "帳號",
    "保存": "儲存",
    "默認": "預設",
    "視頻": "影片",
    "音頻": "音訊",
    "網絡": "網路",
    "鏈接": "連結",
    "信息": "訊息",
    "塊": "區塊",
    "創建": "建立",
    "對象": "物件",
    "併發布": "並發佈",  # "并发布" read as 并发 (concurrency)
}


def wagtail_convert(config=OPENCC_CONFIG):
    """zh-hans → zh_Hant in the words of Wagtail's own zh_Hant catalogues."""
    import opencc

    opencc_convert = opencc.OpenCC(config).convert

    def convert(text):
        text = opencc_convert(text)
        for simplified_term, term in TRADITIONAL_TERMS.items():
            text = text.replace(simplified_term, term)
        return text.replace("區區塊", "區塊")

    return convert


def msgstrs_of(source):
    """entry -> the zh-hans text of its msgid: its msgstr in `source`, a zh_Hans catalogue."""
    texts = {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural if entry.msgid_plural else entry.msgstr
        for entry in source
        if not entry.obsolete
    }
    return lambda entry: texts[(entry.msgctxt, entry.msgid)]


def write_traditional(root, config=OPENCC_CONFIG):
    """Write `<root>/zh_Hant/LC_MESSAGES/<domain>.po` for every zh_Hans catalogue under
    `root`: the same msgids, msgstrs filled from the zh_Hans msgstrs (fill_traditional,
    so entries checked by hand are kept); msgids gone from zh_Hans are dropped. Returns
    [(path, number of entries)]."""
    convert = wagtail_convert(config)
    written = []
    for source_path in sorted(Path(root).glob("zh_Hans/LC_MESSAGES/*.po")):
        source = polib.pofile(str(source_path), wrapwidth=0)
        target_path = Path(root) / "zh_Hant" / "LC_MESSAGES" / source_path.name
        kept = {}
        if target_path.exists():
            for entry in polib.pofile(str(target_path)):
                if is_checked_by_hand(entry):
                    kept[(entry.msgctxt, entry.msgid)] = entry
        target = polib.POFile(wrapwidth=0)
        target.header = (
            f"由 zh_Hans/LC_MESSAGES/{source_path.name} 经 OpenCC（{config}）生成："
            f"manage.py fill_traditional {Path(root).name}。\n"
            f"人工改过的条目请加注释“# {CHECKED_BY_HAND}”。"
        )
        target.metadata = {**source.metadata, "Language": "zh_Hant"}
        for entry in source:
            if entry.obsolete:
                continue
            done = kept.get((entry.msgctxt, entry.msgid))
            if done is None:
                done = polib.POEntry(
                    msgid=entry.msgid,
                    msgctxt=entry.msgctxt,
                    msgid_plural=entry.msgid_plural,
                    comment=entry.comment,
                    flags=list(entry.flags),
                )
            target.append(done)
        fill_traditional(target, msgstrs_of(source), convert)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        target.save(str(target_path))
        written.append((target_path, len(target)))
    return written
