"""The catalogues of strings Wagtail's own lack (locale_wagtail/): well-formed, complete
in zh_Hant, and the command that keeps zh_Hant in step with zh_Hans; the one OpenCC
filler both catalogue commands use (base.catalogues.fill_traditional)."""

import re
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

from base.catalogues import (
    CHECKED_BY_HAND,
    compile_catalogue,
    fill_traditional,
    wagtail_convert,
    write_traditional,
)

ROOT = Path(__file__).resolve().parents[2] / "locale_wagtail"
DOMAINS = ["django", "djangojs"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_0-9]*\}")
TAG = re.compile(r"</?[a-z]+")


def catalogue(language, domain):
    return polib.pofile(str(ROOT / language / "LC_MESSAGES" / f"{domain}.po"))


def translations(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("domain", DOMAINS)
def test_zh_hant_covers_every_zh_hans_msgid(domain):
    hans = {(e.msgctxt, e.msgid) for e in catalogue("zh_Hans", domain)}
    hant = {(e.msgctxt, e.msgid) for e in catalogue("zh_Hant", domain) if e.translated()}
    assert hans, "empty zh_Hans catalogue"
    assert hans - hant == set(), "run manage.py fill_traditional locale_wagtail"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
@pytest.mark.parametrize("domain", DOMAINS)
def test_every_entry_is_translated_sorted_and_keeps_placeholders_and_tags(language, domain):
    entries = list(catalogue(language, domain))
    keys = [(e.msgid, e.msgctxt or "") for e in entries]
    assert keys == sorted(keys), "keep entries sorted by msgid (merges stay easy)"
    for entry in entries:
        assert entry.translated() and "fuzzy" not in entry.flags, entry.msgid
        wanted = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        wanted_tags = sorted(TAG.findall(entry.msgid_plural or entry.msgid))
        for text in translations(entry):
            # A translation may leave a placeholder out (the "of 5 None" listing drops the
            # model name Wagtail passes as None), never bring in one the source lacks.
            assert set(PLACEHOLDER.findall(text)) <= wanted, (entry.msgid, text)
            assert sorted(TAG.findall(text)) == wanted_tags, (entry.msgid, text)
            assert not re.search(
                r"[A-Za-z]{2,}",
                PLACEHOLDER.sub("", re.sub(r"<[^>]*>", "", text))
                .replace("Wagtail", "")
                .replace("JavaScript", "")
                .replace("API", "")
                .replace("Localize", ""),
            ), text


def test_fill_traditional_converts_keeps_hand_corrections_and_drops_gone_msgids(tmp_path):
    hans = tmp_path / "zh_Hans" / "LC_MESSAGES"
    hans.mkdir(parents=True)
    source = polib.POFile()
    source.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    source.append(polib.POEntry(msgid="Search all pages…", msgstr="搜索全部页面…"))
    source.append(polib.POEntry(msgid="Video", msgstr="视频审核"))
    source.append(
        polib.POEntry(
            msgid="%(n)s page", msgid_plural="%(n)s pages", msgstr_plural={0: "%(n)s 个页面"}
        )
    )
    source.save(str(hans / "django.po"))
    hant = tmp_path / "zh_Hant" / "LC_MESSAGES"
    hant.mkdir(parents=True)
    old = polib.POFile()
    old.append(polib.POEntry(msgid="Video", msgstr="錄影審核", tcomment=CHECKED_BY_HAND))
    old.append(polib.POEntry(msgid="Gone", msgstr="已刪"))
    old.save(str(hant / "django.po"))

    call_command("fill_traditional", str(tmp_path))

    result = {e.msgid: translations(e)[0] for e in polib.pofile(str(hant / "django.po"))}
    assert result == {
        "Search all pages…": "搜索全部頁面…",
        "Video": "錄影審核",  # corrected by hand: kept
        "%(n)s page": "%(n)s 個頁面",
    }
    assert (hant / "django.mo").exists()
    # Without the hand mark, the conversion (Taiwan characters, Wagtail's terms) wins.
    (hant / "django.po").unlink()
    write_traditional(tmp_path)
    assert compile_catalogue(hant / "django.po") == 3
    converted = {e.msgid: e.msgstr for e in polib.pofile(str(hant / "django.po"))}
    assert converted["Video"] == "影片審核"


def test_fill_traditional_rewrites_all_but_current_hand_corrections_and_reports_changes():
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="发布视频", msgstr=""))  # new
    catalogue.append(polib.POEntry(msgid="保存", msgstr="儲存"))  # unchanged
    catalogue.append(polib.POEntry(msgid="用户", msgstr="用戶們"))  # edited, not marked
    catalogue.append(polib.POEntry(msgid="账户", msgstr="帳戶", tcomment=CHECKED_BY_HAND))
    stale = polib.POEntry(msgid="审核", msgstr="舊譯", tcomment=CHECKED_BY_HAND, flags=["fuzzy"])
    catalogue.append(stale)
    catalogue.append(
        polib.POEntry(msgid="%(n)s 个", msgid_plural="%(n)s 个", msgstr_plural={0: ""})
    )

    def zh_hans(entry):
        return {0: entry.msgid_plural} if entry.msgid_plural else entry.msgid

    changed = fill_traditional(catalogue, zh_hans, wagtail_convert())

    assert changed == [
        ("发布视频", "發佈影片"),
        ("用户", "使用者"),
        ("审核", "審核"),  # its msgid changed since the hand correction: regenerated
        ("%(n)s 个", "%(n)s 個"),
    ]
    assert catalogue.find("账户").msgstr == "帳戶"  # checked by hand: kept
    assert "fuzzy" not in stale.flags and CHECKED_BY_HAND not in stale.tcomment
    assert fill_traditional(catalogue, zh_hans, wagtail_convert()) == []  # a re-run: no churn
