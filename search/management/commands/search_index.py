"""manage.py search_index rebuild | elasticsearch | stats"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import elastic, index
from search.models import SearchDocument


class Command(BaseCommand):
    help = (
        "搜索索引：rebuild 重建全部（带进度条；配置了 Elasticsearch 时随后无停机重建其索引），"
        "elasticsearch 只按现有索引表无停机重建 Elasticsearch 索引，stats 查看条目数。"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "elasticsearch", "stats"])

    def handle(self, action, **options):
        if action == "rebuild":
            with tqdm(total=index.indexable_count(), desc="索引页面", unit="页") as bar:
                count = index.rebuild(progress=bar)
            self.stdout.write(f"已索引 {count} 个页面。")
        if action == "elasticsearch" and not elastic.enabled():
            raise CommandError("未设置 ELASTICSEARCH_URL，没有 Elasticsearch 可以重建。")
        if action in ("rebuild", "elasticsearch") and elastic.enabled():
            self.copy_to_elasticsearch()
        total = SearchDocument.objects.count()
        kinds = SearchDocument.objects.values_list("kind").order_by("kind")
        by_kind = {}
        for (kind,) in kinds:
            by_kind[kind] = by_kind.get(kind, 0) + 1
        self.stdout.write(
            f"索引中共 {total} 条：" + "，".join(f"{k} {n}" for k, n in by_kind.items())
        )

    def copy_to_elasticsearch(self):
        for locale in elastic.locales():
            rows = SearchDocument.objects.filter(locale=locale).count()
            with tqdm(total=rows, desc=f"Elasticsearch {locale}", unit="条") as bar:
                name = elastic.reindex(locale, progress=bar)
            self.stdout.write(f"{elastic.alias(locale)} → {name}（{rows} 条）")
