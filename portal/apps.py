from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from base.security import nonce_chooser_scripts

        from . import i18n  # noqa: F401  (translated directives follow their library)

        nonce_chooser_scripts()  # the admin CSP has no 'unsafe-inline' for scripts
