from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "学习"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import auth  # noqa: F401 (daily login points)
