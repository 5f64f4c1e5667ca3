from django.urls import path

from . import feeds, player

urlpatterns = [
    path("api/screens/v1/feed/", feeds.feed, name="screen_feed"),
    path("api/screens/v1/poll/<int:group_id>/", feeds.poll, name="screen_poll"),
    path("api/screens/v1/heartbeat/", feeds.heartbeat, name="screen_heartbeat"),
    path("screens/player/", player.player, name="screen_player"),
    path("screens/player/sw.js", player.service_worker, name="screen_player_sw"),
]
