"""Keep the index in step: publish → index, unpublish/delete → remove, a view
restriction added or removed → re-check the pages below it (in the worker)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished

from . import index, registry


@receiver(page_published)
def published(sender, instance, **kwargs):
    index.index_page(instance)


@receiver(page_unpublished)
def unpublished(sender, instance, **kwargs):
    index.remove_page(instance.pk)


@receiver(post_delete)
def deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and type(instance) in registry.REGISTRY:
        index.remove_page(instance.pk)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def privacy_changed(sender, instance, **kwargs):
    page_id = instance.page_id

    def enqueue():
        from .tasks import reindex_subtree

        reindex_subtree.enqueue(page_id)

    transaction.on_commit(enqueue)
