"""`{% directive_notes page %}`: what apps above content tell the signed-in reader on a
directive page (content/reader_notes.py), for the organisation whose site shows it."""

from django import template
from django.utils.safestring import mark_safe

from sites.templatetags.insite_tags import shown_at

from .. import reader_notes

register = template.Library()


@register.simple_tag(takes_context=True)
def directive_notes(context, page):
    org = shown_at(context) or page.issuing_organisation
    notes = reader_notes.directive_notes(context.get("request"), page, org)
    return mark_safe("".join(notes))  # noqa: S308 (each note is rendered by a template)
