"""监督 at city scale: the dashboard and its API for the city, a district and a street, and
the nightly status/score computation, at 17 and at 5,273 sites. Not a test.

Run from the repository root: `make bench` or `.venv/bin/python bench/oversight.py`
(`--help` for knobs; `--small-branches 14 --branches 5000` are the defaults).

Set-up, in two throw-away SQLite databases (real provisioning, as bench/provisioning.py):
a small city (1 district, 1 street, 14 branches: 17 sites) and the provisioning bench's
city (16 districts × 16 streets, 5,000 branches: 5,273 sites). Every organisation gets a
year of tallies, in bulk: monthly news and quarterly 党务公开 publishes (one in ten
branches quiet for 90 days: 僵尸), a 支部委员会 and a 党小组会 a month with attendance, a
member with study points per branch. Then the nightly run (`oversight.nightly.run`:
status and scores of every organisation, then reminders) is timed, and the dashboard
page and `/api/v2/oversight/summary/` are fetched (--requests each, in process, as a
superuser) for the city, a district and a street.

Prints a table with both sizes side by side and their ratio, and writes
bench/results/oversight-<UTC timestamp>.json and oversight-latest.json.
"""

import argparse
import datetime
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import provisioning as base  # noqa: E402

log = base.log


def build(work, name, rows):
    """A database with `rows` provisioned and a year of tallies; its path."""
    from django.core.management import call_command

    path = work / f"{name}.sqlite3"
    shutil.copy(work / "empty.sqlite3", path)
    base.use_database(path)
    base.setup_portal()
    csv_path = base.write_csv(work / f"{name}.csv", rows)
    start = time.perf_counter()
    base.provision(csv_path)
    log(f"{name}: provisioned {len(rows):,} organisations in {time.perf_counter() - start:.0f}s")
    fill_tallies()
    call_command("createsuperuser", "--noinput", username="bench", email="bench@example.org")
    base.close_database()
    return path


def fill_tallies():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from learning.models import MemberProfile, PointTally
    from orglife.models import MeetingType, OrgLifeTally, PublishTally
    from oversight import periods
    from sites.models import OrganisationPage

    now = timezone.now()
    today = timezone.localdate()
    founded = now - datetime.timedelta(days=730)
    OrganisationPage.objects.update(first_published_at=founded)
    orgs = list(OrganisationPage.objects.values_list("pk", "path", "kind", "code"))
    months = periods.last_months(today, 12)
    types = dict(MeetingType.objects.values_list("code", "pk"))
    publishes, meetings = [], []
    for n, (pk, path, kind, _code) in enumerate(orgs):
        quiet = kind == "branch" and n % 10 == 0
        for month in months:
            moment = timezone.make_aware(datetime.datetime.combine(month, datetime.time(10)))
            if quiet and moment > now - datetime.timedelta(days=90):
                continue
            if moment > now:
                continue
            publishes.append(
                PublishTally(
                    organisation_id=pk,
                    organisation_path=path,
                    month=month,
                    purpose="news",
                    updates=1 + n % 3,
                    last_at=moment,
                )
            )
            if month.month % 3 == 2:
                publishes.append(
                    PublishTally(
                        organisation_id=pk,
                        organisation_path=path,
                        month=month,
                        purpose="disclosure",
                        updates=1,
                        last_at=moment,
                    )
                )
            if kind == "branch":
                for code in ("wyh", "xzh"):
                    meetings.append(
                        OrgLifeTally(
                            organisation_id=pk,
                            organisation_path=path,
                            month=month,
                            meeting_type_id=types[code],
                            meetings=1,
                            expected=10,
                            present=7 + n % 4,
                        )
                    )
    PublishTally.objects.bulk_create(publishes, batch_size=5000)
    OrgLifeTally.objects.bulk_create(meetings, batch_size=5000)
    branches = [(pk, path, code) for pk, path, kind, code in orgs if kind == "branch"]
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"m-{code}", password="!") for _pk, _path, code in branches],
        batch_size=2000,
    )
    MemberProfile.objects.bulk_create(
        [
            MemberProfile(user=user, branch_id=pk, name="党员")
            for user, (pk, _path, _code) in zip(users, branches, strict=True)
        ],
        batch_size=2000,
    )
    PointTally.objects.bulk_create(
        [
            PointTally(
                user=user,
                branch_id=pk,
                branch_path=path,
                period="month",
                starts=month,
                points=10 + n % 40,
            )
            for n, (user, (pk, path, _code)) in enumerate(zip(users, branches, strict=True))
            for month in months
        ],
        batch_size=5000,
    )
    log(f"tallies: {len(publishes):,} publish, {len(meetings):,} meeting, {len(users):,} members")


