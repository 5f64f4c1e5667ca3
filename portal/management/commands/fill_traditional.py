from django.core.management.base import BaseCommand

from base.catalogues import CHECKED_BY_HAND, compile_stale, write_traditional


class Command(BaseCommand):
    help = (
        "由简体目录生成繁体目录：<目录>/zh_Hans/LC_MESSAGES/*.po → zh_Hant（OpenCC），"
        f"注释含“{CHECKED_BY_HAND}”的条目保留不动，然后编译。"
    )

    def add_arguments(self, parser):
        parser.add_argument("roots", nargs="+", help="目录，如 locale_wagtail")

    def handle(self, *args, roots, **options):
        for root in roots:
            for path, count in write_traditional(root):
                self.stdout.write(f"{path}: {count} 条")
            compile_stale(root)
