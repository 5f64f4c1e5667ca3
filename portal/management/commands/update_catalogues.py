from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.catalogues import ENGLISH, TRADITIONAL, update


class Command(BaseCommand):
    help = (
        "从模板和代码提取界面文字到 locale/（zh_Hant、en）；繁体中未翻译的条目用 OpenCC "
        "填写并列出，英文中未翻译的条目列出，需人工翻译。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="英文仍有未翻译条目时以错误结束（用于 CI）"
        )

    def handle(self, *args, **options):
        report = update(settings.BASE_DIR)
        for path in report.changed:
            self.stdout.write(f"已更新 {path}")
        self.stdout.write(
            f"{TRADITIONAL}：{report.entries[TRADITIONAL]} 条，"
            f"其中 OpenCC 新填 {len(report.filled)} 条（请人工核对）："
        )
        for msgid, msgstr in report.filled:
            self.stdout.write(f"  {msgid}  →  {msgstr}")
        self.stdout.write(
            f"{ENGLISH}：{report.entries[ENGLISH]} 条，未翻译 {len(report.missing)} 条"
            + ("：" if report.missing else "。")
        )
        for entry in report.missing:
            where = ", ".join(sorted({path for path, _line in entry.occurrences}))
            fuzzy = "（fuzzy）" if "fuzzy" in entry.flags else ""
            self.stdout.write(f"  {entry.msgid}{fuzzy}  [{where}]")
        if options["check"] and report.missing:
            raise CommandError(f"{ENGLISH} 有 {len(report.missing)} 条未翻译。")
