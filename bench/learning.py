"""Study points at district scale: leaderboards and progress beats. Not a test.

Run from the repository root: `.venv/bin/python bench/learning.py` (`--help` for knobs).

Set-up, in a throw-away SQLite database: one district with --branches branches (real
provisioning), --members members spread over them, and --events ledger rows over the last
--days days written straight into the ledger table, then the tallies (PointTally) derived
from the ledger with one GROUP BY per period — the same rows award() keeps up to date one
event at a time (checked on a sample).

Measured (--repeat runs each, p50/p95):
- leaderboards over the district: members this week/year, branches by average this month,
  and one street: ours (tallies) vs the same ranking computed from the ledger (GROUP BY
  over the events, the obvious way without an aggregate table);
- award() with the big ledger under it (cap check + ledger row + 5 tallies), per second;
- progress beats (progress.record: item check, anti-cheat, save) per second, in process.

Prints tables and writes bench/results/learning-<UTC timestamp>.json and learning-latest.json.
"""

import argparse
import datetime
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import provisioning as base  # noqa: E402

log = base.log


def localdate():
    from django.utils import timezone

    return timezone.localdate()


def timed(fn, repeat):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return result, common.p50_p95(times)


def set_up(work, branches, members, events, days):
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from learning.models import MemberProfile, PointRule
    from portal.setup import ensure_portal_home
    from sites.models import OrganisationPage

    ensure_portal_home("江城市", "jiangcheng")
    csv_path = base.write_csv(Path(work) / "district.csv", base.city_rows(1, 10, branches))
    log(f"provisioning 1 district, 10 streets, {branches} branches …")
    base.provision(csv_path)
    branch_pages = list(OrganisationPage.objects.filter(kind="branch").order_by("path"))
    log(f"{members} members …")
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"m{n:06d}", password="!") for n in range(members)], batch_size=5000
    )
    MemberProfile.objects.bulk_create(
        [
            MemberProfile(user=u, branch=branch_pages[n % len(branch_pages)], name=f"党员{n}")
            for n, u in enumerate(users)
        ],
        batch_size=5000,
    )
    rules = list(PointRule.objects.values_list("pk", "points"))
    today = localdate()
    log(f"{events:,} ledger rows over {days} days …")
    rng = random.Random(7)
    user_ids = [u.pk for u in users]
    batch = 100_000
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, events, batch):
            rows = []
            for n in range(start, min(start + batch, events)):
                rule, points = rules[rng.randrange(len(rules))]
                day = today - datetime.timedelta(days=rng.randrange(days))
                rows.append(
                    (user_ids[rng.randrange(members)], rule, points, day.isoformat(), f"b{n}")
                )
            cursor.executemany(
                "INSERT INTO learning_pointevent (user_id, rule_id, points, day, ref, created_at)"
                " VALUES (%s, %s, %s, %s, %s, CURRENT_TIMESTAMP)",
                rows,
            )
    log("tallies from the ledger (one GROUP BY per period) …")
    derive_tallies(today)
    return branch_pages, users


PERIOD_SQL = {
    "day": "e.day",
    "week": "date(e.day, '-' || ((strftime('%%w', e.day) + 6) %% 7) || ' days')",
    "month": "date(e.day, 'start of month')",
    "year": "date(e.day, 'start of year')",
    "all": "'2000-01-01'",
}


def derive_tallies(today):
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM learning_pointtally")
        for period, starts in PERIOD_SQL.items():
            cursor.execute(
                "INSERT INTO learning_pointtally (user_id, branch_id, branch_path, period, starts,"
                " points) SELECT e.user_id, m.branch_id, p.path, %s, " + starts + ", SUM(e.points)"
                " FROM learning_pointevent e JOIN learning_memberprofile m ON m.user_id = e.user_id"
                " JOIN wagtailcore_page p ON p.id = m.branch_id GROUP BY e.user_id, " + starts,
                [period],
            )


def ledger_leaderboard(org, period, limit=50):
    """The same ranking straight from the ledger: what you write without tallies."""
    from django.db.models import Sum

    from learning.models import PointEvent
    from learning.points import period_starts
    from sites.tree import below_path_q

    starts = period_starts(localdate())[period]
    return list(
        PointEvent.objects.filter(
            below_path_q(org.path, inclusive=True, field="user__member__branch__path"),
            day__gte=starts,
        )
        .values("user_id")
        .annotate(total=Sum("points"))
        .order_by("-total", "user_id")[:limit]
    )


