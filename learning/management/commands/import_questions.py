"""Import a question bank from a CSV or Excel file (all or nothing; errors name the line)."""

from django.core.management.base import BaseCommand

from base.commands import import_file
from learning.quizzes import import_questions


class Command(BaseCommand):
    help = "从 CSV/Excel 导入题库：题型、题目、选项A…选项F、答案、解析、分类。全部检查通过才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, file, **options):
        created, updated = import_file(file, lambda raw: import_questions(raw, file), "题目")
        self.stdout.write(f"新增 {created} 题，更新 {updated} 题。")
