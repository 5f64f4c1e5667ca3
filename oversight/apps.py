from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("监督")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Receivers: the nightly run queued from the periodic task (kitchen.tasks
        # schedules_ran); an organisation's status refreshed after its publish or record.
        from . import schedule  # noqa: F401
