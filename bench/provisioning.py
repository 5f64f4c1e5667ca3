"""Provisioning and page-rendering benchmark at city scale (5,273 sites). Not a test.

Run from the repository root: `make bench` or `.venv/bin/python bench/provisioning.py`.
Everything happens in a throw-away SQLite database under a temporary PORTAL_VAR_DIR.

1. Generates a CSV city: 16 districts, 256 streets, 5,000 branches (+ the portal home).
2. Times `provision_sites` on it twice (first run, idempotent re-run) and counts rows.
3. Renders organisation home pages through the test client on the portal host, at
   17 sites (fresh database, districts only) and at 5,273 sites, with our fast page
   URLs (sites.site_index) and with stock Wagtail URL building, side by side.
4. Times the admin page explorer for a branch editor and for a superuser.

Prints tables and writes bench/results/provisioning-<UTC timestamp>.json and
bench/results/provisioning-latest.json. `--help` lists the knobs (smaller city,
fewer requests, cProfile of a 500-site run).
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

ROOT, BENCH_DIR, RESULTS_DIR = common.ROOT, common.BENCH_DIR, common.RESULTS_DIR

PORTAL_TITLE, PORTAL_CODE = "江城市", "jiangcheng"
PORTAL_HOST = "localhost"
PAGE_URL_ATTRS = ("_get_site_root_paths", "_get_relevant_site_root_paths", "get_url", "url")
TARGET_RATIO = 1.2

DISTRICT_NAMES = [
    "东湖区",
    "西山区",
    "南江区",
    "北岭区",
    "中山区",
    "新华区",
    "红星区",
    "长江区",
    "青松区",
    "金沙区",
    "银湖区",
    "桃源区",
    "清河区",
    "凤凰区",
    "龙泉区",
    "白云区",
]
STREET_NAMES = [
    "和平街道",
    "幸福街道",
    "光明街道",
    "胜利街道",
    "建设街道",
    "解放街道",
    "人民街道",
    "团结街道",
    "友谊街道",
    "前进街道",
    "新村街道",
    "花园街道",
    "滨江街道",
    "文化街道",
    "育才街道",
    "振兴街道",
]
UNIT_NAMES = [
    "银河社区",
    "锦绣社区",
    "翠苑社区",
    "春晖社区",
    "机关",
    "实验小学",
    "人民医院",
    "供电所",
    "税务所",
    "市场监管所",
    "派出所",
    "卫生院",
    "文化站",
    "农贸市场",
    "物业公司",
    "非公企业联合",
    "个体劳动者协会",
    "退休干部",
    "科技园",
    "物流园",
]
CN_DIGITS = "零一二三四五六七八九"

_t0 = time.perf_counter()
_MISSING = object()  # "not set on Page itself": inherited from AbstractPage
_stock_page_urls = {}
_ours_page_urls = {}


def log(message):
    print(f"[{time.perf_counter() - _t0:7.1f}s] {message}", flush=True)


def chinese_number(n):
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return f"{head}十{CN_DIGITS[ones] if ones else ''}"


# --- The CSV city ----------------------------------------------------------------------


def city_rows(districts, streets_per_district, branches):
    """[(code, parent_code, name, kind)], parents first; branches spread evenly on streets."""
    rows = []
    street_codes = []
    for d in range(1, districts + 1):
        d_code = f"d{d:02d}"
        d_name = DISTRICT_NAMES[(d - 1) % len(DISTRICT_NAMES)]
        rows.append((d_code, "", f"{PORTAL_TITLE}{d_name}委员会", "district"))
        for s in range(1, streets_per_district + 1):
            s_code = f"{d_code}-s{s:02d}"
            s_name = STREET_NAMES[(s - 1) % len(STREET_NAMES)]
            rows.append((s_code, d_code, f"{d_name}{s_name}党工委", "street"))
            street_codes.append((s_code, f"{d_name}{s_name}"))
    if branches and not street_codes:
        raise ValueError("branches need streets")
    per_street, extra = divmod(branches, len(street_codes) or 1)
    for i, (s_code, s_name) in enumerate(street_codes):
        for b in range(1, per_street + (1 if i < extra else 0) + 1):
            if b <= len(UNIT_NAMES):
                name = f"{s_name}{UNIT_NAMES[b - 1]}党支部"
            else:
                name = f"{s_name}第{chinese_number(b)}党支部"
            rows.append((f"{s_code}-b{b:02d}", s_code, name, "branch"))
    return rows


def write_csv(path, rows):
    import csv

    code_re = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "parent_code", "name", "kind"])
        for row in rows:
            assert code_re.match(row[0]), row
            writer.writerow(row)
    return path


# --- Django set-up ---------------------------------------------------------------------


def configure_environment(var_dir):
    os.environ["PORTAL_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    os.environ["DEBUG"] = "1"
    os.environ["PORTAL_DOMAIN"] = PORTAL_HOST
    os.environ["PORTAL_PORT"] = "80"
    os.environ["MEDIA_ROOT"] = str(Path(var_dir) / "media")
    # Embedded services only: SQLite, local-memory cache, local media.
    for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "AWS_STORAGE_BUCKET_NAME"):
        os.environ.pop(name, None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def capture_stock_page_urls():
    """Keep Wagtail's own Page URL methods before sites.apps replaces them in ready().

    sites.apps imports nothing but AppConfig, so it can be imported before setup; its
    ready() is wrapped to read wagtail.models.Page's own attributes first (all models are
    loaded by then), and ours right after. In Wagtail 8 the stock methods live on
    AbstractPage, so "stock" usually means: nothing set on Page itself.
    """
    import sites.apps

    original_ready = sites.apps.OrganisationSitesConfig.ready

    def ready(self):
        from wagtail.models import Page

        for name in PAGE_URL_ATTRS:
            _stock_page_urls[name] = Page.__dict__.get(name, _MISSING)
        original_ready(self)
        for name in PAGE_URL_ATTRS:
            _ours_page_urls[name] = Page.__dict__.get(name, _MISSING)

    sites.apps.OrganisationSitesConfig.ready = ready


def use_page_urls(mode, reset=True):
    """Put our page URL methods ("ours") or Wagtail's ("stock") on wagtail.models.Page.

    Both keep their own caches (ours: the in-process site index; stock: the root-path
    list in Django's cache and on the request), so switching needs no cache reset.
    """
    from wagtail.models import Page

    chosen = _stock_page_urls if mode == "stock" else _ours_page_urls
    for name in PAGE_URL_ATTRS:
        if chosen[name] is _MISSING:
            if name in Page.__dict__:
                delattr(Page, name)
        else:
            setattr(Page, name, chosen[name])
    if reset:
        reset_caches()


def page_urls_mode():
    from wagtail.models import Page

    current = [Page.__dict__.get(name, _MISSING) for name in PAGE_URL_ATTRS]
    for mode, attrs in (("stock", _stock_page_urls), ("ours", _ours_page_urls)):
        if all(a is attrs[n] for a, n in zip(current, PAGE_URL_ATTRS, strict=True)):
            return mode
    return "unknown"


def describe_page_urls(attrs):
    from wagtail.models import Page

    getter = attrs["get_url"]
    if getter is _MISSING:
        getter = Page.get_url if page_urls_mode() == "stock" else None
        getter = getter or next(
            c.__dict__["get_url"] for c in Page.__mro__[1:] if "get_url" in c.__dict__
        )
    return f"{getter.__module__}.{getter.__qualname__}"


def reset_caches():
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    from sites import site_index

    cache.clear()
    site_index._local.update(version=None, index=None)
    ContentType.objects.clear_cache()


def use_database(path):
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = str(path)
    connections["default"].settings_dict["NAME"] = str(path)
    reset_caches()


def close_database():
    from django.db import connection, connections

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connections.close_all()


# --- Measurements ----------------------------------------------------------------------


def db_counts():
    from django.contrib.auth.models import Group
    from wagtail.models import (
        Collection,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
        Site,
    )

    from sites.models import ColumnPage, OrganisationPage

    return {
        "pages": Page.objects.count(),
        "organisation_pages": OrganisationPage.objects.count(),
        "column_pages": ColumnPage.objects.count(),
        "sites": Site.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "group_page_permissions": GroupPagePermission.objects.count(),
        "group_collection_permissions": GroupCollectionPermission.objects.count(),
    }


def parse_summary(text):
    labels = [
        "organisations_created",
        "organisations_updated",
        "organisations_unchanged",
        "columns_created",
        "sites_created",
        "sites_updated",
        "access_created",
    ]
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return dict(zip(labels, numbers, strict=False))


def provision(csv_path):
    from django.core.management import call_command

    out = io.StringIO()
    start = time.perf_counter()
    call_command("provision_sites", str(csv_path), verbosity=0, stdout=out)
    seconds = time.perf_counter() - start
    summary = out.getvalue().strip()
    return seconds, summary, parse_summary(summary)


def setup_portal():
    from portal.setup import ensure_portal_home

    start = time.perf_counter()
    home = ensure_portal_home(PORTAL_TITLE, PORTAL_CODE)
    return home, time.perf_counter() - start


def add_articles(org, per_column=2):
    """A few live articles under each top column, so home pages list some links."""
    from content.models import ArticlePage

    created = 0
    for column in org.top_columns():
        for i in range(1, per_column + 1):
            column.add_child(
                instance=ArticlePage(
                    title=f"{org.title}{column.title}第{chinese_number(i)}期",
                    slug=f"bench-{i}",
                    summary="基准测试文章。",
                )
            )
            created += 1
    return created


def portal_path(page, home):
    """The page's path on the portal host (path-based, under the portal home)."""
    assert page.url_path.startswith(home.url_path), (page.url_path, home.url_path)
    return "/" + page.url_path[len(home.url_path) :]


MODES = ("ours", "stock")


class SqlTimer:
    """execute_wrapper timing every statement's execute() (SQLite: the first step)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


def timed_get(client, path, host=PORTAL_HOST):
    """One GET: (seconds, queries, SQL execute seconds, response)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # DEBUG keeps at most 9,000 queries; provisioning fills that log
    sql = SqlTimer()
    with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(sql):
        start = time.perf_counter()
        response = client.get(path, HTTP_HOST=host)
        seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise RuntimeError(f"GET {host}{path} -> {response.status_code}")
    return seconds, len(queries.captured_queries), sql.seconds, response


class UrlTimer:
    """Wraps the current Page.get_url (ours or stock) to time URL building itself."""

    def __init__(self):
        self.calls = 0
        self.seconds = 0.0

    def install(self):
        from wagtail.models import Page

        inner = Page.get_url
        timer = self

        def get_url(self, request=None, current_site=None):
            start = time.perf_counter()
            try:
                return inner(self, request=request, current_site=current_site)
            finally:
                timer.calls += 1
                timer.seconds += time.perf_counter() - start

        Page.get_url = get_url
        Page.url = property(get_url)


def measure_modes(client, path, args, requests):
    """Time `path` with our page URLs and with stock Wagtail's, requests interleaved.

    Both modes are warmed up first; then each round does one request per mode, the order
    alternating, so background load hits both alike. Every request counts its queries
    and logged SQL time; a shorter instrumented pass then times Page.get_url itself.
    """
    for mode in MODES:
        use_page_urls(mode, reset=False)
        for _ in range(args.warmups):
            timed_get(client, path)
    samples = {mode: [] for mode in MODES}
    for i in range(requests):
        for mode in MODES if i % 2 == 0 else MODES[::-1]:
            use_page_urls(mode, reset=False)
            seconds, queries, sql, response = timed_get(client, path)
            samples[mode].append((seconds, queries, sql))
    results = {}
    for mode in MODES:
        use_page_urls(mode, reset=False)
        timer = UrlTimer()
        timer.install()
        url_ms, url_calls = [], []
        for _ in range(max(1, min(args.url_timing_requests, requests))):
            timer.calls, timer.seconds = 0, 0.0
            _, _, _, response = timed_get(client, path)
            url_ms.append(timer.seconds * 1000)
            url_calls.append(timer.calls)
        use_page_urls(mode, reset=False)
        body = response.content
        times_ms = sorted(s[0] * 1000 for s in samples[mode])
        query_counts = sorted({s[1] for s in samples[mode]})
        results[mode] = {
            "path": path,
            "mode": mode,
            "requests": requests,
            "warmups": args.warmups,
            "median_ms": round(statistics.median(times_ms), 2),
            "p90_ms": round(times_ms[int(0.9 * (len(times_ms) - 1))], 2),
            "min_ms": round(times_ms[0], 2),
            "max_ms": round(times_ms[-1], 2),
            "queries": query_counts[-1],
            "queries_varied": query_counts if len(query_counts) > 1 else None,
            "sql_ms": round(statistics.median(s[2] * 1000 for s in samples[mode]), 2),
            "url_ms": round(statistics.median(url_ms), 2),
            "get_url_calls": max(url_calls),
            "links": body.count(b"href="),
            "absolute_links": len(re.findall(rb'href="https?://', body)),
            "site_filter_choices": body.count(b'name="site"'),
            "bytes": len(body),
        }
    use_page_urls("ours", reset=False)
    return results


def render_set(report, label, sites, pages, args):
    """Render each (name, page) on the portal host with our URLs and with stock Wagtail's."""
    from django.test import Client

    from portal.models import PortalHomePage

    home = PortalHomePage.objects.get()
    client = Client()
    for name, page in pages:
        path = portal_path(page, home)
        for mode, result in measure_modes(client, path, args, args.requests).items():
            result.update(page=name, sites=sites, label=label)
            report["renders"].append(result)
            log(
                f"  {label:<6} {name:<14} {mode:<5} median {result['median_ms']:8.2f} ms "
                f"(SQL {result['sql_ms']:6.2f}, URLs {result['url_ms']:6.2f} ms in "
                f"{result['get_url_calls']} get_url), {result['queries']:3d} queries, "
                f"{result['links']:3d} links ({path})"
            )
    use_page_urls("ours", reset=False)


def admin_explorer(report, branch, home, args):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from sites.access import group_name

    User = get_user_model()
    editor = User.objects.create_user("bench-branch-editor", password="x-" + os.urandom(8).hex())
    editor.groups.add(Group.objects.get(name=group_name(branch.code, "editors")))
    admin = User.objects.create_superuser("bench-admin", password="x-" + os.urandom(8).hex())
    cases = [
        ("branch editor", editor, branch),
        ("superuser", admin, home),
        ("superuser", admin, branch),
    ]
    for who, user, page in cases:
        client = Client()
        client.force_login(user)
        path = f"/admin/pages/{page.pk}/"
        what = "branch" if page.pk == branch.pk else "portal home"
        for mode, result in measure_modes(client, path, args, args.admin_requests).items():
            result.update(
                user=who,
                page=what,
                page_id=page.pk,
                user_page_permission_rows=user_permission_rows(user),
            )
            report["admin"].append(result)
            log(
                f"  admin explorer {who:<13} {what:<11} {mode:<5} median "
                f"{result['median_ms']:8.2f} ms (SQL {result['sql_ms']:6.2f} ms), "
                f"{result['queries']:3d} queries, {result['site_filter_choices']} site "
                f"filter choices, {result['bytes'] // 1024} KiB"
            )
    use_page_urls("ours", reset=False)


def user_permission_rows(user):
    from wagtail.models import GroupPagePermission

    return GroupPagePermission.objects.filter(group__user=user).count()


def profile_provisioning(csv_path, base_db, work_dir, top=15):
    db = work_dir / "profile.sqlite3"
    shutil.copy(base_db, db)
    use_database(db)
    setup_portal()
    profiler = cProfile.Profile()
    from django.core.management import call_command

    start = time.perf_counter()
    profiler.runcall(
        call_command, "provision_sites", str(csv_path), verbosity=0, stdout=io.StringIO()
    )
    seconds = time.perf_counter() - start
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative").print_stats(top)
    close_database()
    return seconds, out.getvalue()


# --- Output ----------------------------------------------------------------------------


def table(title, headers, rows):
    cells = [[str(c) for c in row] for row in rows]
    widths = [
        max(display_width(h), *(display_width(r[i]) for r in cells)) if cells else len(h)
        for i, h in enumerate(headers)
    ]

    numeric = [
        bool(cells) and all(re.fullmatch(r"[-+\d.,x ]*(?:->[\d ]*)?", r[i]) for r in cells)
        for i in range(len(headers))
    ]

    def line(values):
        return "  ".join(
            pad(v, w, numeric[i]) for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    print()
    print(title)
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


def display_width(text):
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def pad(text, width, right):
    fill = " " * (width - display_width(text))
    return fill + text if right else text + fill


def print_report(report):
    prov = report["provisioning"]
    table(
        "Provisioning (SQLite, provision_sites)",
        ["step", "sites", "seconds", "summary"],
        [
            [s["step"], s.get("sites", ""), f"{s['seconds']:.1f}", s.get("summary", "")]
            for s in prov["steps"]
        ],
    )
    counts = prov.get("counts", {})
    if counts:
        keys = list(counts["after_first_run"])
        table(
            f"Row counts at {report['city']['sites']:,} sites",
            ["", *keys],
            [[label, *(counts[label][k] for k in keys)] for label in counts],
        )
    renders = report["renders"]
    args = report["args"]
    if renders:
        table(
            "Organisation home on the portal host (Django test client; median of "
            f"{args['requests']} interleaved requests per mode after {args['warmups']} warm-ups; "
            "URL ms = time inside Page.get_url)",
            [
                "page",
                "sites",
                "URLs",
                "median ms",
                "p90 ms",
                "SQL ms",
                "URL ms",
                "get_url",
                "queries",
                "links",
            ],
            [
                [
                    r["page"],
                    f"{r['sites']:,}",
                    r["mode"],
                    f"{r['median_ms']:.1f}",
                    f"{r['p90_ms']:.1f}",
                    f"{r['sql_ms']:.1f}",
                    f"{r['url_ms']:.2f}",
                    r["get_url_calls"],
                    r["queries"],
                    r["links"],
                ]
                for r in sorted(renders, key=lambda r: r["sites"])
            ],
        )
    ratios = report["ratios"]
    if ratios:
        small, big = report["city"]["small_sites"], report["city"]["sites"]
        table(
            f"Scaling {small} -> {big:,} sites: render time ratio (target ours <= "
            f"{TARGET_RATIO}x), URL-building and SQL time, queries",
            [
                "page",
                "ours ratio",
                "stock ratio",
                "ours URL ms",
                "stock URL ms",
                "SQL ms",
                "queries ours",
                "queries stock",
                "target",
            ],
            [
                [
                    r["page"],
                    f"{r['ours_ratio']:.2f}x",
                    f"{r['stock_ratio']:.2f}x",
                    f"{r['ours_url_ms'][0]:.2f} -> {r['ours_url_ms'][1]:.2f}",
                    f"{r['stock_url_ms'][0]:.2f} -> {r['stock_url_ms'][1]:.2f}",
                    f"{r['ours_sql_ms'][0]:.1f} -> {r['ours_sql_ms'][1]:.1f}",
                    f"{r['ours_queries'][0]} -> {r['ours_queries'][1]}",
                    f"{r['stock_queries'][0]} -> {r['stock_queries'][1]}",
                    "ok" if r["ours_within_target"] else "MISSED",
                ]
                for r in ratios
            ],
        )
    if report["admin"]:
        table(
            f"Admin page explorer /admin/pages/<id>/ at {report['city']['sites']:,} sites "
            f"(median of {args['admin_requests']} interleaved requests per mode)",
            [
                "user",
                "explorer of",
                "URLs",
                "median ms",
                "p90 ms",
                "SQL ms",
                "queries",
                "perm rows",
                "site filter choices",
                "KiB",
            ],
            [
                [
                    a["user"],
                    a["page"],
                    a["mode"],
                    f"{a['median_ms']:.1f}",
                    f"{a['p90_ms']:.1f}",
                    f"{a['sql_ms']:.1f}",
                    a["queries"],
                    a["user_page_permission_rows"],
                    a["site_filter_choices"],
                    a["bytes"] // 1024,
                ]
                for a in report["admin"]
            ],
        )
    print(
        f"\nload average (1 min) at start {report['load_average']['start']}, "
        f"end {report['load_average'].get('end')}; total {report['total_seconds']:.0f}s"
    )
    if report["errors"]:
        print("\nErrors:")
        for error in report["errors"]:
            print(error)


def compute_ratios(report, small_sites, big_sites):
    def find(page, sites, mode):
        for r in report["renders"]:
            if (r["page"], r["sites"], r["mode"]) == (page, sites, mode):
                return r
        return None

    for page in ("district home", "portal home"):
        row = {"page": page}
        ok = True
        for mode in MODES:
            small, big = find(page, small_sites, mode), find(page, big_sites, mode)
            if small is None or big is None:
                ok = False
                break
            row[f"{mode}_ratio"] = round(big["median_ms"] / small["median_ms"], 3)
            row[f"{mode}_ms"] = [small["median_ms"], big["median_ms"]]
            row[f"{mode}_queries"] = [small["queries"], big["queries"]]
            row[f"{mode}_sql_ms"] = [small["sql_ms"], big["sql_ms"]]
            row[f"{mode}_url_ms"] = [small["url_ms"], big["url_ms"]]
            row[f"{mode}_links"] = [small["links"], big["links"]]
            non_sql = [small["median_ms"] - small["sql_ms"], big["median_ms"] - big["sql_ms"]]
            row[f"{mode}_non_sql_ratio"] = round(non_sql[1] / non_sql[0], 3)
        if ok:
            row["ours_within_target"] = row["ours_ratio"] <= TARGET_RATIO
            report["ratios"].append(row)


def write_json(report):
    return common.write_results("provisioning", report)


# --- Main ------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--streets-per-district", type=int, default=16)
    parser.add_argument("--branches", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=30, help="measured requests per page")
    parser.add_argument("--admin-requests", type=int, default=10)
    parser.add_argument(
        "--url-timing-requests",
        type=int,
        default=10,
        help="extra requests per page and mode with Page.get_url timed",
    )
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument(
        "--profile",
        choices=["auto", "always", "never"],
        default="auto",
        help="cProfile a 500-site run (auto: when the first run takes > 10 min)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def main():
    args = parse_args()
    work_dir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    configure_environment(work_dir)
    capture_stock_page_urls()
    import django

    django.setup()
    from django.core.management import call_command

    rows = city_rows(args.districts, args.streets_per_district, args.branches)
    big_sites = len(rows) + 1
    small_sites = args.districts + 1
    report = {
        **common.report_head("provisioning", args),
        "city": {
            "sites": big_sites,
            "small_sites": small_sites,
            "districts": args.districts,
            "streets": args.districts * args.streets_per_district,
            "branches": args.branches,
        },
        "provisioning": {"steps": []},
        "renders": [],
        "ratios": [],
        "admin": [],
        "errors": [],
        "load_average": {"start": round(os.getloadavg()[0], 2)},
    }
    steps = report["provisioning"]["steps"]
    report["page_urls"] = {
        "stock_get_url": describe_page_urls(_stock_page_urls),
        "ours_get_url": describe_page_urls(_ours_page_urls),
    }
    log(
        f"work dir {work_dir}; Page.get_url: stock {report['page_urls']['stock_get_url']}, "
        f"ours {report['page_urls']['ours_get_url']}"
    )
    if _ours_page_urls["get_url"] is _MISSING or page_urls_mode() != "ours":
        raise SystemExit("sites.apps did not install the fast page URLs; nothing to compare")
    try:
        csv_big = write_csv(work_dir / "city.csv", rows)
        csv_small = write_csv(work_dir / "districts.csv", [r for r in rows if r[3] == "district"])
        log(f"CSV: {len(rows):,} organisations + portal home = {big_sites:,} sites ({csv_big})")

        base_db = work_dir / "db.sqlite3"
        log("migrate (empty database)")
        start = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        steps.append({"step": "migrate", "seconds": time.perf_counter() - start})
        close_database()

        # --- 17 sites: fresh database with the 16 districts only.
        small_db = work_dir / "small.sqlite3"
        shutil.copy(base_db, small_db)
        use_database(small_db)
        home, seconds = setup_portal()
        steps.append({"step": "portal home (small db)", "sites": 1, "seconds": seconds})
        seconds, summary, _ = provision(csv_small)
        steps.append(
            {
                "step": "provision districts only",
                "sites": small_sites,
                "seconds": seconds,
                "summary": summary,
            }
        )
        log(f"{small_sites} sites provisioned in {seconds:.1f}s")
        from sites.models import OrganisationPage
        from sites.updates import refresh_content_updated_at

        district = OrganisationPage.objects.get(code="d01")
        add_articles(district)
        add_articles(home)
        refresh_content_updated_at()  # add_child publishes nothing: date 下级组织
        small_pages = [("portal home", home), ("district home", district)]
        report["small_counts"] = db_counts()
        close_database()

        # --- The whole city.
        city_db = work_dir / "city.sqlite3"
        shutil.copy(base_db, city_db)
        use_database(city_db)
        home, seconds = setup_portal()
        steps.append({"step": "portal home", "sites": 1, "seconds": seconds})
        log(f"provision_sites: first run ({big_sites:,} sites)")
        seconds, summary, parsed = provision(csv_big)
        steps.append(
            {
                "step": "provision_sites first run",
                "sites": big_sites,
                "seconds": seconds,
                "summary": summary,
                "parsed": parsed,
            }
        )
        log(f"first run: {seconds:.1f}s — {summary}")
        first_counts = db_counts()
        log(f"counts: {first_counts}")
        log("provision_sites: second run (idempotent)")
        seconds, summary, parsed = provision(csv_big)
        steps.append(
            {
                "step": "provision_sites re-run",
                "sites": big_sites,
                "seconds": seconds,
                "summary": summary,
                "parsed": parsed,
            }
        )
        log(f"re-run: {seconds:.1f}s — {summary}")
        second_counts = db_counts()
        report["provisioning"]["counts"] = {
            "after_first_run": first_counts,
            "after_re_run": second_counts,
        }
        idempotent = (
            first_counts == second_counts
            and parsed.get("organisations_created") == 0
            and parsed.get("organisations_updated") == 0
            and parsed.get("sites_created") == 0
            and parsed.get("columns_created") == 0
        )
        report["provisioning"]["idempotent"] = idempotent
        if not idempotent:
            report["errors"].append(
                f"re-run was not a no-op: {first_counts} -> {second_counts}; {summary}"
            )
        if first_counts["sites"] != big_sites:
            report["errors"].append(f"expected {big_sites} sites, found {first_counts['sites']}")

        district = OrganisationPage.objects.get(code="d01")
        branch = OrganisationPage.objects.filter(kind="branch", code__startswith="d01-s01-")
        branch = branch.order_by("path").first()
        add_articles(district)
        add_articles(home)
        add_articles(branch)
        refresh_content_updated_at()
        home.refresh_from_db()
        log(f"rendering at {big_sites:,} sites")
        render_set(
            report,
            f"{big_sites}",
            big_sites,
            [("portal home", home), ("district home", district), ("branch home", branch)],
            args,
        )
        close_database()

        # Rendered right after the city (not at the start, in a cold process) so both
        # sizes are measured under the same machine conditions.
        use_database(small_db)
        for _, page in small_pages:
            page.refresh_from_db()
        log(f"rendering at {small_sites} sites")
        render_set(report, f"{small_sites}", small_sites, small_pages, args)
        close_database()
        compute_ratios(report, small_sites, big_sites)

        use_database(city_db)
        log("admin page explorer")
        admin_explorer(report, branch, home, args)
        close_database()

        first = next(s for s in steps if s["step"] == "provision_sites first run")
        if args.profile == "always" or (args.profile == "auto" and first["seconds"] > 600):
            prof_rows = city_rows(2, 8, 481)
            csv_prof = write_csv(work_dir / "profile.csv", prof_rows)
            log(f"cProfile of a {len(prof_rows) + 1}-site provisioning run")
            seconds, stats = profile_provisioning(csv_prof, base_db, work_dir)
            report["profile"] = {
                "sites": len(prof_rows) + 1,
                "seconds": seconds,
                "top_cumulative": stats,
            }
            print(stats)
    except Exception:
        report["errors"].append(traceback.format_exc())
        log("FAILED:\n" + traceback.format_exc())
    finally:
        report["load_average"]["end"] = round(os.getloadavg()[0], 2)
        common.finish_report(report, "provisioning", print_report, work_dir, args.keep, _t0)
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
