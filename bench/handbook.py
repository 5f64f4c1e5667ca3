"""The 党支部工作手册 PDF: how long a year of records takes to build. Not a test.

Run from the repository root: `.venv/bin/python bench/handbook.py` (`--help` for knobs).

Set-up, in a throw-away SQLite database: one branch (real provisioning) with --members
members and, for each size in --records, that many meeting records spread over this year
(the 三会一课 types in turn, a few 传达学习 with a directive), every member's attendance
(one in seven on leave with a reason), a paragraph of minutes each and a photo on every
--photo-every-th record.

Measured per size (--repeat builds each, p50/p95): gathering the data (and its query
count, which must not grow with the records), the whole build (gather, HTML, WeasyPrint
layout and PDF) as the task worker runs it, the page count and the file size.

Prints a table and writes bench/results/handbook-<UTC timestamp>.json and
handbook-latest.json.
"""

import argparse
import datetime
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import provisioning as base  # noqa: E402

log = base.log

TYPES = ["wyh", "xzh", "ztdr", "dyh", "dk", "zzshh", "jtxx"]


def set_up(work, members):
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from learning.models import MemberProfile
    from portal.setup import ensure_portal_home
    from sites.models import OrganisationPage

    ensure_portal_home("江城市", "jiangcheng")
    csv_path = base.write_csv(Path(work) / "branch.csv", base.city_rows(1, 1, 1))
    base.provision(csv_path)
    branch = OrganisationPage.objects.get(kind="branch")
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"hb{n:04d}", password="!") for n in range(members)]
    )
    MemberProfile.objects.bulk_create(
        [MemberProfile(user=u, branch=branch, name=f"党员{n:03d}") for n, u in enumerate(users)]
    )
    return branch


def fill(branch, records, photo_every):
    """Replace the branch's records with `records` of this year."""
    from django.utils import timezone
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection

    from learning.models import MemberProfile
    from orglife import tallies
    from orglife.models import Attendance, MeetingRecord, MeetingType, RecordPhoto
    from tests.factories import ImageFactory

    MeetingRecord.objects.filter(organisation=branch).delete()
    types = {t.code: t for t in MeetingType.objects.all()}
    relay = next(t for t in types.values() if t.is_relay)
    members = list(MemberProfile.objects.filter(branch=branch))
    now = timezone.now()
    start = timezone.make_aware(datetime.datetime(timezone.localdate().year, 1, 1, 9))
    span = max((now - start).total_seconds() - 3600, 3600)
    made = []
    for n in range(records):
        kind = relay if n % 12 == 11 else types[TYPES[n % len(TYPES)]]
        held = start + datetime.timedelta(seconds=span * n / max(records, 1))
        made.append(
            MeetingRecord(
                organisation=branch,
                meeting_type=kind,
                held_at=held,
                place="支部活动室",
                host="支部书记",
                topic=f"第{n + 1}次会议：学习贯彻党的二十大精神，研究支部重点工作",
                minutes=(
                    "<p>支部书记传达上级精神，结合社区实际部署下一阶段工作。与会党员逐一发言，"
                    "交流学习体会，提出改进意见和建议。</p><p>会议要求全体党员发挥先锋模范"
                    "作用，认真落实各项任务。</p>"
                ),
                resolutions="一、按计划推进重点工作；二、下次会议通报落实情况。",
            )
        )
    MeetingRecord.objects.bulk_create(made)
    Attendance.objects.bulk_create(
        Attendance(
            record=record,
            member=member,
            status=Attendance.LEAVE if (i + j) % 7 == 0 else Attendance.PRESENT,
            reason="外出务工" if (i + j) % 7 == 0 else "",
        )
        for i, record in enumerate(made)
        for j, member in enumerate(members)
    )
    collection = Collection.get_first_root_node()
    image = ImageFactory(
        title="会场", collection=collection, file=get_test_image_file(size=(1200, 800))
    )
    RecordPhoto.objects.bulk_create(
        RecordPhoto(record=record, image=image, caption="会议现场", sort_order=0)
        for n, record in enumerate(made)
        if photo_every and n % photo_every == 0
    )
    tallies.rebuild(tallies.computed_meeting_tallies(), tallies.computed_publish_tallies())


def measure(branch, sizes, members, photo_every, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from orglife import handbook

    year = timezone.localdate().year
    rows = []
    for size in sizes:
        log(f"{size} records …")
        fill(branch, size, photo_every)
        handbook.gather(branch, year)  # renditions made once, as after the first build
        with CaptureQueriesContext(connection) as captured:
            handbook.gather(branch, year)
        gather_times, build_times = [], []
        pdf, pages = b"", 0
        for _ in range(repeat):
            t = time.perf_counter()
            handbook.gather(branch, year)
            gather_times.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            pdf, pages = handbook.render(branch, year)
            build_times.append((time.perf_counter() - t) * 1000)
        rows.append(
            {
                "records": size,
                "members": members,
                "photos": len(range(0, size, photo_every)) if photo_every else 0,
                "gather_queries": len(captured),
                "gather": common.p50_p95(gather_times),
                "build": common.p50_p95(build_times),
                "pages": pages,
                "pdf_kb": round(len(pdf) / 1024),
            }
        )
    return rows


def print_report(report):
    rows = report.get("builds", [])
    base.table(
        "党支部工作手册 build (gather + HTML + WeasyPrint layout + PDF), in process",
        ["records", "members", "photos", "queries", "gather p50 ms", "build p50 s", "build p95 s"]
        + ["pages", "PDF KB"],
        [
            [
                r["records"],
                r["members"],
                r["photos"],
                r["gather_queries"],
                f"{r['gather']['p50_ms']:.0f}",
                f"{r['build']['p50_ms'] / 1000:.2f}",
                f"{r['build']['p95_ms'] / 1000:.2f}",
                r["pages"],
                r["pdf_kb"],
            ]
            for r in rows
        ],
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10, 40, 100])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--photo-every", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="bench-handbook-"))
    report = common.report_head("handbook", args)
    try:
        base.configure_environment(work)
        branch = set_up(work, args.members)
        report["builds"] = measure(
            branch, args.records, args.members, args.photo_every, args.repeat
        )
    except Exception:
        report["error"] = traceback.format_exc()
        print(report["error"], file=sys.stderr)
    finally:
        common.finish_report(report, "handbook", print_report, work, args.keep, t0)
    if "error" in report:
        sys.exit(1)


if __name__ == "__main__":
    main()
