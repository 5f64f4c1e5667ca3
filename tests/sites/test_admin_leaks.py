"""Wagtail's own admin views keep to the subtree rule: the move confirmation, the page
chooser, the page-types and translations reports and the admin API's images and
documents show nothing of a sibling organisation's drafts or media."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.log_actions import log
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from sites.models import OrganisationAccess
from tests.content.factories import ArticleFactory
from tests.factories import ImageFactory, UserFactory
from tests.learning.factories import LessonMediaFactory
from tests.shared_data import shared_fixture
from tests.sites.factories import column

OWN, SIBLING = "da-s1", "da-s2"


@shared_fixture
def leaks(org_tree):
    """In own and sibling street: a never-published draft, a live article with an
    unpublished new title, an image, a document, and a pending translation."""
    made = {}
    hant = Locale.objects.get(language_code="zh-hant")
    for code in (OWN, SIBLING):
        org = org_tree[code]
        news = column(org, "news")
        draft = ArticleFactory(parent=news, title=f"草稿《{code}》", live=False)
        draft.save_revision()
        live = ArticleFactory(parent=news, title=f"已发布《{code}》")
        live.title = f"未发布的新标题《{code}》"
        live.save_revision()
        collection = OrganisationAccess.objects.get(organisation=org).collection
        ImageFactory(title=f"图片《{code}》", collection=collection)
        Document.objects.create(
            title=f"文件《{code}》",
            collection=collection,
            file=SimpleUploadedFile(f"{code}.txt", b"hello"),
        )
        source, _ = TranslationSource.get_or_create_from_instance(live)
        Translation.objects.create(source=source, target_locale=hant)
        made[code] = {"org": org, "news": news, "draft": draft, "live": live}
    return made


@pytest.fixture
def editor(client, leaks):
    user = UserFactory(username="da-s1-reviewer", groups=[f"{OWN}:reviewers"])
    client.force_login(user)
    return user


def test_move_confirmation_is_404_outside_the_subtree(client, leaks, editor):
    own, sibling = leaks[OWN], leaks[SIBLING]
    for page, destination in [
        (sibling["draft"], own["news"]),
        (own["live"], sibling["news"]),
        (sibling["draft"], sibling["news"]),
    ]:
        response = client.get(f"/admin/pages/{page.pk}/move/{destination.pk}/confirm/")
        assert response.status_code == 404
        assert "《da-s2》" not in response.content.decode()
    response = client.post(f"/admin/pages/{sibling['draft'].pk}/move/{own['news'].pk}/confirm/")
    assert response.status_code == 404
    sibling["draft"].refresh_from_db()
    assert sibling["draft"].get_parent().pk == sibling["news"].pk


def test_a_superuser_may_still_confirm_a_move(client, leaks):
    client.force_login(UserFactory(username="root", is_superuser=True))
    own, sibling = leaks[OWN], leaks[SIBLING]
    response = client.get(f"/admin/pages/{sibling['draft'].pk}/move/{own['news'].pk}/confirm/")
    assert response.status_code == 200 and "草稿《da-s2》" in response.content.decode()


def test_the_page_chooser_shows_live_titles_outside_the_subtree(client, leaks, editor):
    browse = client.get(f"/admin/choose-page/{leaks[SIBLING]['news'].pk}/").json()["html"]
    assert "已发布《da-s2》" in browse
    assert "未发布的新标题《da-s2》" not in browse and "草稿《da-s2》" not in browse
    own = client.get(f"/admin/choose-page/{leaks[OWN]['news'].pk}/").json()["html"]
    assert "未发布的新标题《da-s1》" in own and "草稿《da-s1》" in own


def test_choosing_several_pages_answers_only_choosable_ones_by_live_title(client, leaks, editor):
    sibling = leaks[SIBLING]
    ids = [sibling["draft"].pk, sibling["live"].pk, leaks[OWN]["draft"].pk]
    response = client.get("/admin/choose-page/chosen-multiple/", {"id": ids})
    titles = {page["adminTitle"] for page in response.json()["result"]}
    assert titles == {"已发布《da-s2》", "草稿《da-s1》"}


def test_page_types_usage_counts_only_the_subtree(client, leaks, editor):
    response = client.get("/admin/reports/page-types-usage/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "《da-s2》" not in text and "《da-s1》" in text


def test_translations_report_lists_only_the_subtree(client, leaks, editor):
    response = client.get("/admin/localize/reports/translations/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "《da-s2》" not in text and "《da-s1》" in text


@pytest.mark.parametrize("kind, title", [("images", "图片"), ("documents", "文件")])
def test_admin_api_lists_only_choosable_media(client, leaks, editor, kind, title):
    response = client.get(f"/admin/api/main/{kind}/")
    titles = {item["title"] for item in response.json()["items"]}
    assert titles == {f"{title}《da-s1》"}


def test_site_history_shows_nothing_outside_the_subtree(client, org_tree, leaks, editor):
    """Nor of the organisation above: an entry's label is the title when it was logged,
    a draft's title as much as a live one."""
    for code in (OWN, SIBLING):
        log(instance=leaks[code]["draft"], action="wagtail.edit", user=editor)
    parent = org_tree["da"]
    parent.title = "区委未发布的新标题"
    log(instance=parent, action="wagtail.edit")
    page = client.get("/admin/reports/site-history/")
    assert page.status_code == 200
    shown = page.content.decode()
    assert f"草稿《{OWN}》" in shown
    assert f"草稿《{SIBLING}》" not in shown
    assert "区委未发布的新标题" not in shown


def test_media_usage_is_404_outside_the_subtree(client, org_tree, leaks, editor):
    """wagtailmedia's usage page checked no permission: any editor read the title of
    another organisation's media item by its id."""
    items = {}
    for code in (OWN, SIBLING, "da"):
        collection = OrganisationAccess.objects.get(organisation=org_tree[code]).collection
        items[code] = LessonMediaFactory(title=f"视频《{code}》", collection_id=collection.pk)
    own = client.get(f"/admin/media/usage/{items[OWN].pk}/")
    assert own.status_code == 200 and f"视频《{OWN}》" in own.content.decode()
    for code in (SIBLING, "da"):
        response = client.get(f"/admin/media/usage/{items[code].pk}/")
        assert response.status_code == 404
        assert f"视频《{code}》" not in response.content.decode()
