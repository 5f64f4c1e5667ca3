"""Import members from a CSV or Excel file (all or nothing; errors name the line)."""

from django.core.management.base import BaseCommand, CommandError

from base.commands import import_file
from learning.members import import_members
from sites.models import OrganisationPage


class Command(BaseCommand):
    help = (
        "从 CSV/Excel 导入党员账号：姓名、手机号、支部代码[、用户名、初始密码]。"
        "全部检查通过才写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", default="", help="只允许导入到这个组织以下的支部")

    def handle(self, file, org, **options):
        within = None
        if org:
            within = OrganisationPage.objects.filter(code=org.lower()).first()
            if within is None:
                raise CommandError(f"没有代码为 {org} 的组织")
        report = import_file(file, lambda raw: import_members(raw, file, within), "人")
        for name, phone, username, password in report.created:
            if password:
                self.stdout.write(f"{name}\t{phone}\t{username}\t初始密码 {password}")
        self.stdout.write(report.summary())
