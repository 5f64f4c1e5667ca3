from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "学习"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Receivers: group permissions, daily login points, processing uploads.
        from . import access, auth, processing  # noqa: F401
