from django.apps import AppConfig


class LivestreamConfig(AppConfig):
    name = "livestream"
    verbose_name = "直播"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search.registry import register

        from .models import LiveEventPage

        register(LiveEventPage, "live", "直播", summary="description", body=("speaker",))
