"""manage.py update_catalogues fills locale/zh_Hant with the same OpenCC filler as
manage.py fill_traditional (base.catalogues.fill_traditional): every entry follows its
msgid, except those corrected by hand and marked `# 人工校对`."""

import polib

from base.catalogues import CHECKED_BY_HAND
from portal import catalogues


def test_update_catalogues_keeps_marked_hand_corrections_and_regenerates_the_rest(
    project_copy,
):
    path = catalogues.catalogue_path(project_copy / "locale", catalogues.TRADITIONAL)
    hant = catalogues.load(path)
    plain = [e for e in hant if not e.msgid_plural and CHECKED_BY_HAND not in e.tcomment]
    marked, unmarked = plain[:2]
    right = unmarked.msgstr
    marked.msgstr, marked.tcomment = "人工改過", CHECKED_BY_HAND
    unmarked.msgstr = "隨手改過"
    hant.save(str(path))

    report = catalogues.update(project_copy, project_copy / "locale", symlinks=True)

    assert report.filled == [(unmarked.msgid, right)]
    again = polib.pofile(str(path))
    assert again.find(marked.msgid).msgstr == "人工改過"
    assert again.find(unmarked.msgid).msgstr == right
