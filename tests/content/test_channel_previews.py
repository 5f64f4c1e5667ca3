"""Channel previews: the app card and the metro-screen slide, through the real admin preview.

The editor's unsaved form is POSTed to the page's preview URL and each mode is then fetched
with ?mode=…, exactly as the preview panel does; so these also show that the preview reflects
what is being typed, not what is saved.
"""

import re
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.test.utils.form_data import rich_text

from tests.content.factories import ArticleFactory, DirectiveFactory, library
from tests.factories import ImageFactory, UserFactory
from tests.sites.factories import column

APP_TITLE = "西岗街道开展主题党日活动"
SCREEN_TITLE = "学习贯彻全会精神"
LONG_TITLE = "关于在全市范围内深入开展党史学习教育并进一步加强基层党组织建设工作的通知"


@pytest.fixture
def admin(client, org_tree):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def article(org_tree):
    return ArticleFactory(
        parent=column(org_tree["da-s1"], "news"),
        title="西岗街道党工委开展七月主题党日活动",
        summary="街道党工委组织全体党员重温入党誓词。",
        date=timezone.make_aware(datetime(2026, 7, 1, 9, 30)),
        app_title=APP_TITLE,
        screen_title=SCREEN_TITLE,
    )


def edit_data(page, **changes):
    """The edit form as the admin would post it, with `changes` typed over it."""
    data = {
        "title": page.title,
        "slug": page.slug,
        "date": "2026-07-01 09:30",
        "summary": page.summary,
        "body": rich_text(page.body),
        "channel_web": True,
        "channel_app": page.channel_app,
        "channel_screen": page.channel_screen,
        "app_title": page.app_title,
        "app_summary": page.app_summary,
        "screen_title": page.screen_title,
        "screen_duration": page.screen_duration,
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    # Unticked checkboxes and empty choosers are simply absent from a real POST.
    absent = [k for k, v in data.items() if v is False or v is None]
    return {k: ("on" if v is True else v) for k, v in data.items() if k not in absent}


def preview(client, page, mode, **changes):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.id])
    posted = client.post(url, edit_data(page, **changes))
    assert posted.json() == {"is_valid": True, "is_available": True}
    response = client.get(url, {"mode": mode})
    assert response.status_code == 200
    return response.content.decode()


def warnings(html):
    """The lines of the yellow banner, [] when there is none."""
    match = re.search(r'class="preview-warnings"[^>]*>(.*?)</(?:p|ul)>', html, re.S)
    if not match:
        return []
    items = re.findall(r"<li>(.*?)</li>", match.group(1), re.S) or [match.group(1)]
    return [item.strip() for item in items]


def assert_csp_clean(html):
    """Previews are framed under the strict policy too: styles from the stylesheet only."""
    assert "/static/css/preview.css" in html
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert "<script" not in html


# ---- App card ------------------------------------------------------------------------


def test_app_card_shows_the_typed_card(admin, article):
    html = preview(
        admin,
        article,
        "app",
        channel_app=True,
        app_summary="改过尚未保存的客户端摘要",
    )
    assert 'lang="zh-Hans"' in html
    assert "党建客户端" in html
    assert f'<h1 class="app-card__title">{APP_TITLE}</h1>' in html
    assert "改过尚未保存的客户端摘要" in html  # the unsaved form, not the database
    assert "2026年7月1日" in html
    # No cover: a red block with the start of the title.
    assert '<div class="app-card__cover app-card__cover--placeholder"' in html
    assert ">西岗街道</div>" in html
    assert "客户端标题 12/30 字" in html
    assert "preview-note--over" not in html
    assert warnings(html) == []
    assert_csp_clean(html)


def test_app_card_summary_falls_back_to_page_summary(admin, article):
    html = preview(admin, article, "app", channel_app=True, app_summary="")
    assert "街道党工委组织全体党员重温入党誓词。" in html


def test_app_card_warns_when_app_channel_is_off(admin, article):
    html = preview(admin, article, "app", channel_app=False)
    assert warnings(html) == ["未选择手机客户端渠道：此内容不会推送到客户端"]


def test_app_card_counts_the_page_title_when_app_title_is_empty(admin, article):
    html = preview(admin, article, "app", channel_app=True, app_title="", title=LONG_TITLE)
    assert f'<h1 class="app-card__title">{LONG_TITLE}</h1>' in html
    note = f'<p class="preview-note preview-note--over">客户端标题 {len(LONG_TITLE)}/30 字'
    assert note in html


