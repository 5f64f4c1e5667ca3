from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "内容"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search.registry import register
        from sites.insite import register_cascaded
        from sites.presentation import (
            add_home_context,
            register_column_item,
            register_subtree_column,
        )

        from . import signals  # noqa: F401
        from .models import AlbumPage, ArticlePage, DirectivePage, DisclosurePage, NoticePage
        from .presentation import organisation_home_cards

        # What columns list; the 上级精神, 头条, 工作动态 and 通知公告 cards of every home;
        # directives open inside the site of every organisation below their issuer.
        register_column_item(ArticlePage)
        register_column_item(NoticePage, expires_field="expires_at")
        register_column_item(DisclosurePage)
        register_column_item(AlbumPage)  # 风采展示 lists its albums by their covers
        add_home_context(organisation_home_cards)
        register_subtree_column("news", ArticlePage)
        register_subtree_column("notices", NoticePage)
        register_cascaded(DirectivePage)

        register(
            DirectivePage,
            "directive",
            _("上级精神与文件"),
            summary="summary",
            body=("doc_number", "issuer", "body", DirectivePage.attachments_text),
            level="level",
            year="issued_at",
            organisation="issuing_organisation",
            # Directives are what members most often look for: 三会一课 should bring the
            # regulation before two dozen branches' reports of their meetings.
            boost=1.5,
            cascades=True,  # published once, found by every organisation below the issuer
        )
        register(
            ArticlePage,
            "article",
            _("动态"),
            summary=("summary", "search_description"),
            body=("body",),
            year="date",
        )
        for model, kind, label in (
            (NoticePage, "notice", _("通知公告")),
            (DisclosurePage, "disclosure", _("党务公开")),
        ):
            register(model, kind, label, summary="search_description", body=("body",), year="date")
