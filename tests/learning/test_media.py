"""Lesson media with real ffmpeg: uploads in the admin are checked (corrupt, text renamed
.mp4, wrong kind, oversize) and the worker's processing fills in duration, poster and a
web rendition, or marks the item failed with the reason."""

import subprocess

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from learning import ffmpeg
from learning.media import LessonMedia
from learning.processing import process


def make(tmp_path, name, *args):
    """A short test file made by ffmpeg (testsrc picture, sine tone)."""
    path = tmp_path / name
    command = [ffmpeg.ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", *args, str(path)]
    subprocess.run(command, check=True)
    return path


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Short real files made once for the module's tests, which only read them."""
    tmp_path = tmp_path_factory.mktemp("clips")
    src = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2"]
    tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=2"]
    return {
        "mp4": make(
            tmp_path,
            "lesson.mp4",
            *src,
            *tone,
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
        ),
        "webm": make(
            tmp_path, "lesson.webm", *src, *tone, "-c:v", "libvpx", "-c:a", "libvorbis", "-shortest"
        ),
        "wav": make(tmp_path, "chapter.wav", *tone),
    }


@pytest.fixture
def upload(admin_client, django_capture_on_commit_callbacks):
    """Post to wagtailmedia's add view; the processing task runs when the commit does
    (the test settings run tasks at once)."""

    def post(kind, name, data, title="测试"):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(
                f"/admin/media/{kind}/add/",
                {"title": title, "file": SimpleUploadedFile(name, data), "collection": 1},
            )

    return post


def test_a_video_upload_is_processed_by_the_worker(upload, clips):
    response = upload("video", "lesson.webm", clips["webm"].read_bytes())
    assert response.status_code == 302, response.content.decode()[:2000]
    media = LessonMedia.objects.get()
    assert media.status == LessonMedia.READY, media.status_message
    assert media.duration == pytest.approx(2, abs=0.2)
    assert (media.width, media.height) == (320, 240)
    assert media.thumbnail.name.endswith(".jpg") and media.thumbnail.size > 1000
    # WebM/VP8 does not play everywhere: an H.264/AAC rendition is made.
    rendition = ffmpeg.probe(media.web_file.path)
    assert (rendition.video_codec, rendition.audio_codec) == ("h264", "aac")
    assert media.playable == media.web_file


def test_browser_friendly_uploads_are_played_as_they_are(upload, clips):
    assert upload("video", "lesson.mp4", clips["mp4"].read_bytes()).status_code == 302
    media = LessonMedia.objects.get()
    assert media.status == LessonMedia.READY and not media.web_file
    assert media.playable == media.file


def test_audio_gets_an_aac_rendition(upload, clips):
    assert upload("audio", "chapter.wav", clips["wav"].read_bytes()).status_code == 302
    media = LessonMedia.objects.get()
    assert media.status == LessonMedia.READY and media.duration == pytest.approx(2, abs=0.2)
    assert ffmpeg.probe(media.web_file.path).audio_codec == "aac" and not media.thumbnail


@pytest.mark.parametrize(
    "kind, name, data, message",
    [
        ("video", "lesson.mp4", b"just some text, not a video", "无法识别的音视频文件"),
        ("video", "lesson.mp4", "{truncated}", "无法识别的音视频文件"),
        ("video", "chapter.wav", "{wav}", "只接受这些格式"),
        ("audio", "lesson.m4a", "{mp4}", "这是一个视频文件"),
        ("video", "lesson.exe", b"MZ", "只接受这些格式"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message(upload, clips, kind, name, data, message):
    if data == "{truncated}":
        data = clips["mp4"].read_bytes()[:300]
    elif isinstance(data, str):
        data = clips[data.strip("{}")].read_bytes()
    response = upload(kind, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LessonMedia.objects.exists()


def test_oversize_uploads_are_refused(upload, clips, settings):
    settings.WAGTAILMEDIA_MAX_UPLOAD_SIZE = 1024
    response = upload("video", "lesson.mp4", clips["mp4"].read_bytes())
    assert "文件超过" in response.content.decode() and not LessonMedia.objects.exists()


def test_a_file_that_breaks_later_is_marked_failed_not_crashed(db, clips):
    media = LessonMedia(title="坏文件", type="video", collection_id=1)
    media.file.save("broken.mp4", ContentFile(b"\x00" * 4096), save=False)
    LessonMedia.objects.bulk_create([media])  # as if stored without the form's check
    process(media.pk)
    media.refresh_from_db()
    assert media.status == LessonMedia.FAILED and "无法识别" in media.status_message


def test_probing_without_ffprobe_reads_ffmpegs_report(clips, monkeypatch):
    import shutil

    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "ffprobe" else which(name))
    info = ffmpeg.probe(clips["mp4"])
    assert (info.kind, info.width, info.height, info.video_codec) == ("video", 320, 240, "h264")
    assert info.duration == pytest.approx(2, abs=0.2) and ffmpeg.browser_friendly(info)
    assert ffmpeg.probe(clips["wav"]).kind == "audio"
    with pytest.raises(ffmpeg.MediaError):
        ffmpeg.probe(clips["wav"].with_name("missing.mp4"))
