"""The demo's metro screens play in real headless Chromium: `load_demo` (as `make run`
does it), then the player with a demo device's token, on a landscape platform screen and a
portrait in-car screen: the generated micro-video clips play and the directive slides show
— on the car screen its portrait slide.
"""

import pytest

from screens.demo import demo_screen_tokens
from screens.models import DisplayGroup

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIDEO_PLAYING = """
const video = document.querySelector('.layer.is-front video');
return !!video && !video.paused && video.currentTime > 0.5 && video.videoWidth > 0;
"""
STILL_SHOWN = """
const img = document.querySelector('.layer.is-front img');
return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : null;
"""


@pytest.fixture
def tokens(demo):
    """A demo device's token per display group (`load_demo` keeps them in VAR_DIR)."""
    return {slug: token for slug, _, token in reversed(demo_screen_tokens())}


def test_the_demo_playlist_plays_on_both_kinds_of_screen(
    live_server, tokens, tmp_path, chromium, wait, on_stage, screenshot
):
    for slug, viewport in [("metro-platform", (960, 540)), ("metro-car", (540, 960))]:
        token = tokens[slug]
        snapshot = DisplayGroup.objects.get(slug=slug).snapshot
        items = {item["id"]: item for item in snapshot["items"]}
        clips = [key for key in items if key.startswith("clip:")]
        slides = [key for key in items if key.startswith("page:")]
        assert len(clips) == 3 and len(slides) >= 2, list(items)

        browser = chromium(*viewport, ["--autoplay-policy=no-user-gesture-required"], True)
        try:
            browser.get(f"{live_server.url}/screens/player/?token={token}")
            wait(
                browser,
                lambda d, clips=clips: on_stage(d)[0] in clips,
                30,
                f"{slug}: no clip came on",
            )
            wait(
                browser,
                lambda d: d.execute_script(VIDEO_PLAYING),
                10,
                f"{slug}: clip not playing",
            )
            screenshot(browser, tmp_path / f"{slug}-clip.png")
            wait(
                browser,
                lambda d, slides=slides: on_stage(d)[0] in slides,
                20,
                f"{slug}: no directive slide",
            )
            item, caption, *_ = on_stage(browser)
            assert caption == items[item]["title"]
            size = wait(browser, lambda d: d.execute_script(STILL_SHOWN), 10, f"{slug}: no slide")
            # Each kind of screen gets the slide drawn for it, filling the screen.
            portrait = viewport[1] > viewport[0]
            assert size == ([1080, 1920] if portrait else [1920, 1080]), (slug, size)
            screenshot(browser, tmp_path / f"{slug}-slide.png")
        finally:
            browser.quit()
