"""A platform display group playing an article and a picture, with a device registered
by `create_screen_device` (its token as the command prints it)."""

import io

from django.core.management import call_command

from screens import snapshots
from tests.content.factories import ArticleFactory
from tests.factories import ImageFactory
from tests.screens.factories import DisplayGroupFactory, PlaylistFactory
from tests.shared_data import shared_fixture
from tests.sites.factories import column


@shared_fixture
def platform(home):
    group = DisplayGroupFactory(name="地铁站台屏", slug="platform", width=1920, height=1080)
    still = ImageFactory(description="学习现场", file__width=2400, file__height=1600)
    page = ArticleFactory(
        parent=column(home, "news"),
        title="学习贯彻全会精神",
        slug="study",
        summary="",
        body="",
        channel_screen=True,
        screen_title="学全会精神",
        screen_image=still,
        screen_duration=20,
    )
    playlist = PlaylistFactory(groups=[group], items=[page, ImageFactory()])
    snapshots.rebuild(group)
    out = io.StringIO()
    call_command("create_screen_device", "platform", "站台 1 号屏", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    return {"group": group, "page": page, "playlist": playlist, "token": token}
