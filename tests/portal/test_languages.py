"""The public site speaks zh-hant and en: catalogues in step with the code, and every
public template rendered in both languages.

- The catalogues (locale/zh_Hant, locale/en) hold every msgid the code and templates
  have (makemessages into a temporary copy changes nothing), en translates every entry
  without a Chinese character, zh_Hant has nothing OpenCC would still convert.
- No public template has Chinese outside {% translate %} / {% blocktranslate %}.
- zh-hant walk: a small tree translated by wagtail-localize's OpenCC machine translation;
  every visible text (text nodes, <title>, alt, placeholder, aria-label, the description)
  is something OpenCC would leave as it is, i.e. nothing is left simplified.
- en walk: the same tree translated into English (every string of the pages by a stand-in
  translator: titles, bodies …); the page has no Han character.
Text inside an element whose `lang` names another language (the switcher's 简体, an
image's untranslated alt text, an untranslated organisation) is the other language's and
is left out. Both walks list the templates they rendered and fail on a public template
they did not reach.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import opencc
import polib
import pytest
from bs4 import BeautifulSoup, Comment, NavigableString
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.test.signals import template_rendered
from django.utils import timezone, translation
from wagtail.models import Locale, Page
from wagtail_localize.machine_translators.base import BaseMachineTranslator
from wagtail_localize.strings import StringValue

from content.models import AlbumPage, AlbumPhoto
from portal import catalogues
from portal.demo_i18n import machine_translate_page
from portal.errors import page_not_found, server_error
from portal.translation import OpenCCTranslator
from portal.unavailable import unavailable_response
from screens.player import player
from search.views import search_page
from sites.hosts import KnownHostMiddleware
from sites.views import directory
from tests.content.factories import (
    ArticleFactory,
    DirectiveFactory,
    DisclosureFactory,
    NoticeFactory,
    library,
)
from tests.factories import ImageFactory, UserFactory
from tests.learning.factories import (
    AudiobookFactory,
    CourseFactory,
    LessonFactory,
    MemberFactory,
    bank_quiz,
    learning_home,
)
from tests.livestream.factories import LiveEventFactory
from tests.sites.factories import column

BASE = Path(settings.BASE_DIR)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
T2S = opencc.OpenCC("t2s")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")
TEMPLATES = BASE / "templates"
# Templates no visitor sees: the admin's (any admin/ folder), nginx configuration, and the
# 工作手册 PDF's (always in the portal's language; tests/orglife/test_handbook.py reads it).
NOT_PUBLIC = re.compile(r"(^|/)admin/|^orglife/handbook/")
# Server-side tags and comments, whose text never reaches a page untranslated.
TRANSLATED = re.compile(
    r"\{%\s*(?:translate|trans)\s.*?%\}"
    r"|\{%\s*blocktrans(?:late)?\b.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    r"|\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}"
    r"|_\(\"[^\"]*\"\)|_\('[^']*'\)",
    re.S,
)


def public_templates():
    return sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if not NOT_PUBLIC.search(str(path.relative_to(TEMPLATES)))
    )


def convert(text):
    return catalogues.opencc_convert()(text)


def left_simplified(text):
    """True when OpenCC would still change `text`. OpenCC's s2t is not idempotent on
    traditional text (風采 → 風採: it reads 采 as the simplified 採), so text that is
    exactly what OpenCC makes of its own simplified form counts as converted."""
    if convert(text) == text:
        return False
    return convert(T2S.convert(text)) != text


# --- Catalogues -------------------------------------------------------------------------


def committed(language):
    return polib.pofile(str(catalogues.catalogue_path(BASE / "locale", language)))


def keys(catalogue):
    return {catalogues.key(entry) for entry in catalogue if not entry.obsolete}


def translations(entry):
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_catalogues_hold_every_string_of_the_code(project_copy):
    report = catalogues.update(project_copy, project_copy / "locale", symlinks=True)
    assert report.filled == [], "zh_Hant entries missing (run manage.py update_catalogues)"
    assert [entry.msgid for entry in report.missing] == [], "en entries to translate"
    for language in catalogues.LANGUAGES:
        fresh = polib.pofile(str(catalogues.catalogue_path(project_copy / "locale", language)))
        assert keys(fresh) == keys(committed(language)), language
        # A re-run writes the committed file again (no churn when branches merge).
        assert catalogues.catalogue_path(project_copy / "locale", language).read_text() == (
            catalogues.catalogue_path(BASE / "locale", language).read_text()
        )


def test_update_catalogues_fills_traditional_and_lists_what_english_lacks(project_copy):
    extra = project_copy / "extra" / "templates"
    extra.mkdir(parents=True)
    (extra / "new.html").write_text(
        '{% load i18n %}{% translate "新的说明" %}{% translate "Explore" %}'
    )
    report = catalogues.update(project_copy, project_copy / "locale", symlinks=True)
    assert report.filled == [("新的说明", "新的說明")]
    assert [entry.msgid for entry in report.missing] == ["新的说明"]
    hant = polib.pofile(str(catalogues.catalogue_path(project_copy / "locale", "zh_Hant")))
    entry = hant.find("新的说明")
    assert entry.msgstr == "新的說明" and "fuzzy" not in entry.flags
    # A copied Wagtail template's English msgid stays with Wagtail's own catalogues.
    assert hant.find("Explore") is None


def test_english_catalogue_is_complete_and_english():
    catalogue = committed("en")
    assert len(catalogue) > 100
    for entry in catalogue:
        assert "fuzzy" not in entry.flags and entry.translated(), entry.msgid
        for text in translations(entry):
            assert not HAN.search(text), (entry.msgid, text)
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)), (
                entry.msgid,
                text,
            )


def test_traditional_catalogue_is_complete_and_traditional():
    catalogue = committed("zh_Hant")
    assert keys(catalogue) == keys(committed("en"))
    for entry in catalogue:
        assert "fuzzy" not in entry.flags and entry.translated(), entry.msgid
        for text in translations(entry):
            assert not left_simplified(text), (entry.msgid, text)
            assert PLACEHOLDER.findall(text) == PLACEHOLDER.findall(entry.msgid), entry.msgid


@pytest.mark.parametrize("name", public_templates())
def test_no_chinese_outside_translate_tags(name):
    text = TRANSLATED.sub("", (TEMPLATES / name).read_text())
    assert re.findall(HAN.pattern + "+", text) == []


# --- Render walks -----------------------------------------------------------------------


class EnglishStandIn(BaseMachineTranslator):
    """What a translator into English would deliver: every string in plain English."""

    display_name = "English stand-in"

    def can_translate(self, source_locale, target_locale):
        return target_locale.language_code == "en"

    def translate(self, source_locale, target_locale, strings):
        return {
            string: StringValue.from_plaintext(f"English text {n}")
            for n, string in enumerate(strings)
        }


def visible_texts(html, language):
    """Text nodes and the texts of title/alt/placeholder/aria-label/description, leaving
    out elements whose `lang` names another language."""
    soup = BeautifulSoup(html, "html.parser")
    ours = language.lower()
    texts = []

    def walk(element):
        lang = element.get("lang")
        if lang is not None and not lang.lower().startswith(ours):
            return
        if element.name in ("script", "style", "template"):
            return
        for attribute in ("alt", "placeholder", "aria-label", "title"):
            if element.get(attribute):
                texts.append(element[attribute])
        if element.name == "meta" and element.get("name") == "description":
            texts.append(element.get("content", ""))
        for child in element.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                if child.strip():
                    texts.append(str(child).strip())
            else:
                walk(child)

    for top in soup.find_all(recursive=False):
        walk(top)
    return texts


@pytest.fixture
def rendered_templates():
    names = set()

    def record(sender, template, context, **kwargs):
        names.add(template.name)

    template_rendered.connect(record)
    yield names
    template_rendered.disconnect(record)


def build_tree(org_tree):
    """A branch with an article (cover), a notice, a disclosure item and an album; a
    central directive with headings, a quote and an image; study pages; a live event."""
    home, branch = org_tree["home"], org_tree["da-s1-b1"]
    cover = ImageFactory(description="党员学习会场")
    ArticleFactory(
        parent=column(branch, "news"),
        title="学习贯彻党的二十大精神",
        summary="支部组织党员集中学习",
        body="<p>认真学习，坚决贯彻。</p>",
        author="张晓东",
        source="第一党支部",
        cover=cover,
    )
    NoticeFactory(
        parent=column(branch, "notices"),
        title="关于召开党员大会的通知",
        body="<p>请全体党员准时参加。</p>",
        expires_at=timezone.now() + timezone.timedelta(days=30),
    )
    DisclosureFactory(
        parent=column(branch, "disclosure"),
        title="党费收缴情况",
        category="dues",
        period="2026年第三季度",
        body="<p>按时足额缴纳。</p>",
    )
    album = AlbumPage(title="主题党日活动", slug="album", summary="重温入党誓词")
    for n, caption in enumerate(["重温入党誓词", ""]):
        image = ImageFactory(description=f"活动照片{n}", file__width=1200, file__height=800)
        album.photos.add(AlbumPhoto(image=image, caption=caption, sort_order=n))
    column(branch, "gallery").add_child(instance=album)
    DirectiveFactory(
        parent=library(home, "central"),
        title="关于学习贯彻党的二十大精神的通知",
        summary="认真学习贯彻",
        study_deadline=timezone.localdate() + timezone.timedelta(days=30),
        body=[
            ("heading", {"text": "学习内容", "level": "h2"}),
            ("heading", {"text": "学习要求", "level": "h3"}),
            ("quote", {"text": "学而不思则罔", "source": "论语"}),
            ("image", {"image": cover, "alt_text": "学习会场", "decorative": False}),
        ],
    )
    study = learning_home(branch)
    LessonFactory(parent=study)
    AudiobookFactory(parent=study, chapters=[{"title": "第一章"}])
    CourseFactory(parent=study)
    LiveEventFactory(parent=study)


def translate_tree(home, locale, user, translator):
    """Every page of the city, parents first, as an editor would translate them."""
    translated = {}
    pages = Page.objects.descendant_of(home, inclusive=True).filter(locale__language_code="zh-hans")
    for page in pages.order_by("path"):
        translated[page.pk] = machine_translate_page(page, locale, user, translator)
    return translated


def view_response(view, path, language, user=None, **kwargs):
    """A view outside the language prefixes (directory, search, study, errors), rendered
    as it will be once the visitor's language is known (portal.i18n)."""
    request = RequestFactory().get(path, HTTP_HOST="localhost")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    with translation.override(language):
        response = view(request, **kwargs)
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.render()
    return response


