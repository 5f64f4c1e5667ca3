from django.apps import AppConfig


class KitchenConfig(AppConfig):
    name = "kitchen"
    verbose_name = "中央厨房"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from base.panels import plug

        from . import signals  # noqa: F401
        from .panels import ProofreadingFindingsPanel

        plug("page-form-top", ProofreadingFindingsPanel)
