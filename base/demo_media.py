"""Pictures and clips of the demo, drawn by Pillow (no ffmpeg drawtext or font
configuration needed): the red title cards of the screens' slides and of the micro-video
and lesson clips, and the pipe that feeds raw frames to ffmpeg.

Shared by the apps' demo parts (screens/demo.py, learning/demo_media.py); imports no app.
"""

import functools
import hashlib
import io
import math
import os
import subprocess

from PIL import Image, ImageDraw, ImageFont

CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]
RED, DARK_RED, GOLD, PALE_GOLD = (178, 16, 22), (140, 8, 14), (245, 200, 80), (255, 232, 170)
CLIP_SIZE, CLIP_SECONDS, CLIP_FPS = (960, 540), 6, 10


@functools.lru_cache
def cjk_font(size):
    """A font with Chinese glyphs (the Simplified Chinese face of Noto CJK), or None: the
    pictures then carry no text."""
    for path in CJK_FONTS:
        if not os.path.exists(path):
            continue
        for index in range(10):
            try:
                font = ImageFont.truetype(path, size, index=index)
            except OSError:
                break
            if "SC" in font.getname()[0]:
                return font
        return ImageFont.truetype(path, size)
    return None


def _star(draw, cx, cy, radius, fill):
    points = []
    for n in range(10):
        r = radius if n % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + n * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    draw.polygon(points, fill=fill)


def _centred_lines(draw, lines, centre, size, fill, max_width=None, gap=1.35):
    """Lines of text centred on centre=(x, y); smaller type if one is wider than max_width."""
    font = cjk_font(size)
    if font is None:
        return
    widest = max(font.getlength(line) for line in lines)
    if max_width and widest > max_width:
        size = int(size * max_width / widest)
        font = cjk_font(size)
    x, y = centre
    top = y - (len(lines) - 1) * size * gap / 2
    for n, line in enumerate(lines):
        draw.text((x, top + n * size * gap), line, font=font, fill=fill, anchor="mm")


def slide(lines, issuer, size=(1920, 1080)):
    """A slide for a directive: its screen title on red, landscape (1920×1080) or portrait
    (1080×1920) for the in-car screens. A PNG in a BytesIO."""
    width, height = size
    image = Image.new("RGB", size, RED)
    draw = ImageDraw.Draw(image)
    band = height // 12
    draw.rectangle((0, 0, width, band), fill=DARK_RED)
    draw.rectangle((0, height - band, width, height), fill=DARK_RED)
    draw.rectangle((0, band, width, band + 10), fill=GOLD)
    draw.rectangle((0, height - band - 10, width, height - band), fill=GOLD)
    _star(draw, width / 2, height * 0.23, 70, GOLD)
    text_width = min(width - 240, 1200)
    _centred_lines(draw, lines, (width / 2, height / 2), 84, "white", max_width=text_width)
    _centred_lines(draw, [issuer], (width / 2, height * 0.76), 36, PALE_GOLD, max_width=text_width)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer


def clip_frames(lines):
    """The raw RGB frames (CLIP_SIZE, CLIP_SECONDS at CLIP_FPS) of a title card `lines`
    with a gold bar that grows from the middle."""
    width, height = CLIP_SIZE
    base = Image.new("RGB", CLIP_SIZE, RED)
    draw = ImageDraw.Draw(base)
    _star(draw, width / 2, 110, 42, GOLD)
    _centred_lines(draw, list(lines), (width / 2, height / 2 + 10), 60, "white")
    _centred_lines(draw, ["党建微视频（演示）"], (width / 2, height - 95), 24, PALE_GOLD)
    total = CLIP_SECONDS * CLIP_FPS
    for n in range(total):
        frame = base.copy()
        half = int(width / 2 * (n + 1) / total)
        ImageDraw.Draw(frame).rectangle(
            (width / 2 - half, height - 40, width / 2 + half, height - 30), fill=GOLD
        )
        yield frame.tobytes()


def raw_video_input(binary):
    """The start of an ffmpeg command that reads clip_frames() from its standard input."""
    width, height = CLIP_SIZE
    return [
        binary,
        *("-hide_banner", "-loglevel", "error", "-y"),
        *("-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}"),
        *("-r", str(CLIP_FPS), "-i", "-"),
    ]


def encode_frames(command, frames):
    """Pipe raw frames into an ffmpeg command; RuntimeError with its message if it fails."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for frame in frames:
            process.stdin.write(frame)
    except BrokenPipeError:
        pass
    _, errors = process.communicate(timeout=120)
    if process.returncode != 0:
        raise RuntimeError(errors.decode(errors="replace").strip() or "ffmpeg failed")


# Colour pairs of the demo's cover pictures (top-left to bottom-right).
COVER_PALETTES = [
    ((200, 16, 46), (246, 150, 60)),
    ((158, 11, 35), (230, 190, 90)),
    ((30, 90, 150), (120, 190, 220)),
    ((40, 120, 80), (200, 220, 120)),
    ((120, 40, 110), (240, 140, 140)),
]


def cover_picture(lines, palette, size=(1600, 900)):
    """A demo cover or album photo: a diagonal gradient with soft circles, a gold star
    and `lines` of white text. `palette` picks the colours. A JPEG in a BytesIO."""
    width, height = size
    top, bottom = COVER_PALETTES[palette % len(COVER_PALETTES)]
    small = Image.new("RGB", (2, 2))
    small.putdata([top, _mix(top, bottom, 0.5), _mix(top, bottom, 0.5), bottom])
    image = small.resize(size, Image.BILINEAR)
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for n in range(6):
        r = height * (0.18 + 0.07 * n)
        cx = width * (0.15 + 0.17 * n)
        cy = height * (0.85 - 0.11 * (n % 3))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 22))
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    draw = ImageDraw.Draw(image)
    _star(draw, width * 0.12, height * 0.2, height * 0.08, GOLD)
    _centred_lines(draw, list(lines), (width / 2, height / 2), height // 10, "white", width * 0.8)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def ensure_demo_image(title, alt, lines, palette, collection, size=(1600, 900)):
    """The demo image called `title` (made once, a cover_picture), with `alt` as its
    alt text."""
    from django.core.files.images import ImageFile
    from wagtail.images import get_image_model

    Image_ = get_image_model()
    image = Image_.objects.filter(title=title).first()
    if image is None:
        image = Image_(title=title, description=alt, collection=collection)
        image.file = ImageFile(
            cover_picture(lines, palette, size),
            name=f"demo-{hashlib.sha1(title.encode()).hexdigest()[:10]}.jpg",
        )
        image.save()
    return image