def measure(args, branch_pages, users):
    from django.db import connection

    from learning import points, progress
    from learning.models import MicroLessonPage
    from sites.models import OrganisationPage

    district = OrganisationPage.objects.get(kind="district")
    street = OrganisationPage.objects.filter(kind="street").order_by("path").first()
    rows = []
    cases = [
        ("district: members, week", district, "members", "week"),
        ("district: members, year", district, "members", "year"),
        ("district: branches by average, month", district, "branches", "month"),
        ("one street: members, week", street, "members", "week"),
    ]
    for name, org, scope, period in cases:
        ours, ours_t = timed(
            lambda o=org, s=scope, p=period: points.leaderboard(o, s, p), args.repeat
        )
        row = {"case": name, "ours": ours_t, "rows": len(ours)}
        if scope == "members":
            naive, naive_t = timed(
                lambda o=org, p=period: ledger_leaderboard(o, p), max(3, args.repeat // 5)
            )
            assert [r["points"] for r in ours] == [r["total"] for r in naive], name
            row["ledger"] = naive_t
            row["ratio"] = round(naive_t["p50_ms"] / max(ours_t["p50_ms"], 0.001), 1)
        rows.append(row)

    # award() on top of the big ledger.
    sample = users[: args.awards]
    start = time.perf_counter()
    for n, user in enumerate(sample):
        points.award(user, "daily_login", f"bench-login-{n}")
    awards_per_s = len(sample) / (time.perf_counter() - start)

    # Progress beats: a lesson with a known duration, members beating through it.
    from tests.learning.factories import LessonMediaFactory  # the tests' own factory

    home = branch_pages[0]
    learning_home = home.get_children().get(slug="learning")
    lesson = learning_home.add_child(
        instance=MicroLessonPage(
            title="压测微课", slug="bench-lesson", video=LessonMediaFactory(duration=3600.0)
        )
    )
    key = f"lesson:{lesson.pk}"
    t0 = datetime.datetime.now(datetime.UTC)
    beaters = users[: args.beat_members]
    for user in beaters:
        progress.record(user, key, 0, "start", now=t0)
    count = 0
    start = time.perf_counter()
    for n in range(1, args.beats_each + 1):
        when = t0 + datetime.timedelta(seconds=15 * n)
        for user in beaters:
            progress.record(user, key, 15 * n, "beat", now=when)
            count += 1
    beats_per_s = count / (time.perf_counter() - start)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM learning_pointevent")
        ledger = cursor.fetchone()[0]
    return rows, round(awards_per_s), round(beats_per_s), ledger


def check_tallies_match_award(users):
    """award() keeps the tallies exactly where the GROUP BY puts them."""
    from learning.models import PointTally

    before = {t.period: t.points for t in PointTally.objects.filter(user=users[-1])}
    derive_tallies(localdate())
    after = {t.period: t.points for t in PointTally.objects.filter(user=users[-1])}
    assert before == after, (before, after)


def print_report(report):
    if "leaderboards" in report:
        base.table(
            f"Leaderboards: {report['args']['branches']} branches, {report['args']['members']:,}"
            f" members, {report['ledger_rows']:,} ledger rows (SQLite, 2 cores)",
            ["case", "rows", "tallies p50 ms", "p95 ms", "ledger p50 ms", "ledger/tallies"],
            [
                [
                    r["case"],
                    r["rows"],
                    r["ours"]["p50_ms"],
                    r["ours"]["p95_ms"],
                    r.get("ledger", {}).get("p50_ms", "—"),
                    r.get("ratio", "—"),
                ]
                for r in report["leaderboards"]
            ],
        )
        base.table(
            "Writes (in process, SQLite)",
            ["what", "per second"],
            [
                ["award() (cap check, ledger row, 5 tallies)", report["awards_per_s"]],
                ["progress beats (progress.record)", report["beats_per_s"]],
            ],
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=500)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--awards", type=int, default=2000)
    parser.add_argument("--beat-members", type=int, default=200)
    parser.add_argument("--beats-each", type=int, default=10)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-learning-"))
    report = common.report_head("learning", args)
    try:
        base.configure_environment(work)
        branch_pages, users = set_up(work, args.branches, args.members, args.events, args.days)
        log("measuring …")
        rows, awards, beats, ledger = measure(args, branch_pages, users)
        check_tallies_match_award(users[: args.awards])
        report.update(leaderboards=rows, awards_per_s=awards, beats_per_s=beats, ledger_rows=ledger)
    except Exception:
        report["error"] = traceback.format_exc()
        print(report["error"], file=sys.stderr)
    finally:
        common.finish_report(report, "learning", print_report, work, args.keep, t0)
    if "error" in report:
        sys.exit(1)


if __name__ == "__main__":
    main()
