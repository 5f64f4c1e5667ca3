from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "学习"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import access, auth  # noqa: F401 (receivers: permissions, daily login points)
