"""Content languages as BCP 47 tags, and pages in the visitor's language.

Knows no app of ours: pages are Wagtail pages, languages Wagtail locales."""

import copy

from django.conf import settings
from django.utils import translation
from wagtail.models import Page

# BCP 47 tags for <html lang>, lang and hreflang.
LANGUAGE_TAGS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant", "en": "en"}


def language_tag(code):
    return LANGUAGE_TAGS.get(code, code)


def current_language():
    return translation.get_language() or settings.LANGUAGE_CODE


def localized_each(pages, model, language=None, carried=()):
    """`pages` (originals) each replaced by its live translation into `language` (default:
    the active one) when there is one, in one query. The ones left in their own language
    get `card_lang`, the tag for their element's `lang` attribute.

    `model` Page takes pages of several types: their translations come specific (one
    query more per type found). Each translation takes over the attributes named in
    `carried` that a list set on its source (dates, tags, attached pictures)."""
    pages = list(pages)
    language = language or current_language()
    if not pages:
        return pages
    translations = {}
    if language != settings.LANGUAGE_CODE:
        found = model.objects.live().filter(
            locale__language_code=language,
            translation_key__in=[page.translation_key for page in pages],
        )
        if model is Page:
            found = found.specific()
        translations = {page.translation_key: page for page in found}
    result, handed_out = [], set()
    for page in pages:
        version = translations.get(page.translation_key)
        if version is None:
            version = page
            page.card_lang = (
                language_tag(settings.LANGUAGE_CODE) if language != (settings.LANGUAGE_CODE) else ""
            )
        else:
            if id(version) in handed_out:  # in two lists: each keeps its own attributes
                version = copy.copy(version)
            handed_out.add(id(version))
            version.card_lang = ""
            for name in carried:
                if hasattr(page, name):
                    setattr(version, name, getattr(page, name))
        result.append(version)
    return result


def localize_titles(pages, model, language=None):
    """Show `pages` (originals, for display only) under their live translations' titles
    in `language` (default: the active one), in one query; the untranslated ones get
    `card_lang`. The pages keep their own URLs and paths."""
    pages = [page for page in pages if page is not None]
    versions = localized_each(pages, model, language)
    for page, version in zip(pages, versions, strict=True):
        if version is not page:
            page.title = version.title
            page.card_lang = ""
    return pages


def translated_titles(model, keys, language=None):
    """{translation key: title} of the live translations into `language` (default: the
    active one) of the pages with `keys`, in one query (none for the default language)."""
    language = language or current_language()
    if language == settings.LANGUAGE_CODE or not keys:
        return {}
    found = model.objects.live().filter(
        locale__language_code=language, translation_key__in=list(keys)
    )
    return dict(found.values_list("translation_key", "title"))
