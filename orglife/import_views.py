"""组织生活 → 导入记录: upload a table of meeting records into one of the organisations
the user edits (orglife/imports.py does the work), the template to fill in."""

import csv
import io
from urllib.parse import quote

from django import forms
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from base.admin import FileImportView

from .imports import can_import, import_records, organisations_importable, template_rows

IMPORT_URL = "orglife_record_import"
TEMPLATE_URL = "orglife_record_import_template"
TEMPLATE_NAME = _("组织生活记录导入模板")


class RecordImportForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("导入到"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("CSV 或 Excel 文件"),
        help_text=_(
            "列：类型、时间、主题（可选：地点、主持人、出席、请假、缺席、决议、会议记录、学习文件）"
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_importable(user)


class RecordImportView(FileImportView):
    template_name = "orglife/admin/record_import.html"
    page_title = _("导入组织生活记录")
    form_class = RecordImportForm
    forbidden_message = _("只有本组织的编辑可以导入组织生活记录。")

    def has_permission(self, user):
        return can_import(user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.blank_form_kwargs()}

    def blank_form_kwargs(self):
        return {"user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "template_csv": reverse(TEMPLATE_URL) + "?format=csv",
            "template_xlsx": reverse(TEMPLATE_URL) + "?format=xlsx",
        }

    def run_import(self, form, upload):
        return import_records(
            upload.read(), upload.name, form.cleaned_data["organisation"], self.request.user
        )


def import_template(request):
    """The headers and one example row, as UTF-8 CSV (with a BOM, so Excel opens it in
    Chinese) or, with ?format=xlsx, as an Excel workbook."""
    rows = template_rows()
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = str(_("组织生活记录"))
        for row in rows:
            sheet.append(row)
        for column, width in zip(
            "ABCDEFGHIJK", (14, 18, 14, 10, 24, 28, 16, 10, 24, 36, 24), strict=True
        ):
            sheet.column_dimensions[column].width = width
        data = io.BytesIO()
        book.save(data)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(data.getvalue(), content_type=content_type)
        extension = "xlsx"
    else:
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows(rows)
        response = HttpResponse(
            ("\ufeff" + text.getvalue()).encode(), content_type="text/csv; charset=utf-8"
        )
        extension = "csv"
    response["Content-Disposition"] = (
        f"attachment; filename=\"orglife-import.{extension}\"; filename*=UTF-8''"
        f"{quote(str(TEMPLATE_NAME))}.{extension}"
    )
    return response


record_import_view = RecordImportView.as_view()