def walk(client, language, translated, org_tree, admin_user):
    """{what: html} of every public page of the tree in `language`."""
    pages = {}
    for page in translated.values():
        page = page.specific
        url = urlsplit(page.get_full_url())
        response = client.get(url.path, HTTP_HOST=url.netloc)
        assert response.status_code == 200, (url, response.status_code)
        pages[url.geturl()] = response.content.decode()
        if page.specific_class.__name__ == "DirectivePage":
            response = client.get(url.path, {"view": "print"}, HTTP_HOST=url.netloc)
            pages[url.geturl() + "?view=print"] = response.content.decode()
        if page.specific_class.__name__ == "ArticlePage":
            for mode in ("app", "screen-landscape", "screen-portrait"):
                request = RequestFactory().get(url.path, HTTP_HOST=url.netloc)
                request.user = admin_user
                with translation.override(language):
                    preview = page.serve_preview(request, mode).render()
                pages[f"{url.geturl()} preview {mode}"] = preview.content.decode()
    # A directive with a study deadline as the branch's editor sees it (orglife's 传达学习
    # note, content/reader_notes.py).
    client.force_login(UserFactory(username=f"editor-{language}", groups=["da-s1-b1:editors"]))
    for page in translated.values():
        if page.specific_class.__name__ == "DirectivePage" and page.specific.study_deadline:
            url = urlsplit(page.get_full_url())
            response = client.get(url.path, HTTP_HOST=url.netloc)
            assert b"relay-note" in response.content
            pages[url.geturl() + " (branch editor)"] = response.content.decode()
    client.logout()
    prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
    response = client.get(f"{prefix}/no-such-page/", HTTP_HOST="localhost")
    assert response.status_code == 404
    pages["404"] = response.content.decode()
    member = MemberFactory(branch=org_tree["da-s1-b1"])
    views = {
        "404 view": (page_not_found, "/x/", {}),
        "500": (server_error, "/x/", {}),
        "503": (lambda r: unavailable_response(r, "Redis", OSError("down")), "/x/", {}),
        "unknown host": (lambda r: KnownHostMiddleware.unknown_host(r, "nosuch.x"), "/", {}),
        "directory": (directory, "/directory/?q=da&kind=branch", {}),
        "directory, nothing found": (directory, "/directory/?q=zzzz", {}),
        "search, nothing found": (search_page, "/search/?q=zzzz", {}),
        "screen player": (player, "/screens/player/", {}),
    }
    for what, (view, path, kwargs) in views.items():
        pages[what] = view_response(view, path, language, **kwargs).content.decode()
    from learning import quiz_views
    from learning import views as learning_views

    study = {
        "daily quiz, empty bank": (quiz_views.daily_quiz, "/learning/quiz/daily/"),
        "ranking": (learning_views.ranking, "/learning/ranking/"),
        "my study": (learning_views.my_study, "/learning/me/"),
    }
    for what, (view, path) in study.items():
        pages[what] = view_response(view, path, language, user=member).content.decode()
    login = learning_views.MemberLoginView.as_view()  # signed out: signed in is redirected
    pages["login"] = view_response(login, "/login/", language).content.decode()
    quiz = bank_quiz("测验")
    pages["quiz"] = view_response(
        quiz_views.quiz_page, f"/learning/quiz/{quiz.pk}/", language, user=member, quiz_id=quiz.pk
    ).content.decode()
    return pages


