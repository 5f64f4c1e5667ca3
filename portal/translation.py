"""Machine translation zh-hans → zh-hant for wagtail-localize, with OpenCC.

Configured as WAGTAILLOCALIZE_MACHINE_TRANSLATOR (settings, "Language and time"): the
translation editor's "机器翻译" button turns every untranslated string of a page into
traditional Chinese, and the editor only reviews the draft. OpenCC converts phrase by
phrase, not character by character: 软件 → 軟體 with the Taiwan variant.

Strings reach a translator as wagtail-localize StringValues: inline HTML whose attributes
were replaced by ids (<a id="a1">…</a>). Only the text between the tags is converted, so
links, bold text and line breaks come back exactly where they were.
"""

import functools

from bs4 import BeautifulSoup, NavigableString
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

# OPTIONS["variant"] → OpenCC configuration (simplified to ...).
VARIANTS = {
    "t": "s2t",  # traditional characters (OpenCC standard)
    "tw": "s2twp",  # Taiwan characters and phrases (软件 → 軟體)
    "hk": "s2hk",  # Hong Kong characters
}
SOURCE = "zh-hans"
TARGET = "zh-hant"


@functools.cache
def converter(config):
    import opencc

    return opencc.OpenCC(config)


def convert_html(html, config):
    """Convert the text nodes of an HTML fragment; tags and attributes stay as they are."""
    soup = BeautifulSoup(html, "html.parser")
    convert = converter(config).convert
    for node in list(soup.find_all(string=True)):
        if isinstance(node, NavigableString) and node.strip():
            node.replace_with(convert(str(node)))
    return str(soup)


class OpenCCTranslator(BaseMachineTranslator):
    display_name = "OpenCC 繁体"

    def __init__(self, options):
        super().__init__(options)
        variant = str(self.options.get("variant", "t")).lower()
        if variant not in VARIANTS:
            raise ValueError(f"OpenCC variant {variant!r}: use one of {', '.join(VARIANTS)}")
        self.config = VARIANTS[variant]

    def can_translate(self, source_locale, target_locale):
        return source_locale.language_code == SOURCE and target_locale.language_code == TARGET

    def translate(self, source_locale, target_locale, strings):
        return {
            string: StringValue.from_translated_html(convert_html(string.data, self.config))
            for string in strings
        }


class HandWrittenTranslator(BaseMachineTranslator):
    """Translations written by hand, as {source text: translation} (OPTIONS["strings"]),
    into OPTIONS["target"] (default en): what the demo uses to give the English site its
    titles. Strings it has no translation for are left out, so they stay in the source
    language (wagtail-localize falls back to the source text)."""

    display_name = "Hand-written"

    def __init__(self, options):
        super().__init__(options)
        self.strings = dict(self.options.get("strings", {}))
        self.target = self.options.get("target", "en")

    def can_translate(self, source_locale, target_locale):
        return target_locale.language_code == self.target

    def translate(self, source_locale, target_locale, strings):
        return {
            string: StringValue.from_plaintext(self.strings[string.data])
            for string in strings
            if string.data in self.strings
        }
