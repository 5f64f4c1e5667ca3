"""Uploads are checked before anything is stored: image types (no SVG), image size and
pixel count (decompression bombs), document types (no SVG or HTML, which could carry
scripts) — each refused with a message on the form, nothing saved."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def png(width, height):
    out = io.BytesIO()
    PILImage.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def upload_image(client, name, data):
    file = SimpleUploadedFile(name, data)
    return client.post("/admin/images/add/", {"title": name, "file": file, "collection": 1})


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
    assert upload_document(admin_client, "ok.pdf", b"%PDF-1.4\n%%EOF\n").status_code == 302
    assert Image.objects.count() == 1 and Document.objects.count() == 1
