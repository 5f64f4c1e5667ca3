"""Editorial isolation: an organisation's editors and reviewers reach their own subtree only.

The matrix: role (editor, reviewer of street da-s1) × target (own da-s1, sibling da-s2,
child branch da-s1-b1, parent district da) × action (view draft, edit, publish, upload,
see media and documents), all through the real admin over HTTP.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Page

from sites.models import OrganisationAccess
from tests.content.factories import ArticleFactory
from tests.factories import ImageFactory, UserFactory, upload_images
from tests.shared_data import shared_fixture
from tests.sites.factories import column

OWN, SIBLING, CHILD, PARENT = "da-s1", "da-s2", "da-s1-b1", "da"
TARGETS = [OWN, SIBLING, CHILD, PARENT]
REACHABLE = {OWN, CHILD}
ROLES = ["editors", "reviewers"]


@shared_fixture
def world(org_tree):
    """A draft article, an image and a document in every target organisation."""
    drafts, images, documents = {}, {}, {}
    for code in TARGETS:
        org = org_tree[code]
        news = column(org, "news")
        draft = ArticleFactory(parent=news, title=f"草稿《{code}》", live=False)
        draft.save_revision()
        drafts[code] = draft
        collection = OrganisationAccess.objects.get(organisation=org).collection
        images[code] = ImageFactory(title=f"图片《{code}》", collection=collection)
        documents[code] = Document.objects.create(
            title=f"文件《{code}》",
            collection=collection,
            file=SimpleUploadedFile(f"{code}.txt", b"hello"),
        )
    return {"orgs": org_tree, "drafts": drafts, "images": images, "documents": documents}


def login(client, role):
    user = UserFactory(username=f"da-s1-{role}", groups=[f"da-s1:{role}"])
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", TARGETS)
def test_view_draft_and_edit(client, world, role, target):
    login(client, role)
    draft = world["drafts"][target]
    allowed = target in REACHABLE
    view = client.get(f"/admin/pages/{draft.pk}/view_draft/")
    edit = client.get(f"/admin/pages/{draft.pk}/edit/")
    if allowed:
        assert view.status_code == 200
        assert f"草稿《{target}》" in view.content.decode()
        assert edit.status_code == 200
    else:
        assert view.status_code in (302, 403)
        assert f"草稿《{target}》" not in view.content.decode()
        assert edit.status_code in (302, 403)
        assert f"草稿《{target}》" not in edit.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", TARGETS)
def test_publish(client, world, role, target):
    login(client, role)
    draft = world["drafts"][target]
    client.post(f"/admin/bulk/wagtailcore/page/publish/?id={draft.pk}", {})
    draft.refresh_from_db()
    # Bulk 发布 skips the workflow: the city's 终审 and superusers only
    # (kitchen/direct_publish.py), so not even the own reviewers; they publish by approving.
    assert not draft.live


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", TARGETS)
def test_upload_image_into_collection(client, world, role, target):
    login(client, role)
    collection = OrganisationAccess.objects.get(organisation=world["orgs"][target]).collection
    image = ImageFactory.build()
    image.file.open()
    upload = SimpleUploadedFile("photo.jpg", image.file.read(), content_type="image/jpeg")
    upload_images(client, upload, collection.pk)
    uploaded = Image.objects.filter(collection=collection, file__contains="photo").exists()
    assert uploaded is (target in REACHABLE)


@pytest.mark.parametrize("role", ROLES)
def test_media_and_document_listings_show_only_own_subtree(client, world, role):
    login(client, role)
    images = client.get("/admin/images/").content.decode()
    documents = client.get("/admin/documents/").content.decode()
    for code in TARGETS:
        assert (f"图片《{code}》" in images) is (code in REACHABLE), code
        assert (f"文件《{code}》" in documents) is (code in REACHABLE), code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", TARGETS)
def test_media_edit_views_by_id(client, world, role, target):
    login(client, role)
    image = world["images"][target]
    document = world["documents"][target]
    image_edit = client.get(f"/admin/images/{image.pk}/")
    document_edit = client.get(f"/admin/documents/edit/{document.pk}/")
    can_edit = target in REACHABLE
    assert (image_edit.status_code == 200) is can_edit
    assert (document_edit.status_code == 200) is can_edit
    if target not in REACHABLE:
        assert f"图片《{target}》" not in image_edit.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_explorer_and_chooser_hide_sibling_drafts(client, world, role):
    login(client, role)
    sibling = world["orgs"][SIBLING]
    explorer = client.get(f"/admin/pages/{column(sibling, 'news').pk}/")
    assert "草稿《da-s2》" not in explorer.content.decode()
    chooser = client.get("/admin/choose-page/search/", {"q": "草稿"})
    text = chooser.content.decode()
    assert "草稿《da-s1》" in text
    assert "草稿《da-s2》" not in text and "草稿《da》" not in text
    api = client.get("/admin/api/main/pages/", {"search": "草稿"})
    if api.status_code == 200:
        titles = {item["title"] for item in api.json()["items"]}
        assert "草稿《da-s2》" not in titles and "草稿《da》" not in titles


def test_public_api_never_lists_drafts(client, world):
    response = client.get("/api/v2/pages/", {"type": "content.ArticlePage"})
    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] == 0
    assert Page.objects.filter(title__startswith="草稿《").count() == 4
