"""Pictures on the public site: one way to turn a Wagtail image into a responsive <img>.

A *role* names where a picture is shown (a list thumbnail, an article cover, a lesson
poster, an image in a body, an album photo …) and fixes its renditions: the widths for
`srcset`, the crop ratio (none: the image keeps its shape) and the `sizes` the layout
gives it (static/css/portal.css, section "pictures"). Every template goes through
`{% picture %}` (base/templatetags/pictures.py), so each picture gets `srcset`/`sizes`,
its width and height (no layout shift), lazy loading below the fold and the image's own
alt text.

A picture whose file is gone from storage (or cannot be read) renders nothing: the page
is shown without it rather than with a broken-image icon or an error.

Lists call `attach_pictures(pages, role)` first: two queries for the images and their
renditions of the whole list, however long it is.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError

logger = logging.getLogger(__name__)

# Fields that hold a page's picture, in the order they are tried: the web cover, a
# lesson's poster, then the cover the editor chose for the mobile app.
PICTURE_FIELDS = ("cover", "poster", "app_cover")
IMAGE_FORMAT = "format-webp|webpquality-80"


@dataclass(frozen=True)
class Role:
    widths: tuple
    sizes: str
    ratio: tuple | None = None  # (w, h): cropped to it around the focal point
    css_class: str = ""

    def spec(self, width):
        if self.ratio is None:
            return f"width-{width}|{IMAGE_FORMAT}"
        height = round(width * self.ratio[1] / self.ratio[0])
        return f"fill-{width}x{height}|{IMAGE_FORMAT}"

    @property
    def specs(self):
        return [self.spec(width) for width in self.widths]


ROLES = {
    # Beside a title in a list: small, 4:3.
    "thumb": Role((160, 320, 480), "(min-width: 48em) 10rem, 6.5rem", (4, 3), "picture--thumb"),
    # On top of an article, notice or directive: the column's width, 16:9.
    "cover": Role(
        (480, 800, 1200, 1600), "(min-width: 52em) 48rem, 100vw", (16, 9), "picture--cover"
    ),
    # A lesson's poster before its video plays.
    "poster": Role((480, 800, 1280), "(min-width: 52em) 48rem, 100vw", (16, 9), "picture--poster"),
    # An audiobook's square cover.
    "square": Role((160, 320, 640), "(min-width: 48em) 16rem, 50vw", (1, 1), "picture--square"),
    # Images inside a rich text or StreamField body keep their shape.
    "body": Role(
        (480, 800, 1200), "(min-width: 52em) 46rem, calc(100vw - 2rem)", None, "picture--body"
    ),
    # An album's photos keep their shape: tiles of a grid (two across on a phone), the
    # same set at full width in the lightbox (content/static/content/album.js).
    "photo": Role(
        (320, 640, 1024, 1600),
        "(min-width: 60em) 20rem, (min-width: 40em) 33vw, 50vw",
        None,
        "picture--photo",
    ),
}
# Shared into chats (Open Graph): one JPEG of the size those previews ask for.
SHARE_SPEC = "fill-1200x630|format-jpeg|jpegquality-85"


def picture_of(page):
    """The image a page is shown with (cover, poster or app cover), or None."""
    if page is None:
        return None
    attached = getattr(page, "_attached_picture", False)
    if attached is not False:
        return attached
    for name in PICTURE_FIELDS:
        if getattr(page, f"{name}_id", None):
            return getattr(page, name)
    return None


def picture_id_of(page):
    for name in PICTURE_FIELDS:
        image_id = getattr(page, f"{name}_id", None)
        if image_id:
            return image_id
    return None


def attach_pictures(pages, *roles):
    """Load the pictures of `pages` (and their renditions for `roles`) in two queries and
    keep them on the pages for picture_of(). Returns the pages."""
    pages = list(pages)
    ids = {page.pk: picture_id_of(page) for page in pages}
    wanted = {image_id for image_id in ids.values() if image_id}
    specs = [spec for role in roles for spec in ROLES[role].specs]
    images = {}
    if wanted:
        images = get_image_model().objects.filter(pk__in=wanted).prefetch_renditions(*specs)
        images = {image.pk: image for image in images}
    for page in pages:
        page._attached_picture = images.get(ids[page.pk])
    return pages


def renditions(image, specs):
    """{spec: rendition}, or None when the image's file cannot be read."""
    try:
        return image.get_renditions(*specs)
    except (SourceImageIOError, OSError, ValueError) as error:
        logger.warning("image %s cannot be rendered: %s", image.pk, error)
        return None


# An image's own alt text is written once, in the source language (images are not
# translated). A language with a converter registered here (zh-hant: OpenCC, registered by
# portal) shows it converted; any other language marks it as zh-Hans text (lang), so a
# reader's tools pronounce it right and the page's chrome checks leave it alone.
_alt_text_converters = {}


def register_alt_text_converter(language, convert):
    _alt_text_converters[language] = convert


def _image_alt_text(image):
    """(alt text, lang attribute or "") of the image's own text in the active language."""
    alt = getattr(image, "contextual_alt_text", None)
    if alt is None:
        alt = image.default_alt_text
    language = translation.get_language() or settings.LANGUAGE_CODE
    if not alt or language == settings.LANGUAGE_CODE:
        return alt, ""
    convert = _alt_text_converters.get(language)
    if convert is not None:
        return convert(alt), ""
    return alt, "zh-Hans"


def render_picture(image, role, alt=None, eager=False, css_class=""):
    """The <img> of `image` for `role` (a key of ROLES), or "" when there is none."""
    if image is None:
        return ""
    role_def = ROLES[role]
    found = renditions(image, role_def.specs)
    if not found:
        return ""
    by_width = {}
    for rendition in found.values():
        by_width.setdefault(rendition.width, rendition)  # a small original gives repeats
    largest = by_width[max(by_width)]
    srcset = ", ".join(f"{r.url} {width}w" for width, r in sorted(by_width.items()))
    alt_lang = ""
    if alt is None:
        alt, alt_lang = _image_alt_text(image)
    loading = {"fetchpriority": "high"} if eager else {"loading": "lazy"}
    classes = " ".join(c for c in ("picture", role_def.css_class, css_class) if c)
    return format_html(
        '<img class="{}" src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
        'decoding="async" {}="{}"{}>',
        classes,
        largest.url,
        srcset,
        role_def.sizes,
        largest.width,
        largest.height,
        alt,
        *next(iter(loading.items())),
        format_html(' lang="{}"', alt_lang) if alt_lang else "",
    )


def share_image_url(image, request):
    """Absolute URL of the Open Graph picture of `image`, or None."""
    if image is None:
        return None
    found = renditions(image, [SHARE_SPEC])
    if not found:
        return None
    url = found[SHARE_SPEC].url
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)
