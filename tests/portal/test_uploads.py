"""Uploads are checked before anything is stored: image types (no SVG), image size and
pixel count (decompression bombs), document types (no SVG or HTML, which could carry
scripts), a document's real type by its content, PDFs with scripts or automatic actions
— each refused with a message on the form, nothing saved. Documents are served as
attachments unless they are checked PDFs, and only through Wagtail's document view."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png(width, height):
    out = io.BytesIO()
    PILImage.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def pdf(build=None):
    """A real one-page PDF written by pypdf; `build(writer)` adds to it first."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if build:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind, **entries):
    fields = {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)}
    fields.update({NameObject(f"/{k}"): TextStringObject(v) for k, v in entries.items()})
    return DictionaryObject(fields)


def upload_image(client, name, data):
    file = SimpleUploadedFile(name, data)
    return client.post(
        "/admin/images/add/",
        {"title": name, "description": "支部活动照片", "file": file, "collection": 1},
    )


def upload_document(client, name, data):
    file = SimpleUploadedFile(name, data)
    return client.post("/admin/documents/add/", {"title": name, "file": file, "collection": 1})


def test_a_decompression_bomb_is_refused(admin_client, settings):
    bomb = png(10_000, 10_000)  # 100 megapixels, a few kilobytes on disk
    assert len(bomb) < 200_000
    response = upload_image(admin_client, "bomb.png", bomb)
    assert response.status_code == 200 and not Image.objects.exists()
    assert "像素" in response.text or "pixels" in response.text


def test_svg_with_a_script_is_refused_as_an_image_and_as_a_document(admin_client):
    response = upload_image(admin_client, "logo.svg", SVG)
    assert response.status_code == 200 and not Image.objects.exists()
    response = upload_document(admin_client, "logo.svg", SVG)
    assert response.status_code == 200 and not Document.objects.exists()
    response = upload_document(admin_client, "page.html", b"<script>alert(1)</script>")
    assert response.status_code == 200 and not Document.objects.exists()


def test_oversized_and_misnamed_images_are_refused(admin_client, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 1024
    response = upload_image(admin_client, "big.png", png(300, 300) + b"\0" * 2048)
    assert response.status_code == 200 and not Image.objects.exists()
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20 * 2**20
    response = upload_image(admin_client, "notes.png", b"this is text, not a picture")
    assert response.status_code == 200 and not Image.objects.exists()


def test_a_normal_image_and_document_are_accepted(admin_client):
    assert upload_image(admin_client, "ok.png", png(64, 64)).status_code == 302
    assert upload_document(admin_client, "ok.pdf", pdf()).status_code == 302
    assert Image.objects.count() == 1 and Document.objects.count() == 1


def add_document_javascript(writer):  # the document-level /JavaScript name tree
    writer.add_open_action(JavaScript("app.alert('pwned')"))


def add_launch_on_open(writer):
    writer._root_object[NameObject("/OpenAction")] = action("/Launch", F="calc.exe")


def add_javascript_on_open(writer):
    writer._root_object[NameObject("/OpenAction")] = action("/JavaScript", JS="app.alert(1)")


def add_page_open_action(writer):  # /AA: fired when the page is shown, no click needed
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): action("/URI", URI="x:")})


@pytest.mark.parametrize(
    "build, named",
    [
        (add_document_javascript, "/JavaScript"),
        (add_launch_on_open, "/Launch"),
        (add_javascript_on_open, "/JS"),
        (add_page_open_action, "/AA"),
    ],
)
def test_a_pdf_with_scripts_or_automatic_actions_is_refused(admin_client, build, named):
    response = upload_document(admin_client, "notice.pdf", pdf(build))
    assert response.status_code == 200 and not Document.objects.exists()
    assert "PDF 含有脚本或自动执行的动作" in response.text and named in response.text


def test_a_document_is_checked_by_its_content_not_its_name(admin_client):
    for name, data in [
        ("notice.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("notice.pdf", b"  <script>alert(document.cookie)</script>"),
        ("notice.txt", b"\n<html><body onload=alert(1)>"),
        ("notice.docx", b"just some text"),
    ]:
        response = upload_document(admin_client, name, data)
        assert response.status_code == 200 and not Document.objects.exists(), name
        assert "网页或标记文本" in response.text or "与扩展名" in response.text, name
    polyglot = b"%PDF-1.4\n<html><script>alert(1)</script></html>"  # a PDF header, no PDF
    response = upload_document(admin_client, "notice.pdf", polyglot)
    assert response.status_code == 200 and "无法读取该 PDF" in response.text
    assert upload_document(admin_client, "notes.txt", b"plain notes").status_code == 302


def test_the_multiple_uploader_checks_documents_too(admin_client):
    file = SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>")
    response = admin_client.post("/admin/documents/multiple/add/", {"files[]": file})
    assert response.json()["success"] is False and not Document.objects.exists()


@pytest.fixture
def internal():
    """A collection only signed-in users may see (集合的查看权限: 登录可见)."""
    collection = Collection.get_first_root_node().add_child(name="内部文件")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    return collection


def uploaded(admin_client, name, data, collection=1):
    file = SimpleUploadedFile(name, data)
    response = admin_client.post(
        "/admin/documents/add/", {"title": name, "file": file, "collection": collection}
    )
    assert response.status_code == 302, response.text[:2000]
    return Document.objects.get(title=name)


def test_only_checked_pdfs_are_served_inline(admin_client, client):
    notice = uploaded(admin_client, "notice.pdf", pdf())
    minutes = uploaded(admin_client, "minutes.txt", "会议纪要".encode())
    response = client.get(notice.url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("inline")
    response = client.get(minutes.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_private_document_is_reachable_only_through_the_document_view(
    admin_client, client, internal
):
    minutes = uploaded(admin_client, "minutes.txt", "会议纪要：内部".encode(), internal.pk)
    name = minutes.file.name  # documents/minutes….txt
    assert name.startswith("documents/")
    for path in [
        f"/media/{name}",
        f"/media/images/../{name}",
        f"/media//{name}",
        f"/media/./{name}",
        f"/media/images/%2e%2e/{name}",
    ]:
        response = client.get(path)
        assert response.status_code == 404 and "内部" not in response.content.decode(), path
        assert admin_client.get(path).status_code == 404, path  # not even for the admin
    response = client.get(minutes.url)
    assert minutes.url.startswith("/documents/")
    assert response.status_code == 302 and "内部" not in response.content.decode()
    assert "login" in response["Location"]
    response = admin_client.get(minutes.url)
    assert response.status_code == 200 and "内部" in b"".join(response).decode()


def test_other_media_are_still_served(admin_client, client):
    image = Image.objects.create(title="ok", file=SimpleUploadedFile("ok.png", png(8, 8)))
    assert client.get(image.file.url).status_code == 200
