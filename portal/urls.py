from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from learning import views as learning_views
from livestream import views as live_views
from search import views as search_views
from sites import admin_urls as site_admin_urls
from sites import sitemaps
from sites import views as site_views

from . import health, views
from .api import api, api_router

urlpatterns = [
    path("django-admin/", admin.site.urls),
    # Reports limited to the user's subtree, answering first at Wagtail's own addresses.
    path("admin/", include(site_admin_urls)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("screens.urls")),  # /api/screens/v1/…, /screens/player/
    path("api/live/", include("livestream.urls")),
    path("api/v2/", api_router.urls),
    path("api/", api.urls),
    path("a11y/font/", views.font_size, name="font_size"),
    path("healthz/", health.healthz, name="healthz"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    # Browsers ask every host for /favicon.ico; the file itself is a static one.
    path("favicon.ico", views.favicon, name="favicon"),
]

if settings.PORTAL_SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", views.serve_media),  # documents excepted
    ]

if settings.LIVESTREAM_SERVE_HLS:  # development: nginx serves HLS in production
    urlpatterns += [re_path(r"^hls/(?P<path>.*)$", live_views.serve_hls, name="live_hls")]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Pages: zh-hans at the URLs they always had, translations under /zh-hant/ and /en/. The
# site directory, search and the members' own pages (sign in, my study, rankings,
# quizzes) too, so that a link from an English page (`{% url %}` adds the active prefix)
# stays English.
urlpatterns += i18n_patterns(
    path("directory/", site_views.directory, name="site_directory"),
    path("search/", search_views.search_page, name="search"),
    path("login/", learning_views.MemberLoginView.as_view(), name="member_login"),
    path("logout/", LogoutView.as_view(), name="member_logout"),
    path("learning/", include("learning.urls")),  # me/, ranking/, quiz/… (pages stay Wagtail's)
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
