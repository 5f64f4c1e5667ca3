from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BaseConfig(AppConfig):
    """Listed last in INSTALLED_APPS, so its ready() runs after Wagtail's: base holds no
    models; as an app it only takes over Wagtail's reference-index save handler
    (base/reference_index.py)."""

    name = "base"
    verbose_name = "公共组件"

    def ready(self):
        from .reference_index import take_over_reference_index_signals

        take_over_reference_index_signals()
        post_migrate.connect(
            take_over_reference_index_signals, dispatch_uid="portal-reference-index"
        )