def test_app_card_uses_the_cover_rendition(admin, article):
    cover = ImageFactory()
    html = preview(admin, article, "app", channel_app=True, app_cover=cover.pk)
    assert re.search(r'<img[^>]*class="app-card__cover"', html)
    assert re.search(r'src="/media/images/[^"]+\.fill-750x420', html)
    assert "app-card__cover--placeholder" not in html


def test_app_card_of_a_directive_shows_issue_date_and_number(home):
    """Directives have no `date`: the card shows when and under which number they were issued."""
    directive = DirectiveFactory(
        parent=library(home, "city"),
        title="关于做好七一表彰工作的通知",
        issued_at=date(2026, 6, 20),
        doc_number="测〔2026〕7号",
        channel_app=True,
    )
    request = RequestFactory().get("/")
    request.user = UserFactory(username="root", is_superuser=True, is_staff=True)
    html = directive.serve_preview(request, "app").render().content.decode()
    assert "关于做好七一表彰工作的通知" in html
    assert "2026年6月20日" in html
    assert "测〔2026〕7号" in html
    assert warnings(html) == []


# ---- Screen slide --------------------------------------------------------------------


@pytest.mark.parametrize(
    "mode, size, portrait_still, spec",
    [
        ("screen-landscape", "1920×1080", False, "fill-1920x1080"),
        ("screen-landscape", "1920×1080", True, "fill-1920x1080"),
        # Without a portrait still the landscape one is shown whole, not cropped.
        ("screen-portrait", "1080×1920", False, "max-1080x1920"),
        ("screen-portrait", "1080×1920", True, "fill-1080x1920"),
    ],
)
def test_screen_slide_at_its_size(admin, article, mode, size, portrait_still, spec):
    picture = ImageFactory(file__width=600, file__height=400)
    portrait = ImageFactory(file__width=300, file__height=500)
    html = preview(
        admin,
        article,
        mode,
        channel_screen=True,
        screen_image=picture.pk,
        screen_image_portrait=portrait.pk if portrait_still else "",
        screen_duration=20,
        screen_valid_from="2026-07-01 08:00",
        screen_valid_until="2026-07-31 22:00",
    )
    orientation = mode.removeprefix("screen-")
    assert f'class="stage stage--{orientation}"' in html
    assert f'<span class="stage__size">{size}</span>' in html
    assert re.search(rf'src="/media/images/[^"]+\.{spec}', html)
    assert f'<h1 class="stage__title">{SCREEN_TITLE}</h1>' in html
    assert "播放 20 秒" in html
    assert 'dur="20s"' in html
    assert "有效期 2026年7月1日 08:00–2026年7月31日 22:00" in html
    assert warnings(html) == []
    assert_csp_clean(html)


def test_screen_slide_warns_about_channel_and_missing_picture(admin, article):
    html = preview(admin, article, "screen-landscape", channel_app=True, channel_screen=False)
    assert warnings(html) == ["未选择地铁屏渠道", "缺少屏幕画面或短视频"]
    assert "stage__media--empty" in html
    assert "<video" not in html
    assert "有效期" not in html  # no window set: the part is left out


def test_screen_slide_warns_when_the_fallback_title_is_too_long(admin, article):
    picture = ImageFactory()
    html = preview(
        admin,
        article,
        "screen-portrait",
        channel_screen=True,
        screen_image=picture.pk,
        screen_title="",
        title=LONG_TITLE,
    )
    assert warnings(html) == [f"屏幕标题超过 20 字（{len(LONG_TITLE)} 字）"]
    assert f'<h1 class="stage__title">{LONG_TITLE}</h1>' in html


def test_screen_slide_plays_the_clip_when_there_is_no_picture(admin, article):
    clip = Document.objects.create(
        title="七一短视频", file=SimpleUploadedFile("qiyi.mp4", b"\x00\x00\x00\x18ftypmp42")
    )
    html = preview(
        admin,
        article,
        "screen-landscape",
        channel_screen=True,
        screen_clip=clip.pk,
        screen_valid_until="2026-07-31 22:00",
    )
    video = f'<video class="stage__media" src="{clip.url}" muted autoplay loop playsinline>'
    assert video in html
    assert "有效期至 2026年7月31日 22:00" in html
    assert warnings(html) == []
