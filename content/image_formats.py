"""Images embedded in rich text render like every other picture of the site: responsive
(srcset/sizes), lazy, with width and height, nothing when the file is gone
(base/pictures.py). Wagtail imports this module from every app (image_formats)."""

from django.utils.html import format_html
from wagtail.images.formats import Format, register_image_format, unregister_image_format

from base.pictures import render_picture

RICH_TEXT_FORMATS = [
    ("fullwidth", "通栏", "richtext-image full-width", "width-800"),
    ("left", "居左", "richtext-image left", "width-500"),
    ("right", "居右", "richtext-image right", "width-500"),
]


class ResponsiveFormat(Format):
    def image_to_html(self, image, alt_text, extra_attributes=None):
        if extra_attributes is not None:  # the editor's own preview: Wagtail's <img>
            return super().image_to_html(image, alt_text, extra_attributes)
        picture = render_picture(image, "body", alt=alt_text)
        if not picture:
            return ""
        return format_html('<span class="{}">{}</span>', self.classname, picture)


for name, label, classname, spec in RICH_TEXT_FORMATS:
    unregister_image_format(name)
    register_image_format(ResponsiveFormat(name, label, classname, spec))
