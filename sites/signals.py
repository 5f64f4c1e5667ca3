"""Keep the site index (sites.site_index) in step with the Site table and the tree."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from wagtail.models import Site
from wagtail.signals import post_page_move

from .models import OrganisationPage
from .site_index import bump_version

# Sent when organisations have their groups and collections (provisioning, the admin, the
# portal home); other apps hang per-organisation set-up on it (content: review workflows).
organisations_ready = Signal()


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def site_changed(**kwargs):
    bump_version()


@receiver(post_page_move)
def page_moved(instance, url_path_before=None, url_path_after=None, **kwargs):
    if url_path_before != url_path_after:
        bump_version()


@receiver(post_save)
def organisation_saved(sender, instance, created=False, raw=False, **kwargs):
    # Site roots and all their ancestors are organisations; a changed slug on one of them
    # changes the root paths. Articles and columns never hold a site, so they never bump.
    if not created and not raw and isinstance(instance, OrganisationPage):
        bump_version()
