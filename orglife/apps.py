from django.apps import AppConfig


class OrgLifeConfig(AppConfig):
    name = "orglife"
    verbose_name = "组织生活"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Receivers: tallies kept with each record's delete and each page publish.
        from . import access, tallies  # noqa: F401

        # Receivers: an attendance or photo change makes the year's handbook stale.
        from . import handbook_builds  # noqa: F401
