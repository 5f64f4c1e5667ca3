from django.urls import path
from wagtail import hooks

from . import admin_views


@hooks.register("register_admin_urls")
def register_livestream_urls():
    return [
        path(
            "live/<int:page_id>/stream-key/",
            admin_views.StreamKeyView.as_view(),
            name=admin_views.STREAM_KEY_URL,
        ),
    ]
