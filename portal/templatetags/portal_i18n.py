"""{% load portal_i18n %}: the page's language versions for the switcher and hreflang."""

from django import template
from django.utils import translation

from portal.i18n import language_tag, page_language, page_languages

register = template.Library()


@register.simple_tag(takes_context=True)
def language_versions(context, page):
    """Live language versions of `page`; empty for a page without translations, so
    templates show neither a switcher nor hreflang links for it."""
    if page is None or not getattr(page, "pk", None) or not hasattr(page, "get_translations"):
        return []
    versions = page_languages(page, context.get("request"))
    return versions if len(versions) > 1 else []


@register.simple_tag
def html_lang(page=None):
    """<html lang>: the page's locale, else the active language."""
    if getattr(page, "locale_id", None):
        return language_tag(page_language(page))
    return language_tag(translation.get_language() or "zh-hans")
