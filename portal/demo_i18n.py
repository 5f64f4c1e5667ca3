"""Demo translations: the portal home, one district and three directives in zh-hant.

Made the way an editor makes them in the admin, with wagtail-localize's objects: submit
the page for translation (a zh-hant draft), press "机器翻译" (the OpenCC translator fills
every string), publish. The top columns of the two organisations are translated too, so
the zh-hant sites have their navigation. Idempotent: a page whose zh-hant version is
already live is left alone (editors may have reviewed it since).
"""

from django.contrib.auth import get_user_model
from wagtail.models import Locale
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.views.edit_translation import apply_machine_translation

from sites.models import ColumnPage, OrganisationPage

from .i18n import ensure_locales

TARGET = "zh-hant"
DISTRICT = "donghu"
DIRECTIVES = 3


def demo_pages(home):
    """The pages the demo shows in zh-hant, parents before children."""
    from content.models import DirectiveIndexPage, DirectivePage

    district = OrganisationPage.originals().get(code=DISTRICT)
    topics = ColumnPage.objects.child_of(home).get(slug="topics")
    central = DirectiveIndexPage.objects.child_of(topics).get(level="central")
    directives = (
        DirectivePage.objects.child_of(central).live().order_by("-issued_at", "pk")[:DIRECTIVES]
    )
    return [
        home,
        *ColumnPage.objects.child_of(home).live(),
        *ColumnPage.objects.child_of(topics).live(),
        district,
        *ColumnPage.objects.child_of(district).live(),
        *directives,
    ]


def machine_translate_page(page, locale, user, translator):
    """Submit `page` for translation into `locale`, machine-translate it, publish it.
    Returns the translated page."""
    source, _ = TranslationSource.update_or_create_from_instance(page.specific)
    translation, _ = Translation.objects.update_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    translation.save_target(user=user, publish=False)  # the draft copy ("翻译此页面")
    apply_machine_translation(translation.pk, user, translator)  # "机器翻译"
    translation.save_target(user=user, publish=False)  # the draft, now in traditional
    target = translation.get_target_instance()
    target.get_latest_revision().publish(user=user)  # reviewed: publish
    return target


def ensure_demo_translations(home):
    ensure_locales()
    translator = get_machine_translator()
    locale = Locale.objects.get(language_code=TARGET)
    if translator is None or not translator.can_translate(home.locale, locale):
        return []
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    made = []
    for page in demo_pages(home):
        existing = page.get_translation_or_none(locale)
        if existing is not None and existing.live and not existing.alias_of_id:
            continue
        made.append(machine_translate_page(page, locale, user, translator))
    return made
