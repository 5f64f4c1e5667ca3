"""ASCII slugs for Chinese titles (unicode slugs are off): editors may leave the slug
empty and it is made from the title.

The rule, at most `MAX_LENGTH` (40) characters in all:

- the title's pinyin, syllables joined by hyphens, when that is at most `FULL_PINYIN_MAX`
  (32) characters: 学习贯彻 → `xue-xi-guan-che`, 西岗街道 → `xi-gang-jie-dao`;
- otherwise the initials of the syllables, each run of Chinese characters one word, Latin
  letters and digits kept as they are: 社区开展主题党日活动 → `sqkzztdrhd`,
  2024年第一季度支部党员大会会议记录 → `2024-ndyjdzbdydhhyjl`; still longer, cut at 40;
- a title without letters, digits or Chinese gets the caller's fallback (`page`, or the
  date for 快速发布);
- when a sibling has the slug already, `-2`, `-3` … is added, the base shortened so the
  whole stays within 40.

Full pinyin up to 32 characters leaves room for that suffix and keeps the short,
readable slugs of short titles; a long title's 80 characters of pinyin helped no reader.
"""

import re

from pypinyin import Style, lazy_pinyin
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

MAX_LENGTH = 40
FULL_PINYIN_MAX = 32
HAN_RUN = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")


def pinyin_slug(text, max_length=None):
    """西岗街道 → xi-gang-jie-dao (every syllable spelled out, hyphenated)."""
    words = lazy_pinyin(text or "", errors=lambda chars: [chars])  # Latin words whole
    return _cap(_hyphenate(words), max_length)


def initials_slug(text, max_length=MAX_LENGTH):
    """社区开展主题党日活动 → sqkzztdrhd: a word of initials per run of Chinese characters,
    other letters and digits as they are, hyphens between words."""
    words = []
    for n, part in enumerate(HAN_RUN.split(text or "")):
        if n % 2:  # a run of Chinese characters
            words.append("".join(lazy_pinyin(part, style=Style.FIRST_LETTER)))
        else:
            words.append(part)
    return _cap(_hyphenate(words), max_length)


def short_slug(text, max_length=MAX_LENGTH):
    """The title's slug by the rule above (without the uniqueness suffix)."""
    full = pinyin_slug(text)
    if len(full) <= min(FULL_PINYIN_MAX, max_length):
        return full
    return initials_slug(text, max_length)


def _hyphenate(words):
    """Lowercase ASCII letters and digits of `words`, one hyphen between words and for
    anything else."""
    slug, previous_dash = [], True
    for word in words:
        for char in word.lower():
            if char.isascii() and char.isalnum():
                slug.append(char)
                previous_dash = False
            elif not previous_dash:
                slug.append("-")
                previous_dash = True
        if not previous_dash:
            slug.append("-")
            previous_dash = True
    return "".join(slug).strip("-")


def _cap(slug, max_length):
    return slug if max_length is None else slug[:max_length].strip("-")


def unique_child_slug(base, parent_page, page=None, max_length=MAX_LENGTH):
    """`base`, or `base-2`, `base-3` … : the first slug free among `parent_page`'s
    children, never longer than `max_length` (the base is shortened for the suffix)."""
    base = _cap(base, max_length)
    if parent_page is None:
        return base
    candidate, suffix = base, 1
    while not Page._slug_is_available(candidate, parent_page, page):
        suffix += 1
        tail = f"-{suffix}"
        candidate = _cap(base, max_length - len(tail)) + tail
    return candidate


def slug_for_title(title, parent_page, page=None, fallback="page"):
    """The slug a page gets when the editor leaves it empty: the title's short slug (or
    `fallback` for a title without any), made free among `parent_page`'s children."""
    return unique_child_slug(short_slug(title) or fallback, parent_page, page)


class PortalPageForm(WagtailAdminPageForm):
    """The page form of our page types: an empty slug is made from the title."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "可留空：按标题拼音自动生成（长标题取拼音首字母）"

    def clean(self):
        if "slug" in self.fields and not self.cleaned_data.get("slug"):
            self.cleaned_data["slug"] = slug_for_title(
                self.cleaned_data.get("title", ""), self.parent_page, self.instance
            )
        return super().clean()
