from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "内容"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
