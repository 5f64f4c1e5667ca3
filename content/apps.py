from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "内容"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sites.presentation import add_home_context, register_column_item

        from . import signals  # noqa: F401
        from .models import ArticlePage, DisclosurePage, NoticePage
        from .presentation import organisation_directives_context

        register_column_item(ArticlePage)
        register_column_item(NoticePage, expires_field="expires_at")
        register_column_item(DisclosurePage)
        add_home_context(organisation_directives_context)  # 上级精神 and pinned directives
