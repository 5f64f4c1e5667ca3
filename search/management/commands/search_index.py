"""manage.py search_index rebuild | stats"""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from search import index
from search.models import SearchDocument


class Command(BaseCommand):
    help = "搜索索引：rebuild 重建全部（带进度条），stats 查看条目数。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "stats"])

    def handle(self, action, **options):
        if action == "rebuild":
            with tqdm(total=index.indexable_count(), desc="索引页面", unit="页") as bar:
                count = index.rebuild(progress=bar)
            self.stdout.write(f"已索引 {count} 个页面。")
        total = SearchDocument.objects.count()
        kinds = SearchDocument.objects.values_list("kind").order_by("kind")
        by_kind = {}
        for (kind,) in kinds:
            by_kind[kind] = by_kind.get(kind, 0) + 1
        self.stdout.write(
            f"索引中共 {total} 条：" + "，".join(f"{k} {n}" for k, n in by_kind.items())
        )
