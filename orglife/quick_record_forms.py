"""The 快速记录 form: the meeting's type, day (time optional), topic, place and a few lines
of minutes. The attendees and photos come beside it (orglife/quick_record.py reads them):
every member shown is a `member` with `present` ticked, or `status-<pk>` (请假/缺席) and
`reason-<pk>`; each photo a file (`photos`) with its 图片说明 (`photo_caption`)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import MeetingType

TOPIC_MAX = 200
PLACE_MAX = 100
MINUTES_MAX = 20_000
# A past day's meeting whose time is not given is put at this hour.
DEFAULT_HOUR = 9


def this_hour():
    """Now, rounded down to the hour (the time field's default)."""
    return timezone.localtime().replace(minute=0, second=0, microsecond=0).time()


class QuickRecordForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    meeting_type = forms.ModelChoiceField(
        label=gettext_lazy("会议类型"),
        queryset=MeetingType.objects.all(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("请选择会议类型。"),
            "invalid_choice": gettext_lazy("请选择会议类型。"),
        },
    )
    date = forms.DateField(
        label=gettext_lazy("日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("请填写日期。"),
            "invalid": gettext_lazy("日期格式不对，例如 2024-05-01。"),
        },
    )
    time = forms.TimeField(
        label=gettext_lazy("时间（可不填）"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": gettext_lazy("时间格式不对，例如 14:30。")},
    )
    topic = forms.CharField(
        label=gettext_lazy("主题"),
        max_length=TOPIC_MAX,
        error_messages={"required": gettext_lazy("请填写主题。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "next"}),
    )
    place = forms.CharField(
        label=gettext_lazy("地点（可不填）"),
        max_length=PLACE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"enterkeyhint": "next"}),
    )
    minutes = forms.CharField(
        label=gettext_lazy("会议记录（可不填）"),
        required=False,
        max_length=MINUTES_MAX,
        help_text=gettext_lazy("直接输入文字，每行一段；以后可在完整表单中补充。"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["time"].initial = this_hour
        self.fields["meeting_type"].initial = MeetingType.objects.values_list("pk", flat=True).first

    def clean_topic(self):
        return " ".join(self.cleaned_data["topic"].split())

    def clean(self):
        cleaned = super().clean()
        day = cleaned.get("date")
        if day is None:
            return cleaned
        today = timezone.localdate()
        if day > today:
            self.add_error("date", _("会议日期不能晚于今天。"))
            return cleaned
        moment = cleaned.get("time")
        if moment is None:
            moment = this_hour() if day == today else datetime.time(DEFAULT_HOUR)
        held_at = timezone.make_aware(datetime.datetime.combine(day, moment))
        if held_at > timezone.now():
            self.add_error("time", _("会议时间不能晚于现在。"))
        cleaned["held_at"] = held_at
        return cleaned
