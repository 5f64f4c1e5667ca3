"""Media files in development answer HTTP Range requests, so players can seek."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

DATA = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def media_url(settings):
    name = default_storage.save("media/range-test.mp4", ContentFile(DATA))
    yield f"/media/{name}"
    default_storage.delete(name)


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "header, start, end",
    [
        ("bytes=0-99", 0, 99),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=10200-999999", 10200, 10239),
    ],
)
def test_ranges_get_206_with_just_those_bytes(client, media_url, header, start, end):
    response = client.get(media_url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert response["Content-Type"] == "video/mp4" and response["Accept-Ranges"] == "bytes"
    assert body(response) == DATA[start : end + 1]
    assert response["Content-Length"] == str(end - start + 1)


def test_whole_file_unsatisfiable_and_unknown_files(client, media_url, db):
    whole = client.get(media_url)
    assert whole.status_code == 200 and body(whole) == DATA and whole["Accept-Ranges"] == "bytes"
    past = client.get(media_url, HTTP_RANGE="bytes=20000-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(DATA)}"
    assert client.get(media_url, HTTP_RANGE="bytes=abc").status_code == 200  # ignored
    assert client.get("/media/media/none.mp4", HTTP_RANGE="bytes=0-1").status_code == 404
    outside = client.get("/media/../portal/settings/base.py", HTTP_RANGE="bytes=0-1")
    assert outside.status_code in (400, 404)  # a path out of MEDIA_ROOT is refused
