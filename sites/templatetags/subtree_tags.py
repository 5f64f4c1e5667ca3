"""`{% chooser_title page %}`: the title the page chooser may show (sites/admin_subtree.py)."""

from django import template

from ..admin_subtree import shown_title

register = template.Library()


@register.simple_tag(takes_context=True)
def chooser_title(context, page):
    return shown_title(page, context["request"].user)
