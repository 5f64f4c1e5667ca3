from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "搜索"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The searchable page types are registered by the apps that own them
        # (search/registry.py).
        from . import signals  # noqa: F401
