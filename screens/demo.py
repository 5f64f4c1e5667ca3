"""Metro screens of the demo city (called by portal.demo.load_demo): two display groups
with two devices each (their tokens kept in var/), a playlist of micro-videos and the city's
directives for both, and an emergency insert that starts tomorrow. Idempotent like the
rest of the demo.
"""

import datetime
import logging
import subprocess
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from wagtail.documents.models import Document
from wagtail.images.models import Image

from base.demo_media import CLIP_SECONDS, clip_frames, encode_frames, raw_video_input, slide
from base.private_files import write_private
from content.demo import DIRECTIVES, city_library, directive_slug
from content.models import DirectivePage

from . import snapshots
from .models import Device, DisplayGroup, EmergencyInsert, Playlist, PlaylistItem, hash_token

logger = logging.getLogger(__name__)

SCREEN_GROUPS = [
    # slug, name, width, height, devices: (name without spaces, location)
    (
        "metro-platform",
        "地铁站台屏",
        1920,
        1080,
        [
            ("江城站上行站台1号屏", "1号线江城站 上行站台"),
            ("人民大道站下行站台2号屏", "1号线人民大道站 下行站台"),
        ],
    ),
    (
        "metro-car",
        "车厢屏",
        1080,
        1920,
        [
            ("1号线0101次3号车厢屏", "1号线 0101 次列车 3 号车厢"),
            ("2号线0205次5号车厢屏", "2号线 0205 次列车 5 号车厢"),
        ],
    ),
]
SCREEN_TOKENS_FILE = "demo-screen-tokens.txt"
SCREEN_PLAYLIST = "党建微视频与文件轮播"
# Micro-videos: file, document title, two caption lines. Screens fill their frame (CSS
# object-fit: cover), so a landscape picture shows only its middle on a portrait screen:
# text stays short and centred, in the part both orientations keep.
SCREEN_CLIPS = [
    ("screen-clip-1.webm", "党建微视频：初心如磐（演示）", ("初心如磐", "使命在肩")),
    ("screen-clip-2.webm", "党建微视频：支部引领（演示）", ("支部引领", "服务为民")),
    ("screen-clip-3.webm", "党建微视频：志愿同行（演示）", ("志愿同行", "温暖江城")),
]
# Screen titles (≤ 20 characters) of the city library's demo directives, by number, with
# the lines of their slides.
SCREEN_TITLES = {
    1: ("推进“手机+党支部”平台建设", ["推进“手机+党支部”", "平台建设"]),
    2: ("开展主题党日活动", ["开展主题", "党日活动"]),
    3: ("整顿软弱涣散基层党组织", ["整顿软弱涣散", "基层党组织"]),
}
SLIDE_SIZES = [
    ("screen_image", "站台屏画面", (1920, 1080)),
    ("screen_image_portrait", "车厢屏竖屏画面", (1080, 1920)),
]
SCREEN_INSERT = "明早江城站临时客流管控（演示）"


def ensure_screens_demo(home):
    groups = {}
    for slug, name, width, height, _ in SCREEN_GROUPS:
        groups[slug], _ = DisplayGroup.objects.get_or_create(
            slug=slug, defaults={"name": name, "width": width, "height": height}
        )
    _ensure_devices(groups)

    clips = _ensure_clips(home.access.collection)
    directives = _ensure_directives(home)
    playlist, created = Playlist.objects.get_or_create(
        name=SCREEN_PLAYLIST, defaults={"priority": 10}
    )
    if created:
        playlist.groups.set(groups.values())
    have = set(playlist.items.values_list("page_id", "clip_id"))
    order = playlist.items.count()
    for n in range(max(len(clips), len(directives))):  # a video, a directive, a video, …
        if n < len(clips) and (None, clips[n][0].pk) not in have:
            document, title = clips[n]
            PlaylistItem.objects.create(
                playlist=playlist,
                clip=document,
                title=title,
                duration=CLIP_SECONDS,
                sort_order=order,
            )
            order += 1
        if n < len(directives) and (directives[n].pk, None) not in have:
            PlaylistItem.objects.create(playlist=playlist, page=directives[n], sort_order=order)
            order += 1

    if not EmergencyInsert.objects.filter(title=SCREEN_INSERT).exists():
        tomorrow = timezone.localdate() + timedelta(days=1)
        starts = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(7, 30)))
        insert = EmergencyInsert.objects.create(
            title=SCREEN_INSERT,
            text="受大客流影响，明日 7:30—9:00 江城站实行临时客流管控，请乘客提前安排出行。",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=90),
            approved_by=get_user_model().objects.filter(username="admin").first(),
        )
        insert.groups.set(groups.values())

    for group in groups.values():
        snapshots.rebuild(group)


