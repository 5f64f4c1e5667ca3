"""Demo translations: zh-hant (the portal home, one district, three directives) and en
(the portal home and its top columns).

Made the way an editor makes them in the admin, with wagtail-localize's objects: submit
the page for translation (a draft), press "机器翻译" (for zh-hant the OpenCC translator
fills every string; for en a translator holding the hand-written English below), publish.
Facts (member counts, phone, coordinates, leaders' photos …) are synchronised fields, so
every translation shows the source's. Idempotent: a page whose translation is live is
left alone (editors may have reviewed it since) unless its source changed after the last
sync; then the translation is synced, as "同步翻译" does.
"""

from django.contrib.auth import get_user_model
from pypinyin import lazy_pinyin
from wagtail.models import Locale, Page
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.views.edit_translation import apply_machine_translation

from sites.models import ColumnPage, OrganisationLeader, OrganisationPage

from .i18n import ensure_locales
from .translation import HandWrittenTranslator

TARGET = "zh-hant"
DISTRICT = "donghu"
DIRECTIVES = 3

# The English site's texts, written by hand (sites/demo.py writes the Chinese ones).
ENGLISH = {
    "江城市": "Jiangcheng City",
    "江城市坚持以党建引领基层治理，团结带领党员群众建设美好家园。": (
        "Jiangcheng City puts Party building at the heart of local governance, uniting "
        "members and residents to build a better home together."
    ),
    "江城市江城市党群服务中心": "Party and Public Service Centre, Jiangcheng City",
    "市委书记": "Secretary of the City Committee",
    "市委副书记": "Deputy Secretary of the City Committee",
    "专栏专题": "Special topics",
    "工作动态": "News",
    "通知公告": "Notices",
    "学习园地": "Study corner",
}


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


def english_pages(home):
    """The pages the demo shows in en: the portal home and its top columns."""
    return [home, *Page.objects.child_of(home).live().type(ColumnPage).order_by("path")]


def english_translator(home):
    """The hand-written English, with the city leaders' names in pinyin."""
    names = OrganisationLeader.objects.filter(organisation=home).values_list("name", flat=True)
    strings = dict(ENGLISH)
    for name in names:
        surname, *given = lazy_pinyin(name)
        strings[name] = f"{surname.title()} {''.join(given).title()}".strip()
    return HandWrittenTranslator({"target": "en", "strings": strings})


def machine_translate_page(page, locale, user, translator):
    """Submit `page` for translation into `locale`, machine-translate it, publish it.
    Returns the translated page."""
    page = Page.objects.get(pk=page.pk).specific  # as stored, not a stale instance
    source, _ = TranslationSource.update_or_create_from_instance(page)
    translation, _ = Translation.objects.update_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    translation.save_target(user=user, publish=False)  # the draft copy ("翻译此页面")
    apply_machine_translation(translation.pk, user, translator)  # "机器翻译"
    translation.save_target(user=user, publish=False)  # the draft, now translated
    target = translation.get_target_instance()
    target.get_latest_revision().publish(user=user)  # reviewed: publish
    return target


def sync_translation(page, locale, user, translator):
    """ "同步翻译" for one language: the source's new strings and facts into the live
    translation (strings already translated are kept), machine-translating what is new."""
    source = TranslationSource.objects.get_for_instance(page)
    source.update_from_db()
    translation = source.translations.get(target_locale=locale)
    apply_machine_translation(translation.pk, user, translator)
    translation.save_target(user=user, publish=True)
    return translation.get_target_instance()


def _translate(pages, locale, user, translator):
    made = []
    for page in pages:
        page = Page.objects.get(pk=page.pk).specific
        existing = page.get_translation_or_none(locale)
        if existing is None or not existing.live or existing.alias_of_id:
            made.append(machine_translate_page(page, locale, user, translator))
            continue
        source = TranslationSource.objects.filter(object_id=page.translation_key).first()
        stale = (
            source is None
            or page.last_published_at is not None
            and source.last_updated_at < page.last_published_at
            # a demo from before facts were synchronised (its translations showed 0 members)
            or getattr(existing.specific, "member_count", None)
            != getattr(page, "member_count", None)
        )
        if stale:
            made.append(sync_translation(page, locale, user, translator))
    return made


def ensure_demo_translations(home):
    ensure_locales()
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    home = Page.objects.get(pk=home.pk).specific
    made = []
    translator = get_machine_translator()
    hant = Locale.objects.get(language_code=TARGET)
    if translator is not None and translator.can_translate(home.locale, hant):
        made += _translate(demo_pages(home), hant, user, translator)
    made += _translate(
        english_pages(home), Locale.objects.get(language_code="en"), user, english_translator(home)
    )
    return made
