"""Uploads on real S3 API (moto's server on a free port): images and renditions through
the Wagtail admin, private documents behind Wagtail's privacy check and signed, expiring
URLs, lesson media processed from object storage, and an unreachable store → 503.

moto[server] is a dev dependency, so this module always runs.
"""

import io
import time
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction

from base.ports import free_port
from base.storage import public_read_policy
from learning import ffmpeg

BUCKET = "portal-media"
KEYS = {"access_key": "portal-test", "secret_key": "portal-test-secret"}
pytestmark = [pytest.mark.server, pytest.mark.django_db]


def storage_settings(endpoint):
    return {
        "BACKEND": "base.storage.PortalS3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": endpoint,
            "region_name": "us-east-1",
            "querystring_auth": False,
            "private_expire": 300,
            "file_overwrite": False,
            "addressing_style": "path",
            "connect_timeout": 1,
        },
    }


def use_storage(settings, monkeypatch, endpoint):
    # Credentials from the environment, as in production: never in the storage options,
    # which Wagtail stores with background tasks.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEYS["access_key"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", KEYS["secret_key"])
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(endpoint)}
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = endpoint
    settings.WAGTAILDOCS_SERVE_METHOD = "redirect"


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket with the production policy; yields a boto3 client on it."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_policy(Bucket=BUCKET, Policy=public_read_policy(BUCKET))
    use_storage(settings, monkeypatch, s3_endpoint)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client):
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def png(width=320, height=200):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_round_trip_through_the_admin(
    admin_client, bucket, django_capture_on_commit_callbacks
):
    data = png()
    response = admin_client.post(
        "/admin/images/add/",
        {
            "title": "党员活动室",
            "description": "党员活动室全景",
            "file": SimpleUploadedFile("room.png", data, "image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = get_image_model().objects.get(title="党员活动室")
    assert image.file.name.startswith("original_images/") and image.file.name in keys(bucket)
    assert (image.width, image.height) == (320, 200)

    rendition = image.get_rendition("fill-100x100")
    assert rendition.file.name.startswith("images/") and rendition.file.name in keys(bucket)
    # Public files: plain URLs on the store, readable by anyone (the bucket policy).
    assert "X-Amz-Signature" not in image.file.url and "X-Amz-Signature" not in rendition.url
    original = requests.get(image.file.url, timeout=10)
    assert original.status_code == 200 and original.content == data
    small = requests.get(rendition.url, timeout=10)
    assert small.status_code == 200
    assert PILImage.open(io.BytesIO(small.content)).size == (100, 100)

    with django_capture_on_commit_callbacks(execute=True):
        deleted = admin_client.post(f"/admin/images/{image.pk}/delete/")
    assert deleted.status_code == 302
    assert not get_image_model().objects.filter(pk=image.pk).exists()
    assert image.file.name not in keys(bucket) and rendition.file.name not in keys(bucket)
    assert requests.get(rendition.url, timeout=10).status_code in (403, 404)


@pytest.fixture
def private_document(admin_client, bucket):
    """A document uploaded in the admin into a collection only logged-in users may see."""
    internal = Collection.get_first_root_node().add_child(name="内部文件")
    CollectionViewRestriction.objects.create(
        collection=internal, restriction_type=CollectionViewRestriction.LOGIN
    )
    response = admin_client.post(
        "/admin/documents/add/",
        {
            "title": "支部委员会会议纪要",
            "file": SimpleUploadedFile("minutes.txt", "会议纪要：学习贯彻".encode()),
            "collection": internal.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return get_document_model().objects.get(title="支部委员会会议纪要")


def test_private_documents_get_signed_expiring_urls(admin_client, bucket, private_document):
    document = private_document
    assert document.file.name.startswith("documents/") and document.file.name in keys(bucket)
    assert document.url == f"/documents/{document.pk}/{document.filename}"

    served = admin_client.get(document.url)
    assert served.status_code == 302
    signed = served["Location"]
    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["300"] and query["X-Amz-Signature"][0]
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    issued = time.mktime(time.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ"))
    assert abs(issued - time.mktime(time.gmtime())) < 60
    download = requests.get(signed, timeout=10)
    assert download.status_code == 200 and download.content == "会议纪要：学习贯彻".encode()

    # Without the signature the store refuses; anonymous visitors never get a link.
    unsigned = signed.split("?")[0]
    assert requests.get(unsigned, timeout=10).status_code == 403
    anonymous = Client().get(document.url)
    assert anonymous.status_code == 302 and "amazonaws" not in anonymous["Location"]
    assert "X-Amz-Signature" not in anonymous["Location"]
    assert anonymous["Location"].startswith(("/login/", "/_util/login/"))


@pytest.mark.skipif(ffmpeg.ffmpeg_binary() is None, reason="ffmpeg not installed")
def test_lesson_media_are_processed_from_object_storage(
    admin_client, bucket, tmp_path, django_capture_on_commit_callbacks
):
    from learning.media import LessonMedia

    clip = tmp_path / "lesson.webm"
    ffmpeg._run(  # a 1-second VP8 clip: needs a poster and an H.264 rendition
        ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=1"]
        + ["-c:v", "libvpx", str(clip)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/media/video/add/",
            {
                "title": "微党课",
                "file": SimpleUploadedFile("lesson.webm", clip.read_bytes()),
                "collection": 1,
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    media = LessonMedia.objects.get(title="微党课")
    assert media.status == LessonMedia.READY, media.status_message
    stored = keys(bucket)
    assert {media.file.name, media.thumbnail.name, media.web_file.name} <= stored
    poster = requests.get(media.thumbnail.url, timeout=10)
    assert poster.status_code == 200 and poster.content[:2] == b"\xff\xd8"  # JPEG


def test_an_unreachable_store_gives_a_503_and_a_log_line(
    admin_client, settings, monkeypatch, caplog
):
    use_storage(settings, monkeypatch, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    admin_client.raise_request_exception = False
    response = admin_client.post(
        "/admin/images/add/",
        {
            "title": "上传",
            "description": "党员活动室全景",
            "file": SimpleUploadedFile("room.png", png(), "image/png"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    logged = [r.getMessage() for r in caplog.records if r.name == "portal.unavailable"]
    assert logged and "对象存储 不可达" in logged[0] and BUCKET in logged[0]
