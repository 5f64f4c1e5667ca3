"""发布公开摘要 in the admin (thin views over orglife/public_summary.py): a confirmation
screen with the title and the short text prefilled, then what became of the summary.
Only the record's organisation's own editors reach it (orglife/visibility.can_edit); the
levels above and reviewers get 403, everyone else who cannot see the record 404."""

from django import forms
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets.button import HeaderButton

from . import public_summary as ps
from .admin_screens import PhoneScreen
from .visibility import can_edit, records_visible_to

SUMMARY_URL = "orglife_public_summary"


class PublicSummaryForm(forms.Form):
    title = forms.CharField(
        label=gettext_lazy("标题"),
        max_length=120,
        error_messages={"required": gettext_lazy("请填写标题。")},
    )
    text = forms.CharField(
        label=gettext_lazy("简短文字"),
        max_length=ps.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("只公开标题、日期、照片和这段文字；出勤、会议记录和决议不会公开。"),
        error_messages={"required": gettext_lazy("请填写一段简短文字。")},
    )

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())


class PublicSummaryView(PhoneScreen):
    page_title = gettext_lazy("发布公开摘要")
    template_name = "orglife/admin/public_summary.html"
    http_method_names = ["get", "post", "head", "options"]

    def dispatch(self, request, pk):
        self.record = get_object_or_404(
            records_visible_to(request.user).select_related("organisation", "meeting_type"),
            pk=pk,
        )
        if not can_edit(request.user, self.record):
            return self.forbidden(_("只有本组织的编辑可以发布公开摘要。"))
        return super().dispatch(request, pk)

    def get(self, request, pk):
        if self.record.public_summary_id is not None:
            return self.show_existing()
        initial = {"title": self.record.topic[:120], "text": ps.suggested_text(self.record)}
        return self.confirm(PublicSummaryForm(initial=initial))

    def post(self, request, pk):
        if self.record.public_summary_id is not None:
            return redirect(SUMMARY_URL, pk)  # links to the one there is
        form = PublicSummaryForm(request.POST)
        if not form.is_valid():
            return self.confirm(form)
        try:
            ps.publish_summary(
                self.record, request.user, form.cleaned_data["title"], form.cleaned_data["text"]
            )
        except ps.NoNewsColumn:
            form.add_error(None, _("本组织还没有“支部动态”栏目，无法发布公开摘要。"))
            return self.confirm(form)
        return redirect(SUMMARY_URL, pk)

    def confirm(self, form):
        return self.render(
            self.template_name,
            record=self.record,
            form=form,
            photos=ps.photos_of(self.record),
            column=ps.news_column(self.record.organisation),
        )

    def show_existing(self):
        page = self.record.public_summary.specific
        state, task = ps.review_state(page)
        return self.render(
            "orglife/admin/public_summary_done.html",
            record=self.record,
            page=page,
            state=state,
            task=task,
        )


def summary_button(user, record):
    """The header button of a record's edit and inspect views, for its own editors."""
    if not can_edit(user, record):
        return None
    label = _("查看公开摘要") if record.public_summary_id else _("发布公开摘要")
    return HeaderButton(
        label,
        url=reverse(SUMMARY_URL, args=[record.pk]),
        icon_name="globe",
        attrs={"data-testid": "public-summary-button"},
    )
