from django.apps import AppConfig


class OrgLifeConfig(AppConfig):
    name = "orglife"
    verbose_name = "组织生活"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Receivers: tallies kept with each record's delete and each page publish; an
        # attendance or photo change makes the year's handbook stale (handbook_builds).
        from . import access, handbook_builds, tallies  # noqa: F401
