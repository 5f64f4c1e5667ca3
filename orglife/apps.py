from django.apps import AppConfig


class OrgLifeConfig(AppConfig):
    name = "orglife"
    verbose_name = "组织生活"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from content.reader_notes import register_directive_note

        # Receivers: tallies kept with each record's delete and each page publish; an
        # attendance or photo change makes the year's handbook stale (handbook_builds).
        from . import access, handbook_builds, tallies  # noqa: F401
        from .page_status import directive_relay_note

        # The 传达学习 status on a directive's public page (content/reader_notes.py).
        register_directive_note(directive_relay_note)
