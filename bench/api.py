"""Directives API at city scale vs Wagtail's stock pages API, same run. Not a test.

Run from the repository root: `.venv/bin/python bench/api.py` (`--help` for the knobs).
Everything happens in a throw-away SQLite database under a temporary PORTAL_VAR_DIR;
set-up helpers come from bench/provisioning.py.

1. Provisions the CSV city (16 districts, 256 streets, 5,000 branches + portal home =
   5,273 sites) and bulk-inserts live ArticlePages under every branch's `news` column
   until the tree holds ~250,000 pages (tree paths computed here, base rows with
   Page.objects.bulk_create, the specific rows with save_base(raw=True), the way
   sites/skeleton.py:bulk_create_columns does; numchild fixed with one UPDATE per column).
2. Creates live directives with add_child: 30 in each city library section
   (/topics/central|province|city/) and 2 in every district's and street's `directives`.
3. Times, through the test client on the portal host and after warm-ups, requests
   interleaved round-robin: our /api/v2/directives/ (the cascade for a branch, and its
   central level), the same with a matching If-None-Match (304), and Wagtail's
   /api/v2/pages/ listing DirectivePages (the central section; all directives).

Prints tables and writes bench/results/api-<UTC timestamp>.json and api-latest.json.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import provisioning as base  # noqa: E402

log = base.log
DIRECTIVE_FIELDS = "doc_number,issuer,issued_at,summary"
LIBRARY = {
    "central": ("中共中央", "中发"),
    "province": ("中共江南省委", "江南发"),
    "city": ("中共江城市委", "江城发"),
}


# --- Filling the tree ------------------------------------------------------------------


def branch_news_columns():
    """[(news column id, path, depth, numchild, url_path, locale_id)] of every branch."""
    from wagtail.models import Page

    from sites.models import OrganisationPage

    branch_paths = set(
        OrganisationPage.objects.filter(kind="branch").values_list("path", flat=True)
    )
    depths = {len(p) // Page.steplen + 1 for p in branch_paths}
    rows = Page.objects.filter(slug="news", depth__in=depths).values_list(
        "id", "path", "depth", "numchild", "url_path", "locale_id"
    )
    return [r for r in rows.iterator(chunk_size=5000) if r[1][: -Page.steplen] in branch_paths]


def bulk_articles(columns, per_column, chunk_columns=200):
    """Append `per_column` live ArticlePages under each column; returns pages created."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Page

    from content.models import ArticlePage

    content_type = ContentType.objects.get_for_model(ArticlePage)
    base_fields = [f.attname for f in Page._meta.concrete_fields if f.attname != "id"]
    now = timezone.now()
    created = 0
    for start in range(0, len(columns), chunk_columns):
        chunk = columns[start : start + chunk_columns]
        pages = []
        for col_id, path, depth, numchild, url_path, locale_id in chunk:
            for i in range(1, per_column + 1):
                position = numchild + i
                title = f"支部动态第{base.chinese_number(i % 100)}期（{col_id}-{i}）"
                slug = f"a-{i}"
                pages.append(
                    ArticlePage(
                        title=title,
                        draft_title=title,
                        slug=slug,
                        path=path + Page._int2str(position).rjust(Page.steplen, "0"),
                        depth=depth + 1,
                        numchild=0,
                        url_path=f"{url_path}{slug}/",
                        content_type=content_type,
                        locale_id=locale_id,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=now - dt.timedelta(hours=i),
                        last_published_at=now - dt.timedelta(hours=i),
                        translation_key=uuid.uuid4(),
                        date=now - dt.timedelta(hours=i),
                        summary="基准测试填充文章。",
                        author="基准",
                    )
                )
        with transaction.atomic():
            bases = [Page(**{n: getattr(p, n) for n in base_fields}) for p in pages]
            Page.objects.bulk_create(bases)
            for page, row in zip(pages, bases, strict=True):
                page.id = page.page_ptr_id = row.pk
                page.save_base(raw=True, force_insert=True)
            for col_id, *_rest in chunk:
                numchild = _rest[2]
                Page.objects.filter(pk=col_id).update(numchild=numchild + per_column)
        created += len(pages)
        if start // chunk_columns % 5 == 0:
            log(f"  articles: {created:,} / {len(columns) * per_column:,}")
    return created


