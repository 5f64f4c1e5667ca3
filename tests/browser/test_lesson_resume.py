"""A member stops a lesson on one device and the lesson page, in real Chromium, starts
where they stopped; playing and pausing there reports progress to the API."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from learning import demo_media, progress
from learning.media import LessonMedia
from learning.models import StudyProgress
from learning.processing import process
from tests.learning.factories import LessonFactory, MemberFactory, learning_home

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

STATE = """
const v = document.querySelector('video.study-player');
return v ? [v.currentTime, v.paused, v.readyState,
            document.querySelector('[data-study-status]').textContent] : null;
"""


@pytest.fixture(autouse=True)
def ranged_media(monkeypatch):
    """Django's live server answers /media/ itself (django.views.static.serve, no Range),
    before our URLconf: let it answer through our serve_ranged, as `make run` does, or
    the browser cannot seek."""
    from django.test.testcases import _MediaFilesHandler

    from learning.ranged import serve_ranged

    def serve(handler, request):
        return serve_ranged(request, handler.file_path(request.path), handler.get_base_dir())

    monkeypatch.setattr(_MediaFilesHandler, "serve", serve)


@pytest.fixture
def lesson(home):
    media = LessonMedia(title="微课视频", type="video", collection_id=1)
    media.file.save("resume.mp4", ContentFile(demo_media.make_lesson_clip(["接着学"])), save=False)
    LessonMedia.objects.bulk_create([media])
    process(media.pk)  # duration, poster (the worker's job)
    return LessonFactory(
        parent=learning_home(home), title="接着学的微课", slug="resume", video=media, speaker=""
    )


def test_the_lesson_page_resumes_and_reports_progress(
    live_server, home, lesson, client, chromium, wait
):
    user = MemberFactory(branch=home, name="张三")  # the city stands in for a branch here
    start = timezone.now() - timezone.timedelta(minutes=5)
    progress.record(user, f"lesson:{lesson.pk}", 0, "start", now=start)
    progress.record(
        user, f"lesson:{lesson.pk}", 3.5, "pause", now=start + timezone.timedelta(seconds=4)
    )
    client.force_login(user)
    browser = chromium(1280, 800, ["--autoplay-policy=no-user-gesture-required"])
    try:
        browser.get(f"{live_server.url}/a11y/font/")  # any page, to set the cookie on the host
        browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value})
        browser.get(f"{live_server.url}{lesson.url}")
        resumed = wait(
            browser,
            lambda d: (s := d.execute_script(STATE)) and s[2] >= 1 and abs(s[0] - 3.5) < 0.3 and s,
            15,
            "the video did not resume at 3.5 s",
        )
        assert "上次学到 0 分 3 秒" in resumed[3]
        browser.execute_script("document.querySelector('video.study-player').play()")
        wait(browser, lambda d: d.execute_script(STATE)[0] > 4.5, 10, "the video did not play")
        browser.execute_script("document.querySelector('video.study-player').pause()")
        row = StudyProgress.objects.get(user=user)

        def saved(_):
            row.refresh_from_db()
            return row.position_s > 4.4

        wait(browser, saved, 10, "the pause was not reported", every=0.5)
        assert row.studied_s > 0.8  # the seconds really played, not the jump to 3.5
    finally:
        browser.quit()
