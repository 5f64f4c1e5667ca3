from django.core.management.base import BaseCommand, CommandError

from base.commands import progress_factory, read_input
from sites.provisioning import ProvisioningError, provision_csv


class Command(BaseCommand):
    help = (
        "按 CSV（code,parent_code,name,kind[,hostname]）批量开通组织站点。"
        "全部检查通过才写入；可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", help="UTF-8 CSV 文件路径，或 - 表示标准输入")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告将做的更改")

    def handle(self, csv_file, dry_run=False, **options):
        data = read_input(csv_file)
        try:
            report = provision_csv(
                data, dry_run=dry_run, progress_factory=progress_factory(self, options)
            )
        except ProvisioningError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(exc.errors)} 处错误，未写入任何内容。") from None
        self.stdout.write(report.summary())
