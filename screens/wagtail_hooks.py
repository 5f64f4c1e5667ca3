"""Admin integration of the metro screens: the 地铁屏 menu and the play report."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet

from . import admin_views

register_snippet(admin_views.ScreensViewSetGroup)


@hooks.register("register_admin_urls")
def register_screen_urls():
    return admin_views.admin_urls()  # /admin/screens/plays/ (播放统计)
