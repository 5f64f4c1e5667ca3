from django.apps import AppConfig
from django.conf import settings


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "门户"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from base.pictures import register_alt_text_converter
        from base.security import nonce_chooser_scripts

        from . import i18n  # noqa: F401  (translated directives follow their library)
        from .admin_labels import label_upstream_fields
        from .translation import TARGET, VARIANTS, converter

        # Images' own alt texts on zh-hant pages: traditional, as the translator writes them.
        variant = VARIANTS[settings.PORTAL_OPENCC_VARIANT]
        register_alt_text_converter(TARGET, lambda text: converter(variant).convert(text))
        nonce_chooser_scripts()  # the admin CSP has no 'unsafe-inline' for scripts
        label_upstream_fields()  # fields and columns Wagtail leaves to English auto labels
