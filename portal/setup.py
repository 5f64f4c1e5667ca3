"""Create the portal home (the city) and its default site, idempotently."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from kitchen.workflows import ensure_workflows
from sites.access import ensure_access
from sites.kinds import OrganisationKind
from sites.skeleton import apply_skeleton

from .models import PortalHomePage


@transaction.atomic
def ensure_portal_home(title, code, **fields):
    """The single PortalHomePage, the default Site on PORTAL_DOMAIN, columns and groups."""
    home = PortalHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's installer leaves a placeholder "Welcome" page; the portal replaces it.
        for page in root.get_children().exact_type(Page):
            Site.objects.filter(root_page=page).delete()
            page.delete()
        root.refresh_from_db()
        home = PortalHomePage(
            title=title, code=code, slug=code, kind=OrganisationKind.CITY, **fields
        )
        root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    wanted = (settings.PORTAL_DOMAIN, settings.PORTAL_PORT, home.pk, home.title)
    if (site.hostname, site.port, site.root_page_id, site.site_name) != wanted:
        site.hostname, site.port, site.root_page, site.site_name = (
            settings.PORTAL_DOMAIN,
            settings.PORTAL_PORT,
            home,
            home.title,
        )
        site.save()
    apply_skeleton(home)
    ensure_access([home])
    ensure_workflows(home)
    return home
