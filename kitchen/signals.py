"""Every publish, unpublish, expiry, move and delete of a page goes into the change feed
(and, in the same transaction, the outbox), and so does a view restriction added over
live pages or lifted from them; new organisations and new translations get their review
workflow; a changed lexicon is compiled again by every process."""

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    copy_for_translation_done,
    page_published,
    page_unpublished,
    post_page_move,
)

from sites.signals import organisations_ready

from . import changes, visibility
from .models import ContentChange, LexiconTerm, WrongFormulation
from .proofreading import bump_lexicon_version
from .workflows import assign_light_workflow, assign_to_translations


@receiver(post_page_move)
def page_moved(
    instance, parent_page_before=None, url_path_before=None, url_path_after=None, **kwargs
):
    if url_path_before != url_path_after and instance.live:  # drafts never reach the feed
        page = instance.specific
        before, after = changes.page_moved(
            page, parent_page_before, url_path_before, url_path_after
        )
        # Moved into or out of a restricted part: the public learns of it by a restrict or
        # publish event; the move itself only reaches those trusted with private pages.
        changes.record(page, ContentChange.Action.MOVE, private=before or after)


@receiver(page_published)
def page_was_published(instance, **kwargs):
    # Wagtail also sends page_published when a first publish is only scheduled (go-live in
    # the future, page not live yet): that is no event for the outlets until it goes live.
    if instance.live:
        changes.record(instance, ContentChange.Action.PUBLISH)


@receiver(page_unpublished)
def page_was_unpublished(instance, **kwargs):
    # Wagtail's publish_scheduled unpublishes pages past expire_at with expired=True.
    action = ContentChange.Action.EXPIRE if instance.expired else ContentChange.Action.UNPUBLISH
    changes.record(instance, action)


def _recorded_on_delete(instance):
    return (
        isinstance(instance, Page)
        and type(instance) is instance.specific_class
        and instance.first_published_at is not None
    )


@receiver(pre_delete)
def page_about_to_be_deleted(sender, instance, **kwargs):
    # Deleting a page deletes its view restrictions before it: whether it was private is
    # known only now.
    if _recorded_on_delete(instance):
        instance._kitchen_private = visibility.is_restricted(instance)


@receiver(post_delete)
def page_deleted(sender, instance, **kwargs):
    # After Wagtail's own pre_delete unpublish, so the feed reads "unpublish, delete".
    # Deletion removes the specific row and its parents: record the page once, and only
    # if it was ever public (a never-published draft's title must not leak).
    if _recorded_on_delete(instance):
        private = getattr(instance, "_kitchen_private", None)
        changes.record(instance, ContentChange.Action.DELETE, private=private)


@receiver(post_save, sender=PageViewRestriction)
def restriction_saved(instance, created, raw=False, **kwargs):
    if created and not raw:
        changes.restriction_added(instance)


@receiver(post_delete, sender=PageViewRestriction)
def restriction_deleted(instance, origin=None, **kwargs):
    # A restriction deleted with its page (origin: the page or a queryset of pages) makes
    # nothing public: the page is going too.
    by_page = isinstance(origin, Page) or (
        isinstance(origin, QuerySet) and issubclass(origin.model, Page)
    )
    if not by_page:
        changes.restriction_removed(instance)


@receiver(organisations_ready)
def give_new_organisations_their_workflow(organisations, **kwargs):
    assign_light_workflow(organisations)


@receiver(copy_for_translation_done, sender=CopyPageForTranslationAction)
def give_translations_their_workflow(source_obj, target_obj, **kwargs):
    # The translated parents made on the way (copy_parents) are checked too: a translated
    # branch and its translated columns all sit below the same assignment as the source.
    keys = target_obj.get_ancestors(inclusive=True).values_list("translation_key", flat=True)
    assign_to_translations(keys)


@receiver(post_save, sender=LexiconTerm)
@receiver(post_delete, sender=LexiconTerm)
@receiver(post_save, sender=WrongFormulation)
@receiver(post_delete, sender=WrongFormulation)
def lexicon_changed(**kwargs):
    transaction.on_commit(bump_lexicon_version)