def check_tree(columns, per_column, sample=200):
    """numchild of every filled column against its real child count, plus treebeard's
    find_problems()-style checks on a sample of columns (children paths and depths)."""
    from django.db import connection
    from wagtail.models import Page

    ids = [c[0] for c in columns]
    bad = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            placeholders = ",".join("%s" for _ in chunk)
            cursor.execute(
                f"SELECT COUNT(*) FROM wagtailcore_page p WHERE p.id IN ({placeholders}) "
                "AND p.numchild != (SELECT COUNT(*) FROM wagtailcore_page c "
                "WHERE c.path > p.path AND c.path < p.path || 'ZZZZ' AND c.depth = p.depth + 1)",
                chunk,
            )
            bad += cursor.fetchone()[0]
    sample_problems = []
    step = max(1, len(columns) // sample)
    for col_id, *_ in columns[::step]:
        column = Page.objects.get(pk=col_id)
        children = list(column.get_children())
        if len(children) != column.numchild:
            sample_problems.append((col_id, "numchild", column.numchild, len(children)))
        for child in children:
            if child.depth != column.depth + 1 or child.url_path != (
                column.url_path + child.slug + "/"
            ):
                sample_problems.append((col_id, "child", child.pk))
        if [c.pk for c in column.get_children()] != [c.pk for c in children]:
            sample_problems.append((col_id, "order"))
    # treebeard's own checker on the whole tree is minutes at this size; its queries for
    # wrong numchild are what the UPDATE above could break, and are covered here.
    return {
        "columns_checked": len(ids),
        "columns_with_wrong_numchild": bad,
        "sample_columns": len(columns[::step]),
        "sample_problems": sample_problems[:20],
    }


def create_directives(home, per_library, per_org):
    """Live DirectivePages via add_child: city library sections, districts', streets'."""
    from wagtail.models import Page

    from content.models import DirectivePage
    from sites.models import OrganisationPage

    today = dt.date(2026, 11, 20)
    created = {"central": 0, "province": 0, "city": 0, "district": 0, "street": 0}
    sections = {}
    for level, (issuer, prefix) in LIBRARY.items():
        section = Page.objects.get(url_path=f"{home.url_path}topics/{level}/").specific
        sections[level] = section
        for i in range(1, per_library + 1):
            section.add_child(
                instance=DirectivePage(
                    title=f"{issuer}关于基层党建工作的第{i}号文件",
                    slug=f"{level}-{i:03d}",
                    issuer=issuer,
                    doc_number=f"{prefix}〔2026〕{i}号",
                    issued_at=today - dt.timedelta(days=3 * i),
                    summary=f"{issuer}文件摘要（基准测试）。",
                )
            )
            created[level] += 1
    orgs = OrganisationPage.objects.filter(kind__in=["district", "street"]).order_by("path")
    for org in orgs.iterator(chunk_size=500):
        column = Page.objects.get(url_path=f"{org.url_path}directives/").specific
        for i in range(1, per_org + 1):
            column.add_child(
                instance=DirectivePage(
                    title=f"{org.title}第{i}号文件",
                    slug=f"{org.code}-{i:02d}",
                    issuer=org.title[:128],
                    doc_number=f"{org.code}〔2026〕{i}号",
                    issued_at=today - dt.timedelta(days=i + len(org.code)),
                    summary="本级文件摘要（基准测试）。",
                )
            )
            created[org.kind] += 1
    return created, sections


# --- Measuring -------------------------------------------------------------------------


def get(client, path, expect=200, **headers):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(path, HTTP_HOST=base.PORTAL_HOST, **headers)
        seconds = time.perf_counter() - start
    if response.status_code != expect:
        raise RuntimeError(
            f"GET {path} -> {response.status_code} (expected {expect}): "
            f"{response.content[:500].decode('utf-8', 'replace')}"
        )
    return seconds, len(queries.captured_queries), response


def measure(client, endpoints, requests, warmups):
    """endpoints: [(name, kind, path, expect, headers)]. Round-robin, rotating order."""
    for _name, _kind, path, expect, headers in endpoints:
        for _ in range(warmups):
            get(client, path, expect, **headers)
    samples = {e[0]: [] for e in endpoints}
    last = {}
    total = {e[0]: 0.0 for e in endpoints}
    for i in range(requests):
        shift = i % len(endpoints)
        for name, _kind, path, expect, headers in endpoints[shift:] + endpoints[:shift]:
            seconds, queries, response = get(client, path, expect, **headers)
            samples[name].append((seconds, queries, len(response.content)))
            total[name] += seconds
            last[name] = response
        if (i + 1) % 50 == 0:
            log(f"  {i + 1}/{requests} rounds")
    results = []
    for name, kind, path, _expect, headers in endpoints:
        times_ms = sorted(s[0] * 1000 for s in samples[name])
        queries = sorted({s[1] for s in samples[name]})
        sizes = sorted({s[2] for s in samples[name]})
        body = last[name].content
        try:
            data = json.loads(body) if body else None
        except ValueError:
            data = None
        results.append(
            {
                "name": name,
                "kind": kind,
                "path": path,
                "headers": {k: v for k, v in headers.items()},
                "status": last[name].status_code,
                "requests": requests,
                "warmups": warmups,
                "total_seconds": round(total[name], 3),
                "req_per_s": round(requests / total[name], 1),
                "median_ms": round(statistics.median(times_ms), 2),
                "p95_ms": round(times_ms[max(0, int(round(0.95 * len(times_ms))) - 1)], 2),
                "min_ms": round(times_ms[0], 2),
                "max_ms": round(times_ms[-1], 2),
                "queries": queries[-1],
                "queries_varied": queries if len(queries) > 1 else None,
                "bytes": sizes[-1],
                "count": (data or {}).get("count", (data or {}).get("meta", {}).get("total_count"))
                if isinstance(data, dict)
                else None,
                "items": len((data or {}).get("results", (data or {}).get("items", [])))
                if isinstance(data, dict)
                else None,
            }
        )
    return results


def probe_stock(client, paths):
    """Wagtail's pages API before the bench adds api_fields: what does it answer?"""
    out = []
    for path in paths:
        response = client.get(path, HTTP_HOST=base.PORTAL_HOST)
        out.append(
            {
                "path": path,
                "status": response.status_code,
                "body": response.content[:300].decode("utf-8", "replace"),
            }
        )
    return out


# --- Report ----------------------------------------------------------------------------


def print_report(report):
    table = base.table if hasattr(base, "table") else None
    rows = report.get("results", [])
    if rows:
        header = [
            "endpoint",
            "status",
            "req/s",
            "median ms",
            "p95 ms",
            "queries",
            "bytes",
            "items/count",
        ]
        body = [
            [
                r["name"],
                r["status"],
                f"{r['req_per_s']:.1f}",
                f"{r['median_ms']:.1f}",
                f"{r['p95_ms']:.1f}",
                r["queries"]
                if not r["queries_varied"]
                else "/".join(map(str, r["queries_varied"])),
                f"{r['bytes']:,}",
                f"{r['items']}/{r['count']}" if r["items"] is not None else "-",
            ]
            for r in rows
        ]
        title = (
            f"API at {report['counts']['sites']:,} sites, {report['counts']['pages']:,} pages "
            f"({rows[0]['requests']} interleaved requests each, {rows[0]['warmups']} warm-ups)"
        )
        table(title, header, body)
        for r in rows:
            print(f"  {r['name']}: {r['path']}")
    if report.get("ratios"):
        table(
            "Ours / stock (req/s ratio > 1 and p95 ratio < 1 mean ours is faster)",
            [
                "comparison",
                "req/s ours",
                "req/s stock",
                "req/s ratio",
                "p95 ours",
                "p95 stock",
                "p95 ratio",
            ],
            [
                [
                    c["comparison"],
                    f"{c['ours_req_per_s']:.1f}",
                    f"{c['stock_req_per_s']:.1f}",
                    f"{c['req_per_s_ratio']:.2f}x",
                    f"{c['ours_p95_ms']:.1f}",
                    f"{c['stock_p95_ms']:.1f}",
                    f"{c['p95_ratio']:.2f}x",
                ]
                for c in report["ratios"]
            ],
        )
    if report.get("stock_probe"):
        print("\nWagtail pages API before api_fields were declared (bench-only):")
        for p in report["stock_probe"]:
            print(f"  {p['status']} {p['path']}\n      {p['body'][:200]}")
    print(
        f"\nload average (1/5/15 min) start {report['load_average']['start']}, "
        f"end {report['load_average'].get('end')}; total {report.get('total_seconds', 0):.0f}s"
    )
    if report["errors"]:
        print("\nErrors:")
        for e in report["errors"]:
            print(e)


def compute_ratios(results):
    by = {r["name"]: r for r in results}
    pairs = [
        ("central: ours level=central / stock child_of=central", "ours central", "stock central"),
        ("all: ours cascade / stock all directives", "ours cascade", "stock all"),
        ("304: ours If-None-Match / stock central", "ours cascade 304", "stock central"),
        ("304: ours If-None-Match / stock all", "ours cascade 304", "stock all"),
    ]
    out = []
    for label, ours, stock in pairs:
        if ours in by and stock in by:
            o, s = by[ours], by[stock]
            out.append(
                {
                    "comparison": label,
                    "ours": ours,
                    "stock": stock,
                    "ours_req_per_s": o["req_per_s"],
                    "stock_req_per_s": s["req_per_s"],
                    "req_per_s_ratio": round(o["req_per_s"] / s["req_per_s"], 3),
                    "ours_p95_ms": o["p95_ms"],
                    "stock_p95_ms": s["p95_ms"],
                    "p95_ratio": round(o["p95_ms"] / s["p95_ms"], 3),
                }
            )
    return out


def write_json(report):
    return common.write_results("api", report)


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


# --- Main ------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--streets-per-district", type=int, default=16)
    parser.add_argument("--branches", type=int, default=5000)
    parser.add_argument("--target-pages", type=int, default=250_000)
    parser.add_argument("--library-directives", type=int, default=30, help="per section")
    parser.add_argument("--org-directives", type=int, default=2, help="per district/street")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmups", type=int, default=5)
    parser.add_argument("--branch", default="", help="branch code (default: a middle one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def main():
    args = parse_args()
    work_dir = Path(tempfile.mkdtemp(prefix="portal-bench-api-"))
    base.configure_environment(work_dir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from wagtail.models import Page

    from content.models import ArticlePage, DirectivePage
    from sites.models import OrganisationPage

    rows = base.city_rows(args.districts, args.streets_per_district, args.branches)
    report = {
        **common.report_head("api", args),
        "city": {
            "sites": len(rows) + 1,
            "districts": args.districts,
            "streets": args.districts * args.streets_per_district,
            "branches": args.branches,
        },
        "steps": [],
        "results": [],
        "ratios": [],
        "errors": [],
        "notes": [],
        "load_average": {"start": loadavg()},
    }
    steps = report["steps"]

    def step(name, start, **extra):
        seconds = time.perf_counter() - start
        steps.append({"step": name, "seconds": round(seconds, 2), **extra})
        log(f"{name}: {seconds:.1f}s {extra if extra else ''}")

    log(f"work dir {work_dir}; load average {report['load_average']['start']}")
    try:
        csv_path = base.write_csv(work_dir / "city.csv", rows)
        start = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        step("migrate", start)

        start = time.perf_counter()
        home, _ = base.setup_portal()
        seconds, summary, parsed = base.provision(csv_path)
        step("provision_sites", start, summary=summary)

        pages_now = Page.objects.count()
        columns = branch_news_columns()
        per_column = max(0, -(-(args.target_pages - pages_now) // max(1, len(columns))))
        log(f"{pages_now:,} pages; adding {per_column} articles under {len(columns):,} columns")
        start = time.perf_counter()
        created = bulk_articles(columns, per_column)
        step("bulk articles", start, created=created, per_column=per_column)

        start = time.perf_counter()
        report["tree_check"] = check_tree(columns, per_column)
        step("tree check", start, **report["tree_check"])
        if (
            report["tree_check"]["columns_with_wrong_numchild"]
            or report["tree_check"]["sample_problems"]
        ):
            report["errors"].append(f"tree problems: {report['tree_check']}")

        start = time.perf_counter()
        home.refresh_from_db()
        created_directives, sections = create_directives(
            home, args.library_directives, args.org_directives
        )
        step("directives (add_child)", start, created=created_directives)

        report["counts"] = {
            **base.db_counts(),
            "article_pages": ArticlePage.objects.count(),
            "directive_pages": DirectivePage.objects.count(),
            "live_directives": DirectivePage.objects.live().count(),
        }
        log(f"counts: {report['counts']}")
        base.close_database()  # checkpoint the WAL before measuring

        if args.branch:
            branch = OrganisationPage.objects.get(code=args.branch)
        else:
            branches = OrganisationPage.objects.filter(kind="branch").order_by("path")
            branch = branches[branches.count() // 2]
        central = sections["central"]
        report["branch"] = {"code": branch.code, "id": branch.pk, "url_path": branch.url_path}
        report["central_section"] = {"id": central.pk, "url_path": central.url_path}

        client = Client()
        ours_cascade = f"/api/v2/directives/?org={branch.code}"
        ours_central = f"/api/v2/directives/?org={branch.code}&level=central"
        stock_central = (
            f"/api/v2/pages/?type=content.DirectivePage&fields={DIRECTIVE_FIELDS}"
            f"&child_of={central.pk}&order=-issued_at&limit=20"
        )
        stock_all = (
            f"/api/v2/pages/?type=content.DirectivePage&fields={DIRECTIVE_FIELDS}"
            "&limit=20&order=-issued_at"
        )
        report["stock_probe"] = probe_stock(
            client,
            [stock_central, stock_all, stock_central.replace("order=-issued_at", "order=-id")],
        )
        if any(p["status"] != 200 for p in report["stock_probe"][:2]):
            raise SystemExit(
                f"Wagtail's pages API refused the stock listing: {report['stock_probe']}"
            )

        _, _, first = get(client, ours_cascade)
        etag = first["ETag"]
        report["etag"] = etag
        endpoints = [
            ("ours cascade", "ours", ours_cascade, 200, {}),
            ("ours central", "ours", ours_central, 200, {}),
            ("ours cascade 304", "ours", ours_cascade, 304, {"HTTP_IF_NONE_MATCH": etag}),
            ("stock central", "stock", stock_central, 200, {}),
            ("stock all", "stock", stock_all, 200, {}),
        ]
        # Sanity: what each answers (ours' cascade count, stock's central count).
        log(f"measuring {len(endpoints)} endpoints x {args.requests} requests")
        log(f"branch {branch.code}")
        report["load_average"]["before_measuring"] = loadavg()
        start = time.perf_counter()
        report["results"] = measure(client, endpoints, args.requests, args.warmups)
        step("measure", start)
        report["ratios"] = compute_ratios(report["results"])
        by = {r["name"]: r for r in report["results"]}
        expected_cascade = (
            3 * args.library_directives + 2 * args.org_directives  # district + street
        )
        if by["ours cascade"]["count"] != expected_cascade:
            report["notes"].append(
                f"cascade count {by['ours cascade']['count']} != expected {expected_cascade}"
            )
        if (
            by["ours central"]["count"] != args.library_directives
            or by["stock central"]["count"] != args.library_directives
        ):
            report["notes"].append(
                f"central counts ours {by['ours central']['count']}, stock "
                f"{by['stock central']['count']} (expected {args.library_directives})"
            )
    except Exception:
        report["errors"].append(traceback.format_exc())
        log("FAILED:\n" + traceback.format_exc())
    finally:
        report["load_average"]["end"] = loadavg()
        report.setdefault("counts", {"sites": 0, "pages": 0})

        def print_with_notes(report):
            print_report(report)
            for note in report["notes"]:
                print(f"note: {note}")

        common.finish_report(report, "api", print_with_notes, work_dir, args.keep, base._t0)
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
