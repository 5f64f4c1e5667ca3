"""ASCII slugs for Chinese titles: editors type 社区开展主题党日活动 and may leave the slug
empty; it becomes she-qu-kai-zhan-zhu-ti-dang-ri-huo-dong (unicode slugs are off)."""

from pypinyin import lazy_pinyin
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page


def pinyin_slug(text, max_length=80):
    """西岗街道 → xi-gang-jie-dao."""
    words = lazy_pinyin(text or "", errors=lambda chars: list(chars))
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
    return "".join(slug).strip("-")[:max_length].strip("-")


def unique_child_slug(base, parent_page, page=None):
    """`base`, or `base-2`, `base-3` … : the first slug free among `parent_page`'s children."""
    if parent_page is None:
        return base
    candidate, suffix = base, 1
    while not Page._slug_is_available(candidate, parent_page, page):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def slug_for_title(title, parent_page, page=None, fallback="page"):
    """The slug a page gets when the editor leaves it empty: the title's pinyin (or
    `fallback` for a title without any), made free among `parent_page`'s children."""
    return unique_child_slug(pinyin_slug(title) or fallback, parent_page, page)


class PortalPageForm(WagtailAdminPageForm):
    """The page form of our page types: an empty slug becomes the title's pinyin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = "可留空：按标题拼音自动生成"

    def clean(self):
        if "slug" in self.fields and not self.cleaned_data.get("slug"):
            self.cleaned_data["slug"] = slug_for_title(
                self.cleaned_data.get("title", ""), self.parent_page, self.instance
            )
        return super().clean()
