"""Which page types each column offers, by the column's purpose (ColumnPage.purpose).

An editor adding a page to 支部动态 should be asked nothing: it takes 文章 (and 风采展示
albums), 通知公告 takes 通知, 党务公开 takes 公开事项, a 文件 column 文件 (directives,
written only in a DirectiveIndexPage of the organisation's own level). Structural page
types — 栏目, 文件栏目, 学习园地 and organisations — change the shape of a site: only the
city's administrators (superusers) are offered them, anywhere.

`PAGE_TYPES` is the one table: the editor's add-subpage screen (through
`can_create_at`, sites.models.OfferedByColumnPurpose) and 快速发布
(kitchen/quick_publish.py, which creates the first type of its column's purpose) both
read it. Page types are named by label, as the skeletons name them, so this module
imports no app above sites.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ColumnPurpose(models.TextChoices):
    NEWS = "news", _("支部动态")
    NOTICES = "notices", _("通知公告")
    DISCLOSURE = "disclosure", _("党务公开")
    FILES = "files", _("文件")
    GENERAL = "general", _("栏目")


# purpose -> the page types editors may add in such a column; the first is its item type.
PAGE_TYPES = {
    ColumnPurpose.NEWS: ("content.ArticlePage", "content.AlbumIndexPage"),
    ColumnPurpose.NOTICES: ("content.NoticePage",),
    ColumnPurpose.DISCLOSURE: ("content.DisclosurePage",),
    ColumnPurpose.FILES: ("content.DirectivePage",),
    ColumnPurpose.GENERAL: ("content.ArticlePage",),
}

# Offered to superusers only (they may add anything Wagtail's own rules allow).
STRUCTURAL = frozenset(
    {
        "orgs.ColumnPage",
        "orgs.OrganisationPage",
        "portal.PortalHomePage",
        "content.DirectiveIndexPage",
        "learning.CourseIndexPage",
    }
)


def item_type(purpose):
    """The label of the page type a column of `purpose` is for (快速发布 creates it)."""
    return PAGE_TYPES[purpose][0]


def offered(label, purpose, user):
    """Whether the page type `label` is offered to `user` under a parent whose column
    purpose is `purpose` (None: the parent is no column). Without a user (no request:
    provisioning, the shell) and for superusers, nothing is held back."""
    if user is None or user.is_superuser:
        return True
    if label in STRUCTURAL:
        return False
    if purpose is None:
        return True
    return label in PAGE_TYPES.get(purpose, ())
