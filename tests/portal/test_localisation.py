"""Localisation: zh-hans (default), zh-hant and en with wagtail-localize and OpenCC.

Translator, one-click machine translation in the admin, URLs and routing of translated
pages (portal and organisation hosts), language switcher and hreflang, ?locale= on the
API, the sync flow after the source changes, and the demo's zh-hant pages.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import StringTranslation, Translation, TranslationSource
from wagtail_localize.strings import StringValue

from content.models import DirectivePage
from portal.demo_i18n import machine_translate_page
from portal.translation import OpenCCTranslator
from search.index import rebuild as rebuild_search_index
from sites.models import OrganisationPage
from sites.site_index import get_site_index, site_root_paths
from tests.content.factories import DirectiveFactory, library

pytestmark = pytest.mark.django_db


def locale(code):
    return Locale.objects.get(language_code=code)


def translate(text, variant):
    string = StringValue.from_plaintext(text)
    return OpenCCTranslator({"variant": variant}).translate(None, None, [string])[string].data


# --- The translator -------------------------------------------------------------------


def test_opencc_translator_converts_phrases_per_variant():
    assert translate("学习贯彻", "t") == "學習貫徹"
    assert translate("学习贯彻", "tw") == "學習貫徹"
    assert translate("软件", "tw") == "軟體"  # Taiwan vocabulary
    assert translate("软件", "t") == "軟件"  # characters only
    assert translate("头发和发展", "t") == "頭髮和發展"  # phrase-level, not per character
    with pytest.raises(ValueError, match="variant"):
        OpenCCTranslator({"variant": "xx"})


def test_opencc_translator_keeps_markup():
    string, attrs = StringValue.from_source_html('学习<a href="/x">软件</a> &amp; <b>贯彻</b>')
    out = OpenCCTranslator({"variant": "tw"}).translate(None, None, [string])[string]
    assert out.render_html(attrs) == '學習<a href="/x">軟體</a> &amp; <b>貫徹</b>'


def test_opencc_translator_only_goes_from_simplified_to_traditional():
    translator = OpenCCTranslator({})
    assert translator.display_name == "OpenCC 繁体"
    assert translator.can_translate(locale("zh-hans"), locale("zh-hant"))
    assert not translator.can_translate(locale("zh-hans"), locale("en"))
    assert not translator.can_translate(locale("zh-hant"), locale("zh-hans"))


# --- Translated pages: admin flow, URLs, templates ------------------------------------


@pytest.fixture
def hant_home(home, admin_user):
    return machine_translate_page(home, locale("zh-hant"), admin_user, OpenCCTranslator({}))


@pytest.fixture
def directive(home):
    return DirectiveFactory(
        parent=library(home, "central"), title="关于学习贯彻的通知", summary="认真学习贯彻"
    )


def test_one_click_machine_translation_in_the_admin(
    admin_client, directive, django_capture_on_commit_callbacks
):
    hant = locale("zh-hant")
    response = admin_client.post(
        f"/admin/localize/submit/page/{directive.pk}/", {"locales": [hant.pk]}
    )
    assert response.status_code == 302
    draft = directive.get_translation(hant)
    assert not draft.live  # reviewed before it goes out
    translation = Translation.objects.get(source__object_id=directive.translation_key)
    response = admin_client.post(
        f"/admin/localize/translate/{translation.pk}/machine_translate/", {"next": "/admin/"}
    )
    assert response.status_code == 302
    assert set(StringTranslation.objects.filter(locale=hant).values_list("data", flat=True)) >= {
        "關於學習貫徹的通知",
        "認真學習貫徹",
    }
    # The editor reviews and publishes from the translation editor.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/pages/{draft.pk}/edit/", {"action": "publish"})
    assert response.status_code == 302
    page = DirectivePage.objects.get(pk=draft.pk)
    assert page.live and page.title == "關於學習貫徹的通知" and page.summary == "認真學習貫徹"
    # Filed in the translated library, it belongs to the translated city.
    assert page.issuing_organisation.locale == hant
    assert (
        page.issuing_organisation.translation_key == directive.issuing_organisation.translation_key
    )


def test_translated_pages_are_served_under_the_language_prefix(client, hant_home, home):
    assert (home.title, hant_home.title) == ("测试市", "測試市")
    assert hant_home.full_url == "http://localhost/zh-hant/"
    assert home.full_url == "http://localhost/"  # existing URLs do not change
    response = client.get("/zh-hant/", HTTP_HOST="localhost")
    assert response.status_code == 200
    assert '<html lang="zh-Hant"' in response.text and hant_home.title in response.text
    # A browser asking for simplified Chinese (or for nothing) stays at "/"; the others
    # are redirected on their first request (tests/portal/test_language_choice.py). A new
    # visitor: the one above chose zh-hant by visiting it (remembered in a cookie).
    client.cookies.clear()
    response = client.get("/", HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="zh-CN,zh-tw")
    assert '<html lang="zh-Hans"' in response.text and home.title in response.text


def test_switcher_and_hreflang_list_existing_translations(client, hant_home):
    html = client.get("/", HTTP_HOST="localhost").text
    assert '<link rel="alternate" hreflang="zh-Hans" href="http://localhost/">' in html
    assert '<link rel="alternate" hreflang="zh-Hant" href="http://localhost/zh-hant/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/">' in html
    assert '<link rel="alternate" hreflang="en"' not in html  # no English version yet
    # …but the switcher offers English: the page's fallback copy (portal.fallback).
    assert '<a href="/en/" hreflang="en" lang="en">English</a>' in html
    assert 'hreflang="zh-Hans" lang="zh-Hans" aria-current="true">简体</a>' in html
    assert '<a href="/zh-hant/" hreflang="zh-Hant" lang="zh-Hant">繁體</a>' in html
    html = client.get("/zh-hant/", HTTP_HOST="localhost").text
    # The link back to simplified is a choice the next visits remember (?lang=).
    assert '<a href="/?lang=zh-hans" hreflang="zh-Hans" lang="zh-Hans">简体</a>' in html
    assert 'hreflang="zh-Hant" lang="zh-Hant" aria-current="true">繁體</a>' in html


def test_page_without_translations_offers_its_copies_but_names_no_alternates(client, home):
    html = client.get("/", HTTP_HOST="localhost").text
    assert '<a href="/zh-hant/" hreflang="zh-Hant" lang="zh-Hant">繁體</a>' in html
    assert '<a href="/en/" hreflang="en" lang="en">English</a>' in html
    assert '<link rel="alternate"' not in html


def test_organisation_sites_serve_their_translations(
    client, org_tree, admin_user, index_matches_wagtail
):
    hant, translator = locale("zh-hant"), OpenCCTranslator({})
    machine_translate_page(org_tree["home"], hant, admin_user, translator)
    district = machine_translate_page(org_tree["da"], hant, admin_user, translator)
    assert district.code == "da" and district.title == "甲區"
    assert district.url == "http://da.localhost/zh-hant/"
    response = client.get("/zh-hant/", HTTP_HOST="da.localhost")
    assert response.status_code == 200 and "甲區" in response.text
    assert client.get("/zh-hant/da/", HTTP_HOST="localhost").status_code == 200
    client.cookies.clear()  # a new visitor (this one chose zh-hant by visiting it)
    html = client.get("/", HTTP_HOST="da.localhost").text
    assert 'href="http://da.localhost/zh-hant/"' in html
    # The fast URL index gives Wagtail's answers for translated pages too.
    assert index_matches_wagtail()
    ours = site_root_paths()
    Site.clear_site_root_paths_cache()
    assert ours == Site.get_site_root_paths() and len(ours) == 2 * 6 - 4  # 2 sites translated
    assert get_site_index().relevant(district.url_path)[0].language_code == "zh-hant"
    # One organisation per code and locale; the originals are unchanged.
    assert OrganisationPage.originals().filter(code="da").get().pk == org_tree["da"].pk
    clash = OrganisationPage(title="又一个", code="da-s1-b1", kind="branch")
    with pytest.raises(ValidationError, match="已被使用"):
        org_tree["da-s2"].add_child(instance=clash)


# --- API ------------------------------------------------------------------------------


def test_api_locale_parameter(client, directive, admin_user):
    hant = locale("zh-hant")
    machine_translate_page(directive, hant, admin_user, OpenCCTranslator({}))

    def titles(path, **params):
        response = client.get(path, params, HTTP_HOST="localhost")
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["results"]]

    assert titles("/api/v2/directives/") == ["关于学习贯彻的通知"]
    assert titles("/api/v2/directives/", locale="zh-hant") == ["關於學習貫徹的通知"]
    hant_url = client.get("/api/v2/directives/", {"locale": "zh-hant"}, HTTP_HOST="localhost")
    assert "/zh-hant/topics/central/" in hant_url.json()["results"][0]["url"]
    assert titles("/api/v2/directives/", org="testcity", locale="zh-hant") == ["關於學習貫徹的通知"]
    rebuild_search_index()
    assert titles("/api/v2/search/", q="学习贯彻", locale="zh-hant") == ["關於學習貫徹的通知"]
    assert titles("/api/v2/search/", q="学习贯彻") == ["关于学习贯彻的通知"]
    # Wagtail's pages API: lists stay zh-hans unless ?locale= asks.
    pages = {"type": "content.DirectivePage", "fields": "title"}
    response = client.get("/api/v2/pages/", pages, HTTP_HOST="localhost")
    assert [item["title"] for item in response.json()["items"]] == ["关于学习贯彻的通知"]
    response = client.get("/api/v2/pages/", {**pages, "locale": "zh-hant"}, HTTP_HOST="localhost")
    assert [item["title"] for item in response.json()["items"]] == ["關於學習貫徹的通知"]
    bad = client.get("/api/v2/directives/", {"locale": "fr"}, HTTP_HOST="localhost")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_locale"
    missing = client.get("/api/v2/articles/", {"locale": "en"}, HTTP_HOST="localhost")
    assert missing.status_code == 404


# --- Source changed: the sync flow ----------------------------------------------------


def test_update_translations_keeps_what_editors_changed(
    admin_client, admin_user, directive, django_capture_on_commit_callbacks
):
    hant = locale("zh-hant")
    translated = machine_translate_page(directive, hant, admin_user, OpenCCTranslator({}))
    # An editor rewords the translated summary by hand.
    edited = StringTranslation.objects.get(locale=hant, data="認真學習貫徹")
    edited.data = "認真學習、全面貫徹"
    edited.translation_type = StringTranslation.TRANSLATION_TYPE_MANUAL
    edited.save()
    # The source changes: a new title, the summary as it was.
    directive.title = "关于深入学习贯彻的通知"
    directive.save_revision().publish()
    source = TranslationSource.objects.get(object_id=directive.translation_key)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/localize/update/{source.pk}/",
            {"use_machine_translation": "on", "publish_translations": "on"},
        )
    assert response.status_code == 302
    page = DirectivePage.objects.get(pk=translated.pk)
    assert page.title == "關於深入學習貫徹的通知"  # the new source text, machine-translated
    assert page.summary == "認真學習、全面貫徹"  # the editor's wording survives
    assert page.doc_number == directive.doc_number.replace("测", "測").replace("号", "號")
    assert page.live and page.locale == hant


# --- Demo -----------------------------------------------------------------------------


def test_demo_has_zh_hant_pages_made_by_opencc(demo, client):
    hant = Page.objects.live().filter(locale__language_code="zh-hant")
    home = hant.get(depth=2).specific
    district = hant.type(OrganisationPage).get(depth=3).specific
    directives = DirectivePage.objects.live().filter(locale__language_code="zh-hant")
    assert home.title == "江城市" and district.title == "東湖區"
    assert directives.count() == 3
    assert all("關於" in d.title for d in directives)
    tool = StringTranslation.objects.filter(locale__language_code="zh-hant")
    assert set(tool.values_list("tool_name", flat=True)) == {"OpenCC 繁体"}
    assert client.get("/zh-hant/", HTTP_HOST="localhost").status_code == 200
    assert client.get("/zh-hant/", HTTP_HOST="donghu.localhost").status_code == 200
    # Idempotent: a second run adds no pages.
    count = hant.count()
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert Page.objects.filter(locale__language_code="zh-hant").count() == count
