from django.apps import AppConfig


class ScreensConfig(AppConfig):
    name = "screens"
    verbose_name = "地铁屏"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
