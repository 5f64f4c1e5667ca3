"""Wagtail's reference index ("usage" counts), kept up to date without failing tasks.

Wagtail enqueues `update_reference_index_task(<model>, <pk>)` on every save of an indexed
model and of its inline children (leaders of an organisation, attachments of a directive),
and the task looks the saved row up again when the worker gets to it. Inline children are
not stable rows: wagtail-localize rewrites a translation's children on every save of the
translation, so by the time the worker runs, the child it was asked about is gone and the
task fails with `<Child>.DoesNotExist` — a traceback in the worker's log for nothing (the
index is recorded against the parent page anyway; Wagtail's task walks up to it).

So the save handler is replaced, for every model Wagtail tracks: a child's save enqueues
the index update of the object it belongs to (found from the child's own parental-key
column, no query), and the task treats an object deleted in the meantime as done (its
index rows went with it: Wagtail's delete handler, left in place, removes them).
"""

import logging

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import task
from modelcluster.fields import ParentalKey
from wagtail import signal_handlers as wagtail_signals
from wagtail.models import ReferenceIndex

logger = logging.getLogger("portal.reference_index")


def _parental_key(model):
    for field in model._meta.get_fields():
        if isinstance(field, ParentalKey):
            return field
    return None


def indexed_owner(instance):
    """(model, pk) of the object whose references `instance`'s save changes: the instance
    itself, or for an inline child the object at the top of its parental keys."""
    model, pk = type(instance), instance.pk
    field = _parental_key(model)
    while field is not None:
        model, pk = field.related_model, getattr(instance, field.attname)
        if pk is None:
            return None
        field = _parental_key(model)
        if field is not None:  # a child of a child: only then is a lookup needed
            instance = model._default_manager.filter(pk=pk).first()
            if instance is None:
                return None
    return model, pk


@task()
def update_reference_index(app_label, model_name, pk):
    model = apps.get_model(app_label, model_name)
    instance = model._default_manager.filter(pk=pk).first()
    if instance is None:
        logger.debug("%s.%s %s 已删除，无需更新引用索引", app_label, model_name, pk)
        return
    if ReferenceIndex.is_indexed(model):
        with transaction.atomic():
            ReferenceIndex.create_or_update_for_object(instance)


def update_reference_index_on_save(instance, raw=False, **kwargs):
    # As Wagtail's handler: not while loading fixtures, not inside
    # disable_reference_index_auto_update().
    if raw or getattr(wagtail_signals.reference_index_auto_update_disabled, "value", False):
        return
    owner = indexed_owner(instance)
    if owner is None:
        return
    model, pk = owner
    update_reference_index.enqueue(model._meta.app_label, model._meta.model_name, str(pk))


def take_over_reference_index_signals(**kwargs):
    """Swap Wagtail's save handler for ours on every tracked model (at start-up, after
    Wagtail registered its models, and after migrate, which reconnects Wagtail's)."""
    for model in list(ReferenceIndex.tracked_models):
        post_save.disconnect(wagtail_signals.update_reference_index_on_save, sender=model)
        post_save.connect(update_reference_index_on_save, sender=model)
