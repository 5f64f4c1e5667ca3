"""The admin page listing's "Site" filter, sized for 5,273 sites.

Wagtail's explorer offers every Site as a checkbox in its filter panel. At 5,273 sites
that is 900 KiB of HTML on every explorer page, for a branch secretary on a phone as
much as for anyone (~1 s per page in bench/provisioning.py). Here the filter offers the
sites of the user's top organisation and one level below it: a branch editor sees their
branch, a district editor their district and its streets, a superuser the portal and
the districts.
"""

from django.core.exceptions import ImproperlyConfigured
from wagtail.admin.views.pages import listing
from wagtail.models import Page, Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from .tree import descendants_q


def sites_near(request):
    top = PagePermissionPolicy().explorable_root_instance(request.user)
    if top is None:
        return Site.objects.none()
    if top.depth == 1:  # the tree root (superusers): start at the portal home
        top = Page.objects.filter(depth=2).order_by("path").first() or top
    roots = Page.objects.filter(descendants_q(top, inclusive=True), depth__lte=top.depth + 1)
    return Site.objects.filter(root_page__in=roots)


def install_site_filter():
    """Point Wagtail's own "Site" filter at sites_near.

    The same filter instance is shared by PageFilterSet and GenericPageFilterSet (and
    copied into every listing's filterset), so setting its queryset here reaches every
    page listing, whichever PageViewSet serves it.
    """
    listing.PageFilterSet.base_filters["site"].queryset = sites_near
    if listing.GenericPageFilterSet.base_filters["site"].queryset is not sites_near:
        raise ImproperlyConfigured("Wagtail's page listing no longer shares its site filter")
