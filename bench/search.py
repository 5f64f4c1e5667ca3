"""Chinese search at 10k and 100k documents: ours (embedded SQLite FTS5 over the jieba
pipeline) vs Wagtail's stock database backend on the same corpus. Not a test.

Run from the repository root: `.venv/bin/python bench/search.py` (`--help` for knobs).

Set-up, in a throw-away SQLite database: the demo portal (`load_demo`), then generated
Chinese news articles (party vocabulary, the words members search for, branch names) in
the city's news column, written straight into the page tables, up to each --sizes in turn
(the corpus grows; each size is measured on everything so far).

Measured at each size, both backends on the same pages:
- index build: ours `search_index rebuild` (index.rebuild) vs Wagtail `update_index`;
- query latency, p50/p95 over the relevance set's 44 queries × --repeat: ours =
  query.search(q, limit=10) with its count and four facet counts; Wagtail =
  Page.objects.live().search(q)[:10] (titles only, no count or facets);
- recall@10 on the relevance set (search/relevance.py): the expected demo page among the
  first 10 results, with the generated articles as distractors.

Prints a table and writes bench/results/search-<UTC timestamp>.json and search-latest.json.
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
import traceback
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import provisioning as base  # noqa: E402

log = base.log

# What generated articles are about: the words the relevance set asks for, so the demo's
# pages have to win against thousands of near-misses.
TOPICS = [
    "主题党日",
    "三会一课",
    "两学一做",
    "党的二十大精神",
    "主题教育",
    "志愿服务",
    "党史学习教育",
    "基层党组织建设",
    "党员教育管理",
    "软弱涣散党组织整顿",
    "红色家书",
    "初心使命",
    "新发展理念",
    "长征精神",
    "党章党规",
    "组织生活会",
    "民主评议党员",
    "发展党员",
    "党费收缴",
    "网格化管理",
    "乡村振兴",
    "文明城市创建",
    "垃圾分类",
    "疫情防控",
    "安全生产",
    "廉政教育",
    "作风建设",
    "理论学习中心组",
    "青年理论学习小组",
    "党建引领基层治理",
    "“手机+党支部”平台",
    "智慧党建",
]
ACTS = ["开展", "召开", "组织", "举办", "推进", "部署", "学习", "落实", "总结", "启动"]
FORMS = ["活动", "专题会议", "集中学习", "座谈会", "培训班", "现场推进会", "知识竞赛", "主题宣讲"]
PLACES = ["东湖", "西山", "南岸", "北城", "江汉", "青山", "洪山", "汉阳", "江岸", "新洲"]
UNITS = ["社区党委", "街道党工委", "机关党支部", "第一党支部", "第二党支部", "离退休党支部"]
FILLER = [
    "会上，与会党员结合工作实际进行了深入交流。",
    "大家纷纷表示，要把学习成果转化为推动工作的实际行动。",
    "活动由支部书记主持，全体党员参加。",
    "下一步，将进一步完善长效机制，推动工作常态化。",
    "通过此次活动，进一步增强了党员的责任意识和服务意识。",
    "居民群众对此给予了高度评价。",
    "会议强调，要坚持问题导向，抓好整改落实。",
    "此次活动形式新颖，内容丰富，取得了良好效果。",
]


def article_text(rng):
    topic, other = rng.sample(TOPICS, 2)
    unit = f"{rng.choice(PLACES)}{rng.choice(UNITS)}"
    title = f"{unit}{rng.choice(ACTS)}{topic}{rng.choice(FORMS)}"
    summary = (
        f"近日，{unit}围绕{topic}{rng.choice(ACTS)}{rng.choice(FORMS)}，并部署{other}相关工作。"
    )
    sentences = [summary, *rng.sample(FILLER, 4), f"会议还就{other}工作作了安排。"]
    rng.shuffle(sentences)
    return title, summary, "".join(f"<p>{s}</p>" for s in sentences)


def add_articles(parent, count, rng):
    """`count` live ArticlePages under `parent`, inserted in bulk: Page rows with their
    tree paths worked out here, then each article's own row (save_base raw: the page row
    is there already). No signals index them; both backends index them later."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    from content.models import ArticlePage

    content_type = ContentType.objects.get_for_model(ArticlePage)
    # (Not get_last_child/get_children_count: treebeard trusts numchild, which bulk
    # inserts do not keep.)
    children = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
    last = children.order_by("-path").values_list("path", flat=True).first()
    step = Page._str2int(last[-Page.steplen :]) if last else 0
    now = timezone.now()
    done = 0
    with transaction.atomic():
        while done < count:
            chunk = min(2000, count - done)
            pages, texts = [], []
            for _ in range(chunk):
                step += 1
                title, summary, body = article_text(rng)
                slug = f"bench-{step}"
                when = now - timedelta(days=rng.randint(0, 1500))
                pages.append(
                    Page(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        path=Page._get_path(parent.path, parent.depth + 1, step),
                        depth=parent.depth + 1,
                        numchild=0,
                        content_type=content_type,
                        live=True,
                        url_path=f"{parent.url_path}{slug}/",
                        locale_id=parent.locale_id,
                        first_published_at=when,
                        last_published_at=when,
                    )
                )
                texts.append((summary, body, when))
            for page, (summary, body, when) in zip(
                Page.objects.bulk_create(pages), texts, strict=True
            ):
                ArticlePage(page_ptr_id=page.pk, summary=summary, body=body, date=when).save_base(
                    raw=True, force_insert=True
                )
            done += chunk
        Page.objects.filter(pk=parent.pk).update(numchild=children.count())