def scopes():
    """The city, its first district and that district's first street (codes)."""
    from sites.models import OrganisationPage

    orgs = OrganisationPage.originals()
    city = orgs.get(depth=2)
    district = orgs.filter(kind="district").order_by("path").first()
    street = orgs.filter(kind="street", path__startswith=district.path).order_by("path").first()
    return {"city": city.code, "district": district.code, "street": street.code}


def measure(path, requests, views=True):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from oversight.models import OrganisationScore, Reminder
    from oversight.nightly import run

    base.use_database(path)
    result = {}
    start = time.perf_counter()
    organisations, made = run()
    result["nightly_s"] = round(time.perf_counter() - start, 2)
    result["organisations"] = organisations
    result["reminders"] = made
    result["score_rows"] = OrganisationScore.objects.count()
    result["reminder_rows"] = Reminder.objects.count()
    start = time.perf_counter()
    run()  # the same day again: replaces the current rows, makes no reminder twice
    result["nightly_rerun_s"] = round(time.perf_counter() - start, 2)
    result["views"] = {}
    if not views:
        base.close_database()
        return result
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench"))
    views = {}
    for level, code in scopes().items():
        for view, url in (
            ("dashboard", f"{reverse('oversight_dashboard')}?org={code}"),
            ("api", f"/api/v2/oversight/summary/?org={code}"),
        ):
            base.timed_get(client, url)  # warm
            times, queries = [], None
            for _ in range(requests):
                seconds, count, _sql, _response = base.timed_get(client, url)
                times.append(seconds * 1000)
                queries = count
            views[f"{view} {level}"] = {**common.p50_p95(times), "queries": queries}
    result["views"] = views
    base.close_database()
    return result


def print_report(report):
    small, big = report.get("small"), report.get("big")
    if not small or not big:
        return
    rows = [
        [
            "nightly run (s)",
            small["nightly_s"],
            big["nightly_s"],
            f"{big['nightly_s'] / max(small['nightly_s'], 0.001):.0f}×",
            "",
            "",
        ],
        [
            "nightly re-run (s)",
            small["nightly_rerun_s"],
            big["nightly_rerun_s"],
            f"{big['nightly_rerun_s'] / max(small['nightly_rerun_s'], 0.001):.0f}×",
            "",
            "",
        ],
    ]
    for name, s in small["views"].items():
        if name not in big["views"]:
            continue
        b = big["views"][name]
        rows.append(
            [
                f"{name} p50 ms (p95)",
                f"{s['p50_ms']:.0f} ({s['p95_ms']:.0f})",
                f"{b['p50_ms']:.0f} ({b['p95_ms']:.0f})",
                f"{b['p50_ms'] / max(s['p50_ms'], 0.01):.2f}×",
                s["queries"],
                b["queries"],
            ]
        )
    base.table(
        f"监督 at {report['city']['small_sites']} vs {report['city']['sites']:,} sites "
        f"({big['organisations']:,} organisations, {big['score_rows']:,} score rows)",
        ["", f"{report['city']['small_sites']} sites", f"{report['city']['sites']:,} sites"]
        + ["ratio", "queries (small)", "queries (big)"],
        rows,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=16)
    parser.add_argument("--streets-per-district", type=int, default=16)
    parser.add_argument("--branches", type=int, default=5000)
    parser.add_argument("--small-branches", type=int, default=14)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--no-views", action="store_true", help="time the nightly run only")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-oversight-"))
    report = common.report_head("oversight", args)
    try:
        base.configure_environment(work)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        base.close_database()
        shutil.copy(work / "db.sqlite3", work / "empty.sqlite3")
        small_rows = base.city_rows(1, 1, args.small_branches)
        big_rows = base.city_rows(args.districts, args.streets_per_district, args.branches)
        report["city"] = {"small_sites": len(small_rows) + 1, "sites": len(big_rows) + 1}
        small = build(work, "small", small_rows)
        big = build(work, "big", big_rows)
        log("measuring the small city")
        report["small"] = measure(small, args.requests, not args.no_views)
        log("measuring the big city")
        report["big"] = measure(big, args.requests, not args.no_views)
    except Exception:
        report["error"] = traceback.format_exc()
        print(report["error"], file=sys.stderr)
    finally:
        common.finish_report(report, "oversight", print_report, work, args.keep, t0)
    if "error" in report:
        sys.exit(1)


if __name__ == "__main__":
    main()