def demo_screen_tokens():
    """[(group slug, device name, token)] of the demo screens, as kept in var/."""
    path = Path(settings.VAR_DIR) / SCREEN_TOKENS_FILE
    if not path.exists():
        return []
    return [tuple(line.split()) for line in path.read_text().splitlines() if len(line.split()) == 3]


def _ensure_devices(groups):
    """Two devices per group. Their tokens (only hashes are stored) are kept in var/, like
    the demo password; a device whose token is not there gets a new one."""
    known = {(slug, name): token for slug, name, token in demo_screen_tokens()}
    lines, changed = [], False
    for slug, _, _, _, devices in SCREEN_GROUPS:
        for name, location in devices:
            token = known.get((slug, name))
            device = Device.objects.filter(group=groups[slug], name=name).first()
            if device is None:
                device = Device(group=groups[slug], name=name, location=location)
                token = device.set_token()
                device.save()
                changed = True
            elif token is None or device.token_hash != hash_token(token):
                token = device.set_token()
                device.save(update_fields=["token_hash", "token_hint"])
                changed = True
            lines.append(f"{slug} {name} {token}")
    path = Path(settings.VAR_DIR) / SCREEN_TOKENS_FILE
    if changed or not path.exists():
        write_private(path, "\n".join(lines) + "\n")


def _clip(lines):
    """A 6-second 960×540 VP8 WebM (tens of KB) of a title card, by the bundled ffmpeg."""
    import imageio_ffmpeg

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "clip.webm"
        command = [
            *raw_video_input(imageio_ffmpeg.get_ffmpeg_exe()),
            *("-c:v", "libvpx", "-b:v", "150k", "-crf", "20", "-auto-alt-ref", "0"),
            *("-deadline", "realtime", "-cpu-used", "8", "-pix_fmt", "yuv420p", "-an"),
            str(target),
        ]
        encode_frames(command, clip_frames(lines))
        return target.read_bytes()


def _ensure_clips(collection):
    """The micro-videos as documents; made once (an existing document is kept)."""
    clips = []
    for filename, title, lines in SCREEN_CLIPS:
        document = Document.objects.filter(title=title).first()
        if document is None:
            try:
                data = _clip(lines)
            except (OSError, RuntimeError, subprocess.SubprocessError) as error:
                logger.warning("演示短视频未生成（%s）：%s", title, error)
                continue
            document = Document(title=title, collection=collection)
            document.file.save(filename, ContentFile(data), save=False)
            document.save()
        clips.append((document, " ".join(lines)))
    return clips


def _ensure_directives(home):
    """The city library's demo directives go to the screens: a short title and a slide."""
    library = city_library(home)["city"]
    issuer = DIRECTIVES["city"][0]
    pages = []
    for number, (screen_title, lines) in SCREEN_TITLES.items():
        slug = directive_slug(library, number)
        page = DirectivePage.objects.child_of(library).filter(slug=slug).first()
        if page is None:
            continue
        if not (page.channel_screen and page.screen_image_id and page.screen_image_portrait_id):
            stills = {}
            for field, label, size in SLIDE_SIZES:
                image = Image(title=f"{screen_title}（{label}）", collection=home.access.collection)
                name = f"screen-{slug}-{size[0]}x{size[1]}.png"
                image.file = ImageFile(slide(lines, issuer, size), name=name)
                image.save()
                stills[field] = image
            page.channel_screen = True
            page.screen_title = screen_title
            page.screen_image = stills["screen_image"]
            page.screen_image_portrait = stills["screen_image_portrait"]
            page.save_revision().publish()
        pages.append(page)
    return pages
