from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from sites.signals import organisations_ready

from . import changes, screens
from .models import DirectivePage


@receiver(post_page_move)
def page_moved(
    instance, parent_page_after=None, url_path_before=None, url_path_after=None, **kwargs
):
    page = instance.specific
    if isinstance(page, DirectivePage) and parent_page_after is not None:
        # A moved directive takes the level and issuer of its new place.
        page.place_in_tree(parent_page_after)
        DirectivePage.objects.filter(pk=page.pk).update(
            level=page.level, issuing_organisation=page.issuing_organisation
        )
    if url_path_before != url_path_after and page.live:  # drafts never reach the feed
        changes.record(page, changes.ContentChange.Action.MOVE)


@receiver(page_published)
def page_was_published(instance, **kwargs):
    # Wagtail also sends page_published when a first publish is only scheduled (go-live in
    # the future, page not live yet): that is no event for the outlets until it goes live.
    if instance.live:
        changes.record(instance, changes.ContentChange.Action.PUBLISH)
        screens.request_rebuild(screens.groups_showing_page(instance.pk))


@receiver(page_unpublished)
def page_was_unpublished(instance, **kwargs):
    # Wagtail's publish_scheduled unpublishes pages past expire_at with expired=True.
    action = changes.ContentChange.Action.EXPIRE if instance.expired else None
    changes.record(instance, action or changes.ContentChange.Action.UNPUBLISH)
    screens.request_rebuild(screens.groups_showing_page(instance.pk))


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    # After Wagtail's own pre_delete unpublish, so the feed reads "unpublish, delete".
    # Deletion removes the specific row and its parents: record the page once, and only
    # if it was ever public (a never-published draft's title must not leak).
    if (
        isinstance(instance, Page)
        and type(instance) is instance.specific_class
        and instance.first_published_at is not None
    ):
        changes.record(instance, changes.ContentChange.Action.DELETE)


@receiver(organisations_ready)
def give_new_organisations_their_workflow(organisations, **kwargs):
    from .workflows import assign_light_workflow

    assign_light_workflow(organisations)


@receiver(post_save, sender=screens.Playlist)
@receiver(post_save, sender=screens.EmergencyInsert)
@receiver(post_save, sender=screens.DisplayGroup)
def screen_setup_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """Rebuilds run after the commit and read everything then. A new playlist or insert
    has no groups yet: m2m_changed below catches them when they are set."""
    if raw:
        return
    if sender is screens.DisplayGroup:
        if not update_fields or set(update_fields) - {"snapshot", "snapshot_hash"}:
            screens.request_rebuild([instance.pk])
    else:
        screens.request_rebuild(instance.groups.all())


@receiver(pre_delete, sender=screens.Playlist)
@receiver(pre_delete, sender=screens.EmergencyInsert)
def screen_setup_deleted(sender, instance, **kwargs):
    screens.request_rebuild(list(instance.groups.all()))


@receiver(m2m_changed, sender=screens.Playlist.groups.through)
@receiver(m2m_changed, sender=screens.EmergencyInsert.groups.through)
def screen_groups_changed(sender, instance, action, pk_set=None, **kwargs):
    if action in ("post_add", "post_remove", "pre_clear") and isinstance(
        instance, screens.Playlist | screens.EmergencyInsert
    ):
        affected = set(pk_set or []) | set(instance.groups.values_list("pk", flat=True))
        screens.request_rebuild(affected)
