from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from sites.signals import organisations_ready

from . import changes
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


@receiver(page_unpublished)
def page_was_unpublished(instance, **kwargs):
    # Wagtail's publish_scheduled unpublishes pages past expire_at with expired=True.
    action = changes.ContentChange.Action.EXPIRE if instance.expired else None
    changes.record(instance, action or changes.ContentChange.Action.UNPUBLISH)


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
