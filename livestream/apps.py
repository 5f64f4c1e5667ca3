from django.apps import AppConfig


class LivestreamConfig(AppConfig):
    name = "livestream"
    verbose_name = "直播"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from search.registry import register
        from sites.insite import register_cascaded
        from sites.presentation import add_home_context

        from .home import live_home_card
        from .models import LiveEventPage

        # Live events join the 学习园地 card of every home and open inside the site of
        # every organisation below the one whose 学习园地 holds them.
        add_home_context(live_home_card)
        register_cascaded(LiveEventPage)

        register(LiveEventPage, "live", "直播", summary="description", body=("speaker",))
