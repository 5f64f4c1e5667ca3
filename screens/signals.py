"""Rebuild the snapshots a change affects: a screen page published, unpublished or
expired, a playlist, an insert or a group saved; and the stale ones on every run of the
kitchen's periodic task."""

from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from kitchen.tasks import schedules_ran

from .models import DisplayGroup, EmergencyInsert, Playlist
from .snapshots import groups_showing_page, request_rebuild
from .tasks import rebuild_stale_snapshots


@receiver(page_published)
def page_was_published(instance, **kwargs):
    # A first publish that is only scheduled (go-live in the future) is not on screen yet.
    if instance.live:
        request_rebuild(groups_showing_page(instance.pk))


@receiver(page_unpublished)
def page_was_unpublished(instance, **kwargs):
    request_rebuild(groups_showing_page(instance.pk))


@receiver(post_save, sender=Playlist)
@receiver(post_save, sender=EmergencyInsert)
@receiver(post_save, sender=DisplayGroup)
def screen_setup_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """Rebuilds run after the commit and read everything then. A new playlist or insert
    has no groups yet: m2m_changed below catches them when they are set."""
    if raw:
        return
    if sender is DisplayGroup:
        if not update_fields or set(update_fields) - {"snapshot", "snapshot_hash"}:
            request_rebuild([instance.pk])
    else:
        request_rebuild(instance.groups.all())


@receiver(pre_delete, sender=Playlist)
@receiver(pre_delete, sender=EmergencyInsert)
def screen_setup_deleted(sender, instance, **kwargs):
    request_rebuild(list(instance.groups.all()))


@receiver(m2m_changed, sender=Playlist.groups.through)
@receiver(m2m_changed, sender=EmergencyInsert.groups.through)
def screen_groups_changed(sender, instance, action, pk_set=None, **kwargs):
    if action in ("post_add", "post_remove", "pre_clear") and isinstance(
        instance, Playlist | EmergencyInsert
    ):
        affected = set(pk_set or []) | set(instance.groups.values_list("pk", flat=True))
        request_rebuild(affected)


@receiver(schedules_ran)
def rebuild_stale(**kwargs):
    rebuild_stale_snapshots()
