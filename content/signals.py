"""A moved directive takes the level and issuing organisation of its new place."""

from django.dispatch import receiver
from wagtail.signals import post_page_move

from .models import DirectivePage


@receiver(post_page_move)
def page_moved(instance, parent_page_after=None, **kwargs):
    page = instance.specific
    if isinstance(page, DirectivePage) and parent_page_after is not None:
        page.place_in_tree(parent_page_after)
        DirectivePage.objects.filter(pk=page.pk).update(
            level=page.level, issuing_organisation=page.issuing_organisation
        )