def set_up(work):
    import django
    from django.core.management import call_command

    os.environ["DEMO_ADMIN_PASSWORD"] = "bench-demo-2026"
    django.setup()
    from django.conf import settings

    # Wagtail's index is built by update_index when measured, not page by page on save.
    settings.WAGTAILSEARCH_BACKENDS["default"]["AUTO_UPDATE"] = False
    call_command("migrate", verbosity=0)
    log("loading the demo portal …")
    call_command("load_demo", stdout=io.StringIO(), stderr=io.StringIO())


def news_column():
    from sites.models import OrganisationPage

    city = OrganisationPage.objects.order_by("depth").first()
    return city.get_children().get(slug="news")


def stock_titles(q, k):
    from wagtail.models import Page

    return [page.title for page in Page.objects.live().search(q)[:k]]


def ours_titles(q, k):
    from search.relevance import index_titles

    return index_titles(q, k)


def ours_query(q):
    from search import query

    return query.search(q, limit=10)


def latency(run, queries, repeat):
    times = []
    for _ in range(repeat):
        for q in queries:
            start = time.perf_counter()
            run(q)
            times.append((time.perf_counter() - start) * 1000)
    return {**common.p50_p95(times), "queries": len(times)}


def recall(search):
    from search.relevance import PAIRS, misses

    missed = misses(search)
    return {"recall_at_10": round(1 - len(missed) / len(PAIRS), 3), "missed": missed}


def measure(size, repeat):
    from django.core.management import call_command
    from wagtail.models import Page

    from search import index
    from search.relevance import PAIRS

    queries = [q for q, _ in PAIRS]
    row = {"documents": size, "pages": Page.objects.live().count()}
    log(f"{size:,}: ours — search_index rebuild …")
    start = time.perf_counter()
    row["ours_indexed"] = index.rebuild()
    row["ours_build_s"] = round(time.perf_counter() - start, 1)
    log(f"{size:,}: Wagtail — update_index …")
    start = time.perf_counter()
    call_command("update_index", chunk_size=1000, stdout=io.StringIO(), stderr=io.StringIO())
    row["stock_build_s"] = round(time.perf_counter() - start, 1)
    log(f"{size:,}: queries …")
    row["ours"] = {**latency(ours_query, queries, repeat), **recall(ours_titles)}
    row["stock"] = {
        **latency(lambda q: stock_titles(q, 10), queries, repeat),
        **recall(stock_titles),
    }
    return row


def print_report(report):
    if not report.get("sizes"):
        return
    rows = []
    for r in report["sizes"]:
        ours, stock = r["ours"], r["stock"]
        rows.append(
            [
                f"{r['documents']:,}",
                "ours (FTS5 + jieba)",
                r["ours_build_s"],
                ours["p50_ms"],
                ours["p95_ms"],
                f"{ours['recall_at_10']:.0%}",
            ]
        )
        rows.append(
            [
                "",
                "Wagtail database backend",
                r["stock_build_s"],
                stock["p50_ms"],
                stock["p95_ms"],
                f"{stock['recall_at_10']:.0%}",
            ]
        )
    base.table(
        "Chinese search, SQLite, same corpus (generated articles + the demo), 44 queries",
        ["documents", "backend", "index build s", "p50 ms", "p95 ms", "recall@10"],
        rows,
    )
    for r in report["sizes"]:
        for name in ("ours", "stock"):
            if r[name]["missed"]:
                print(f"{r['documents']:,} {name} missed: {[m[0] for m in r[name]['missed']]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated, ascending")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    report = {
        **common.report_head("search", args),
        "sizes": [],
    }
    try:
        base.configure_environment(work)
        set_up(work)
        rng = random.Random(args.seed)
        made = 0
        for size in sorted(int(s) for s in args.sizes.split(",")):
            log(f"generating articles up to {size:,} …")
            add_articles(news_column(), size - made, rng)
            made = size
            report["sizes"].append(measure(size, args.repeat))
    except Exception:
        report["error"] = traceback.format_exc()
        print(report["error"], file=sys.stderr)
    finally:
        common.finish_report(report, "search", print_report, work, args.keep, t0)
    if "error" in report:
        sys.exit(1)


if __name__ == "__main__":
    main()
