"""The image form asks for the alt text as 图片说明（替代文字）, in plain words, and requires
it on every upload and edit form (base/image_forms.py); the article's cover says so."""

from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from base.image_forms import ALT_HELP, ALT_LABEL
from content.models import COVER_HELP
from sites.models import OrganisationAccess
from tests.factories import ImageFactory, UserFactory, upload_images
from tests.sites.factories import column

Image = get_image_model()


def png():
    return SimpleUploadedFile("photo.png", get_test_image_file().file.getvalue(), "image/png")


def editor_of(org):
    return UserFactory(username=f"alt-{org.code}", groups=[f"{org.code}:editors"])


def test_the_upload_form_labels_and_requires_the_alt_text(client, org_tree):
    branch = org_tree["da-s1-b1"]
    collection = OrganisationAccess.objects.get(organisation=branch).collection_id
    client.force_login(editor_of(branch))
    page = BeautifulSoup(client.get("/admin/images/add/").content, "html.parser")
    field = page.select_one("input[name=description]")
    assert field is not None and field.has_attr("required")
    label = page.select_one(f"label[for={field['id']}]").get_text(" ", strip=True)
    assert str(ALT_LABEL) in label
    assert "用一句话写出图片里是什么" in page.get_text()

    data = {"title": "活动照片", "file": png(), "collection": collection}
    refused = client.post("/admin/images/add/", {**data, "description": "  "})
    assert refused.status_code == 200
    assert "请填写图片说明" in refused.content.decode()
    assert not Image.objects.filter(title="活动照片").exists()

    data["file"] = png()
    accepted = client.post("/admin/images/add/", {**data, "description": "党员在社区义诊"})
    assert accepted.status_code == 302
    assert Image.objects.get(title="活动照片").description == "党员在社区义诊"


def test_the_chooser_upload_requires_it_too(client, org_tree):
    branch = org_tree["da-s1-b1"]
    collection = OrganisationAccess.objects.get(organisation=branch).collection_id
    client.force_login(editor_of(branch))
    prefix = "image-chooser-upload-"
    data = {f"{prefix}title": "封面", f"{prefix}file": png(), f"{prefix}collection": collection}
    response = client.post(reverse("wagtailimages_chooser:create"), data)
    assert not Image.objects.filter(title="封面").exists()
    assert response.json()["step"] == "reshow_creation_form"
    assert "请填写图片说明" in response.json()["htmlFragment"]


def test_a_multiple_upload_becomes_an_image_only_with_its_description(client, org_tree):
    branch = org_tree["da-s1-b1"]
    collection = OrganisationAccess.objects.get(organisation=branch).collection_id
    client.force_login(editor_of(branch))
    response = upload_images(client, png(), collection, description="", title="合影")
    assert response.json()["success"] is False  # the edit form again, asking for it
    assert not Image.objects.filter(title="合影").exists()
    upload_images(client, png(), collection, description="支部党员合影", title="合影")
    assert Image.objects.get(title="合影").description == "支部党员合影"


def test_editing_an_image_keeps_the_rule(client, org_tree):
    branch = org_tree["da-s1-b1"]
    collection = OrganisationAccess.objects.get(organisation=branch).collection
    image = ImageFactory(collection=collection, description="")
    client.force_login(editor_of(branch))
    url = reverse("wagtailimages:edit", args=[image.pk])
    data = {"title": image.title, "collection": collection.pk, "description": ""}
    client.post(url, data)
    image.refresh_from_db()
    assert image.description == ""
    client.post(url, {**data, "description": "支部活动室"})
    image.refresh_from_db()
    assert image.description == "支部活动室"


def test_the_cover_field_says_its_description_is_required(client, org_tree):
    branch = org_tree["da-s1-b1"]
    client.force_login(editor_of(branch))
    news = column(branch, "news")
    url = reverse("wagtailadmin_pages:add", args=["content", "articlepage", news.pk])
    text = BeautifulSoup(client.get(url).content, "html.parser").get_text()
    assert str(COVER_HELP) in text
    assert "图片说明" in str(COVER_HELP) and "图片说明" in str(ALT_HELP) + str(ALT_LABEL)
