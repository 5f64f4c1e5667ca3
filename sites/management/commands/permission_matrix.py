from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sites.permission_matrix import BEGIN, END, readme_table


class Command(BaseCommand):
    help = "打印权限矩阵（sites/permission_matrix.py）；--write 写入 README 的标记之间。"

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="更新 README.md 中的表格")

    def handle(self, write=False, **options):
        table = readme_table()
        if not write:
            self.stdout.write(table)
            return
        readme = Path(settings.BASE_DIR) / "README.md"
        text = readme.read_text(encoding="utf-8")
        if BEGIN not in text or END not in text:
            raise CommandError(f"README.md 中没有标记 {BEGIN} … {END}")
        before, rest = text.split(BEGIN, 1)
        _, after = rest.split(END, 1)
        readme.write_text(before + table + after, encoding="utf-8")
        self.stdout.write("README.md 已更新。")