def not_rendered(rendered):
    return [name for name in public_templates() if name not in rendered]


@pytest.fixture
def tree(org_tree):
    build_tree(org_tree)
    return org_tree


def test_zh_hant_pages_have_nothing_left_in_simplified(
    client, tree, admin_user, rendered_templates
):
    hant = Locale.objects.get(language_code="zh-hant")
    translated = translate_tree(tree["home"], hant, admin_user, OpenCCTranslator({}))
    pages = walk(client, "zh-hant", translated, tree, admin_user)
    left = {
        what: simplified
        for what, html in pages.items()
        if (simplified := [t for t in visible_texts(html, "zh-Hant") if left_simplified(t)])
    }
    missing = not_rendered(rendered_templates)
    assert not left and not missing, "\n".join(
        [f"{what}: {texts}" for what, texts in left.items()] + [f"not rendered: {missing}"]
    )


def test_en_pages_have_no_chinese(client, tree, admin_user, rendered_templates):
    en = Locale.objects.get(language_code="en")
    translated = translate_tree(tree["home"], en, admin_user, EnglishStandIn({}))
    pages = walk(client, "en", translated, tree, admin_user)
    chinese = {
        what: found
        for what, html in pages.items()
        if (found := [t for t in visible_texts(html, "en") if HAN.search(t)])
    }
    missing = not_rendered(rendered_templates)
    assert not chinese and not missing, "\n".join(
        [f"{what}: {texts}" for what, texts in chinese.items()] + [f"not rendered: {missing}"]
    )
