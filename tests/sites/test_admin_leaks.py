"""Wagtail's own admin views keep to the subtree rule: the move confirmation, the page
chooser, the page-types and translations reports, the admin API's images and documents,
the workflow views and the media usage page show nothing of a sibling organisation's
drafts, reviews or media."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.admin.models import EditingSession
from wagtail.documents import get_document_model
from wagtail.documents.models import Document
from wagtail.images import get_image_model
from wagtail.log_actions import log
from wagtail.models import Locale, Page, TranslatableMixin, UploadedFile
from wagtail.snippets.models import get_snippet_models
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


@pytest.fixture
def sibling_in_review(leaks):
    """The sibling street's live article, in review (三审, waiting for 初审)."""
    live = leaks[SIBLING]["live"]
    author = UserFactory(username="author", is_superuser=True)
    return live.get_workflow().start(live, author)


def test_workflow_cancellation_prompt_is_404_outside_the_subtree(
    client, leaks, editor, sibling_in_review
):
    """Wagtail's prompt answered for any page id with its workflow, task and status."""
    page = leaks[SIBLING]["live"]
    response = client.get(f"/admin/pages/workflow/confirm_cancellation/{page.pk}/")
    assert response.status_code == 404 and "初审" not in response.content.decode()
    own = leaks[OWN]["live"]
    assert client.get(f"/admin/pages/workflow/confirm_cancellation/{own.pk}/").status_code == 200


def test_workflow_views_do_not_name_a_page_outside_the_subtree(
    client, leaks, editor, sibling_in_review
):
    """Asked about a page not in review, the action and preview views said so in a notice
    naming the page by its draft title, whoever asked."""
    draft, task_state = leaks[SIBLING]["draft"], sibling_in_review.current_task_state
    for url in [
        f"/admin/pages/workflow/action/{draft.pk}/reject/{task_state.pk}/",
        f"/admin/pages/workflow/collect_action_data/{draft.pk}/reject/{task_state.pk}/",
        f"/admin/pages/workflow/preview/{draft.pk}/{task_state.task_id}/",
    ]:
        response = client.get(url, follow=True)
        assert response.status_code == 404, url
        assert f"草稿《{SIBLING}》" not in response.content.decode(), url


def test_the_page_chooser_root_shows_the_city_by_its_live_title(client, home, leaks, editor):
    page = Page.objects.get(pk=home.pk).specific
    page.title = "未发布的市首页标题"
    page.save_revision()
    response = client.get("/admin/choose-page/")
    assert response.status_code == 200
    html = response.json()["html"]
    assert home.title in html and "未发布的市首页标题" not in html


def test_the_image_url_generator_answers_no_one(client, leaks):
    """It needs the dynamic image serve view, which the portal does not register."""
    client.force_login(UserFactory(username="root", is_superuser=True))
    image = ImageFactory(title="图片", collection_id=1)
    for url in [
        f"/admin/images/{image.pk}/generate_url/",
        f"/admin/images/{image.pk}/generate_url/output/",
    ]:
        assert client.get(url).status_code == 404


def test_no_snippet_is_translatable():
    """So wagtail-localize's submit view for snippets is 404 for everyone."""
    assert not [m for m in get_snippet_models() if issubclass(m, TranslatableMixin)]


@pytest.mark.parametrize("kind", ["images", "documents"])
def test_unfinished_uploads_are_the_uploaders_own(client, leaks, editor, kind):
    """Finishing or discarding a multiple upload: only who uploaded it."""
    model = get_image_model() if kind == "images" else get_document_model()
    upload = UploadedFile.objects.create(
        file=SimpleUploadedFile("a.txt", b"hello"),
        for_content_type=ContentType.objects.get_for_model(model),
        uploaded_by_user=UserFactory(username="other-uploader"),
    )
    create = "create_from_uploaded_image" if kind == "images" else "create_from_uploaded_document"
    for url in [
        f"/admin/{kind}/multiple/{create}/{upload.pk}/",
        f"/admin/{kind}/multiple/delete_upload/{upload.pk}/",
    ]:
        response = client.post(url)  # refused: to the admin home, with a message
        assert response.status_code in (302, 403) and response.get("Location") in (None, "/admin/")
        assert UploadedFile.objects.filter(pk=upload.pk).exists(), url


def test_releasing_an_editing_session_is_for_its_own_user(client, leaks, editor):
    page = leaks[OWN]["draft"]
    other = EditingSession.objects.create(
        user=UserFactory(username="other-editor"),
        content_object=page,
        last_seen_at=page.latest_revision_created_at,
    )
    client.post(f"/admin/editing-sessions/release/{other.pk}/")
    assert EditingSession.objects.filter(pk=other.pk).exists()
