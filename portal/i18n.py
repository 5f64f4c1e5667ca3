"""Content languages: zh-hans (default), zh-hant, en (settings "Language and time").

Translations are ordinary Wagtail pages in another locale, made and kept in step by
wagtail-localize. A translated organisation keeps its code and its site: the zh-hant
version of http://<code>.localhost/ is http://<code>.localhost/zh-hant/ (Wagtail lists the
translations of a site's root page as root paths of that site).
"""

from django.conf import settings
from django.dispatch import receiver
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale
from wagtail.signals import copy_for_translation_done

from base.languages import language_tag

# The switcher's labels (each in its own language, so a reader finds theirs).
SWITCHER_LABELS = {"zh-hans": "简体", "zh-hant": "繁體", "en": "English"}


def content_language_codes():
    return [code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES]


def ensure_locales():
    """A Locale row per content language (the migration makes them; a flushed test
    database or an older install may lack them)."""
    existing = set(Locale.objects.values_list("language_code", flat=True))
    Locale.objects.bulk_create(
        Locale(language_code=code) for code in content_language_codes() if code not in existing
    )


_codes_by_locale_id = {}


def page_language(page):
    """The page's language code without a query per page (locales hardly ever change)."""
    locale = page._state.fields_cache.get("locale")
    if locale is not None:
        return locale.language_code
    code = _codes_by_locale_id.get(page.locale_id)
    if code is None:
        _codes_by_locale_id.update(Locale.objects.values_list("id", "language_code"))
        code = _codes_by_locale_id.get(page.locale_id, settings.LANGUAGE_CODE)
    return code


def page_languages(page, request=None):
    """The live language versions of `page` (itself included), in LANGUAGES order:
    [{code, tag, label, url, full_url, current}]. One query."""
    versions = {
        version.locale.language_code: version
        for version in page.get_translations(inclusive=True).live().select_related("locale")
    }
    if page.locale_id and page.live:
        versions.setdefault(page_language(page), page)
    result = []
    for code in content_language_codes():
        version = versions.get(code)
        url = version.get_url(request) if version is not None else None
        if url is None:
            continue
        result.append(
            {
                "code": code,
                "tag": language_tag(code),
                "label": SWITCHER_LABELS.get(code, code),
                "url": url,
                "full_url": version.get_full_url(request),
                "current": version.pk == page.pk,
            }
        )
    return result


@receiver(copy_for_translation_done, sender=CopyPageForTranslationAction)
def place_translated_directive(source_obj, target_obj, **kwargs):
    """A directive's level and issuing organisation follow from where it is filed; its
    translation is filed in the translated library, so it belongs to the translated
    organisation (and the zh-hant cascade finds it)."""
    from content.models import DirectivePage

    target = getattr(target_obj, "specific", target_obj)
    if isinstance(target, DirectivePage) and not target.alias_of_id:
        target.place_in_tree()
        target.save(update_fields=["level", "issuing_organisation"], clean=False)
