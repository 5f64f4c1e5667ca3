"""The 快速发布 form: the column, a title and plain text. The photos come beside it, each a
file (`photos`) with its 图片说明 (`photo_caption`, in the same order), or an image kept from
an earlier attempt (`kept_image` with `kept_caption`) — see kitchen/quick_publish.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

TITLE_MAX = 120
TEXT_MAX = 20_000
MAX_PHOTOS = 12


class QuickPublishForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    column = forms.TypedChoiceField(
        label=_("栏目"),
        coerce=int,
        error_messages={"invalid_choice": _("只能发布到本组织的栏目。")},
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=TITLE_MAX,
        error_messages={"required": _("请填写标题。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}),
    )
    text = forms.CharField(
        label=_("正文"),
        required=False,
        max_length=TEXT_MAX,
        help_text=_("直接输入文字，每行一段。"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = {column.page.pk: column for column in columns}
        self.fields["column"].choices = [(c.page.pk, c.label) for c in columns]

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def chosen_column(self):
        """The chosen column (a quick_publish.Column) once the form is valid for it."""
        return self.columns.get(self.cleaned_data.get("column"))
