"""Import meeting records of one organisation from a CSV or Excel file, all or nothing:
every bad line is listed and nothing is written (orglife/imports.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from base.commands import import_file
from orglife.imports import import_records, skipped_line
from sites.models import OrganisationPage


class Command(BaseCommand):
    help = (
        "从 CSV/Excel 导入一个组织的组织生活记录：类型、时间、主题[、地点、主持人、出席、"
        "请假、缺席、决议、会议记录、学习文件]。全部检查通过才写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("org_code", help="组织代码")
        parser.add_argument("file", help="CSV 或 .xlsx 文件（- 为标准输入）")

    def handle(self, org_code, file, **options):
        organisation = OrganisationPage.originals().filter(code=org_code.strip().lower()).first()
        if organisation is None:
            raise CommandError(_("没有代码为 %(code)s 的组织") % {"code": org_code})
        name = file if file != "-" else "stdin.csv"
        report = import_file(
            file, lambda raw: import_records(raw, name, organisation), "组织生活记录"
        )
        for line, record in report.skipped:
            self.stdout.write(skipped_line(line, record))
        self.stdout.write(report.summary())
