"""The admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): Wagtail 8 keeps an image's alt
text in its `description` field, labelled 描述 and optional. 自动校对 rejects a page whose
cover has none, so the form asks for it by its purpose, in plain words, and requires it —
on every upload and edit form (single, multiple, the choosers' upload), so no image
reaches a cover without one."""

from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

ALT_LABEL = _("图片说明（替代文字）")
ALT_HELP = _(
    "用一句话写出图片里是什么，例如“支部党员在社区开展义诊”。看不见图片的读者会听到这句话；"
    "用作封面的图片必须有说明。"
)
ALT_MISSING = _("请填写图片说明：用一句话写出图片里是什么。")


class AltTextImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("description")
        if field is not None:  # a form of some fields only (快速发布 sends it)
            field.label = ALT_LABEL
            field.help_text = ALT_HELP
            field.required = True
            field.error_messages["required"] = ALT_MISSING
