"""{% load portal_i18n %}: the language versions of a page or view for the switcher and
hreflang, and <html lang>."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from portal.i18n import (
    SWITCHER_LABELS,
    content_language_codes,
    language_tag,
    page_language,
    page_languages,
)
from portal.translation import VARIANTS, converter

register = template.Library()


def with_switch_urls(versions):
    """The switcher's link to the zh-hans version says it is a choice (?lang=, stored by
    portal.language_choice); the prefixed ones are choices by their prefix."""
    for version in versions:
        url = version["url"]
        if version["code"] == settings.LANGUAGE_CODE:
            url += ("&" if "?" in url else "?") + f"lang={settings.LANGUAGE_CODE}"
        version["switch_url"] = url
    return versions


def view_languages(request):
    """A view outside the page tree (search, directory, study, sign-in): its URL in each
    language, when it is one of the views under the language prefixes."""
    path = request.get_full_path()
    current = translation.get_language() or settings.LANGUAGE_CODE
    versions = []
    for code in content_language_codes():
        url = translate_url(path, code)
        if url == path and code != current:
            return []  # not a translatable URL
        versions.append(
            {
                "code": code,
                "tag": language_tag(code),
                "label": SWITCHER_LABELS.get(code, code),
                "url": url,
                "full_url": request.build_absolute_uri(url),
                "current": code == current,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def language_versions(context, page=None):
    """Language versions of `page` (live ones), or of the current view when there is no
    page, plus the fallback copies (portal.fallback) of the languages it lacks, so every
    page offers every language. Entries marked `alternate` are the hreflang links: real
    versions only, and only when there are two or more (a copy's canonical is its
    source)."""
    request = context.get("request")
    if page is None or not getattr(page, "pk", None) or not hasattr(page, "get_translations"):
        versions = view_languages(request) if request is not None else []
        for version in versions:
            version["alternate"] = True
        return with_switch_urls(versions) if len(versions) > 1 else []
    versions = page_languages(page, request)
    fallback = getattr(request, "content_fallback", None)
    if fallback is not None:
        versions = [{**version, "current": False} for version in versions]
    if request is not None:
        versions += fallback_versions(request, versions, fallback)
        order = content_language_codes()
        versions.sort(key=lambda version: order.index(version["code"]))
    real = [version for version in versions if not version.get("fallback")]
    for version in real:
        version["alternate"] = len(real) > 1  # hreflang: only between real versions
    return with_switch_urls(versions) if len(versions) > 1 else []


def fallback_versions(request, versions, fallback):
    """The languages `versions` lacks, at this address under their prefix, where the
    portal serves a fallback copy (portal.fallback): a reader of any page can switch to
    any language. They are no alternates (hreflang) of the page: their canonical is the
    source."""
    have = {version["code"] for version in versions}
    path = request.get_full_path()
    found = []
    for code in content_language_codes():
        if code in have:
            continue
        current = fallback is not None and code == fallback.language
        url = path if current else translate_url(path, code)
        if url == path and not current:
            continue  # not an address under the language prefixes
        found.append(
            {
                "code": code,
                "tag": language_tag(code),
                "label": SWITCHER_LABELS.get(code, code),
                "url": url,
                "full_url": request.build_absolute_uri(url),
                "current": current,
                "fallback": True,
            }
        )
    return found


@register.simple_tag(takes_context=True)
def html_lang(context, page=None):
    """<html lang>: a fallback copy's language, else the page's locale, else the active
    language."""
    fallback = getattr(context.get("request"), "content_fallback", None)
    if fallback is not None:
        return language_tag(fallback.language)
    if getattr(page, "locale_id", None):
        return language_tag(page_language(page))
    return language_tag(translation.get_language() or settings.LANGUAGE_CODE)


@register.filter
def reader_text(value):
    """Text that has no translation (a person's name, a question bank's questions) for
    the reader: converted by OpenCC for zh-hant readers, as fallback copies are; as it
    is otherwise (mark its element with {% source_lang %} for the others)."""
    if value and translation.get_language() == "zh-hant":
        return converter(VARIANTS[settings.PORTAL_OPENCC_VARIANT]).convert(str(value))
    return value


@register.simple_tag
def source_lang():
    """` lang="zh-Hans"` for an element holding such text on a page in another script
    than Chinese (en), so readers and the walk know it is Chinese."""
    if (translation.get_language() or settings.LANGUAGE_CODE).startswith("zh"):
        return ""
    return mark_safe(f' lang="{language_tag(settings.LANGUAGE_CODE)}"')


@register.simple_tag
def lang_attr(tag):
    """` lang="…"` for an element in another language than the page's, e.g. a list's
    untranslated page (`card_lang`, base.languages.localized_each); nothing for ""."""
    return format_html(' lang="{}"', tag) if tag else ""


OG_LOCALES = {"zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "en": "en_US"}


@register.simple_tag(takes_context=True)
def og_locale(context, page=None):
    """og:locale for the language <html lang> names."""
    tag = html_lang(context, page)
    return OG_LOCALES.get(tag, tag.replace("-", "_"))
