"""Keep the site index (sites.site_index) in step with the Site table and the tree."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver
from django.utils import timezone
from wagtail.models import Site
from wagtail.signals import page_published, post_page_move

from .models import OrganisationPage
from .presentation import is_column_item
from .site_index import bump_version
from .updates import page_published_below

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


@receiver(page_published)
def move_update_dates(sender, instance, revision=None, **kwargs):
    # Wagtail also sends page_published when a first publish is only scheduled: nothing
    # visible changed until it goes live (its go-live publish sends it again).
    if instance.live and is_column_item(type(instance)):
        page_published_below(instance, instance.last_published_at or timezone.now())
