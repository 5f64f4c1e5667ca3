"""`{% load sharing %}`: what a page tells search engines and chat apps about itself
(templates/base.html <head>): its description and its Open Graph picture."""

import re

from django import template
from django.utils.html import strip_tags
from django.utils.text import Truncator

from base import pictures

register = template.Library()

DESCRIPTION_CHARS = 120
# Tried in this order: what the editor wrote as a summary, the promote tab's description,
# a column's intro, then the start of the body (ChannelFieldsMixin.plain_summary).
DESCRIPTION_FIELDS = ("summary", "search_description", "intro", "plain_summary")


@register.simple_tag
def page_description(page):
    """A page's one-paragraph description, plain text, or "" when it has none."""
    for name in DESCRIPTION_FIELDS:
        value = getattr(page, name, "") if page is not None else ""
        text = re.sub(r"\s+", " ", strip_tags(str(value or ""))).strip()
        if text:
            return Truncator(text).chars(DESCRIPTION_CHARS)
    return ""


@register.simple_tag(takes_context=True)
def share_image(context, page):
    """Absolute URL of the page's Open Graph picture (its cover), or None."""
    request = context.get("request")
    if request is None or page is None:
        return None
    return pictures.share_image_url(pictures.picture_of(page), request)
