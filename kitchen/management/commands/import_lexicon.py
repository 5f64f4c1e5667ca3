"""Import sensitive/banned words or wrong → right formulations from a UTF-8 text file."""

from django.core.management.base import BaseCommand

from base.commands import import_file
from kitchen.proofreading import import_lexicon


class Command(BaseCommand):
    help = (
        "从文本文件导入校对词库：每行一个词（--kind banned/sensitive），"
        "或“错误表述<Tab>规范表述”（--kind wrong）；# 之后为注释。全部检查通过才写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="UTF-8 文本文件")
        parser.add_argument(
            "--kind",
            choices=["banned", "sensitive", "wrong"],
            default="banned",
            help="banned 禁用词（退回），sensitive 敏感词（提示），wrong 规范表述",
        )

    def handle(self, file, kind, **options):
        total, created = import_file(file, lambda raw: import_lexicon(raw, kind), "词条")
        self.stdout.write(f"已读取 {total} 条，其中新增 {created} 条，更新 {total - created} 条。")
