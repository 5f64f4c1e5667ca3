"""Outbox and webhooks: events/s delivered to a local receiver, publish → delivery time. Not a test.

Run from the repository root: `.venv/bin/python bench/outbox.py` (`--help` for the knobs).
Everything happens in a throw-away SQLite database under a temporary PORTAL_VAR_DIR;
set-up helpers come from bench/provisioning.py, the report's end from bench/common.py.

The portal home (江城市) is set up once; every scenario then starts from a copy of that
database, with a real HTTP receiver (kitchen/devtools/webhook_receiver.py, TCP_NODELAY on: see
receiver_tcp_nodelay) on 127.0.0.1 and two webhook subscribers pointing at it, each taking
the app and screen channels: 4 deliveries per event. Fast retries for the run:
PORTAL_WEBHOOK_BACKOFF_BASE 0.05 s, _CAP 0.5 s, _MAX_ATTEMPTS 20, _TIMEOUT 1 s.
Scenarios: no subscribers (publishes/s only, N/2 articles), a receiver failing 0 % and 30 %
of the POSTs (500 or closed connection), and a short one with 30 % failing where a third
of the failures answer after 1.5 s, past the sender's timeout.

1. Publish: N ArticlePages (app + screen + web) created as drafts in the city's `news`
   column with add_child, then save_revision().publish(). The publish writes the change
   and its deliveries in its own transaction and sends nothing: publishes/s is timed with
   the receiver up but idle (it must not matter how the receiver behaves). In the failing
   scenarios a few pages are then unpublished and published again, so those pages have
   three events waiting at once (the ordering check); `events` counts them too.
2. Drain: outbox.deliver_due() in a loop, as the worker's task does, sleeping until the
   next retry is due, until no delivery is pending. Reported: events/s and deliveries/s,
   attempts, dead letters, duplicates seen by the receiver, and per delivery the time from
   the end of its page's publish (the commit) to its acceptance by the receiver -- in this
   burst it includes waiting for the rest of the burst to be published -- and from the
   start of the drain (queueing behind the backlog).
3. One by one: a few more articles published on an empty queue, each drained at once: the
   publish → accepted time of a lone event (retries included; the worker's own wake-up
   delay is not, the bench calls deliver_due itself).
4. Checks, over everything the scenario sent: every delivered id accepted exactly once and
   nothing else accepted; no pending or dead deliveries; no bad signature; the receiver saw
   as many attempts as the outbox counted; per subscriber and page, event ids arrive in
   increasing order.

Prints a table and writes bench/results/outbox-<UTC timestamp>.json and outbox-latest.json.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import provisioning as base  # noqa: E402

log = base.log
SECRET = "bench-outbox-secret"
SUBSCRIBERS = 2
SUBSCRIBER_CHANNELS = ("app", "screen")
OUTBOX_SETTINGS = {
    "PORTAL_WEBHOOK_BACKOFF_BASE": 0.05,
    "PORTAL_WEBHOOK_BACKOFF_CAP": 0.5,
    "PORTAL_WEBHOOK_MAX_ATTEMPTS": 20,
    "PORTAL_WEBHOOK_TIMEOUT": 1.0,
}


def scenarios(args):
    """What each scenario publishes and how its receiver misbehaves."""
    out = [
        {
            "name": "no subscribers",
            "events": args.baseline_events if args.baseline_events >= 0 else args.events // 2,
            "subscribers": 0,
            "fail_share": 0.0,
            "failure_modes": (),
            "reorder_pages": 0,
            "single_events": 0,
        },
        {
            "name": "0 % failing",
            "events": args.events,
            "subscribers": SUBSCRIBERS,
            "fail_share": 0.0,
            "failure_modes": (),
            "reorder_pages": 0,
            "single_events": args.single_events,
        },
        {
            "name": "30 % failing (500, close)",
            "events": args.events,
            "subscribers": SUBSCRIBERS,
            "fail_share": 0.3,
            "failure_modes": ("500", "close"),
            "reorder_pages": args.reorder_pages,
            "single_events": args.single_events,
        },
    ]
    if args.slow_events:
        out.append(
            {
                "name": f"30 % failing (500, close, slow {args.slow_seconds:g} s)",
                "events": args.slow_events,
                "subscribers": SUBSCRIBERS,
                "fail_share": 0.3,
                "failure_modes": ("500", "close", "slow"),
                "slow_seconds": args.slow_seconds,
                "reorder_pages": min(args.reorder_pages, args.slow_events // 4),
                "single_events": min(args.single_events, 10),  # up to 2 s each
            }
        )
    return out


def percentile(sorted_values, share):
    return sorted_values[max(0, int(round(share * len(sorted_values))) - 1)]


def latency_stats(seconds):
    if not seconds:
        return None
    ms = sorted(s * 1000 for s in seconds)
    return {
        "count": len(ms),
        "median_ms": round(statistics.median(ms), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "max_ms": round(ms[-1], 1),
        "min_ms": round(ms[0], 1),
    }


# --- One scenario ----------------------------------------------------------------------


def latest_change_id(page_id):
    from kitchen.changes import ContentChange

    return (
        ContentChange.objects.filter(page_id=page_id)
        .order_by("-id")
        .values_list("id", flat=True)[0]
    )


def publish_articles(column, count, prefix):
    """Create and publish `count` articles; returns (timings, {change id: monotonic time})."""
    from content.models import ArticlePage

    create_seconds = publish_seconds = 0.0
    event_times = {}
    pages = []
    for i in range(1, count + 1):
        page = ArticlePage(
            title=f"基准测试动态第{i}篇（{prefix}）",
            slug=f"{prefix}-{i}",
            live=False,
            channel_web=True,
            channel_app=True,
            channel_screen=True,
            summary="出站队列基准测试文章。",
            body="<p>出站队列基准测试正文。</p>",
            author="基准",
        )
        start = time.perf_counter()
        column.add_child(instance=page)
        created = time.perf_counter()
        page.save_revision().publish()
        published = time.perf_counter()
        at = time.monotonic()  # committed: the deliveries exist from here on
        create_seconds += created - start
        publish_seconds += published - created
        event_times[latest_change_id(page.pk)] = at
        pages.append(page)
    return pages, create_seconds, publish_seconds, event_times


def republish(pages):
    """Unpublish and publish again: three events per page waiting at once."""
    from content.models import ArticlePage

    event_times = {}
    for page in pages:
        page = ArticlePage.objects.get(pk=page.pk)
        page.unpublish()
        event_times[latest_change_id(page.pk)] = time.monotonic()
        page.save_revision().publish()
        event_times[latest_change_id(page.pk)] = time.monotonic()
    return event_times


def drain(timeout):
    """deliver_due() until nothing is pending (or timeout); sleeps until the next retry."""
    from django.utils import timezone

    from kitchen import outbox
    from kitchen.outbox import Delivery

    start = time.monotonic()
    rounds = sleeps = 0
    while True:
        rounds += 1
        outbox.deliver_due()
        due = outbox.next_due_at()
        if due is None:
            break
        if time.monotonic() - start > timeout:
            break
        wait = (due - timezone.now()).total_seconds()
        if wait > 0:
            sleeps += 1
            time.sleep(min(wait, 0.05))
    seconds = time.monotonic() - start
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING).count()
    return start, seconds, rounds, sleeps, pending


def check_order(arrivals, subscriber_of):
    """Per subscriber and page: event ids never go back (strictly up per channel)."""
    last_event = {}
    last_channel_event = {}
    problems = []
    for delivery_id, event_id, page_id, channel, _at in arrivals:
        subscriber = subscriber_of.get(delivery_id)
        key = (subscriber, page_id)
        if last_event.get(key, -1) > event_id:
            problems.append((subscriber, page_id, last_event[key], event_id))
        last_event[key] = max(last_event.get(key, -1), event_id)
        ckey = (subscriber, page_id, channel)
        if last_channel_event.get(ckey, -1) >= event_id:
            problems.append((subscriber, page_id, channel, last_channel_event[ckey], event_id))
        last_channel_event[ckey] = event_id
    return problems


def run_scenario(spec, index, args, base_db, work_dir):
    from django.db.models import Sum
    from wagtail.models import Page

    from kitchen.devtools.webhook_receiver import WebhookReceiver
    from kitchen.outbox import Delivery, WebhookSubscriber
    from portal.models import PortalHomePage
    from sites.models import ColumnPage

    db = work_dir / f"scenario-{index}.sqlite3"
    shutil.copy(base_db, db)
    base.use_database(db)
    home = PortalHomePage.objects.get()
    column = ColumnPage.objects.get(slug="news", depth=home.depth + 1)
    result = {
        "scenario": spec["name"],
        **{k: list(v) if isinstance(v, tuple) else v for k, v in spec.items() if k != "name"},
    }
    log(f"{spec['name']}: publishing {spec['events']} articles")

    receiver = None
    if spec["subscribers"]:
        receiver = WebhookReceiver(
            SECRET,
            fail_share=spec["fail_share"],
            failure_modes=spec["failure_modes"] or ("500",),
            seed=args.seed + index,
            slow_seconds=spec.get("slow_seconds", 2.0),
        ).start()
        for n in range(1, spec["subscribers"] + 1):
            WebhookSubscriber.objects.create(
                name=f"基准订阅方 {n}",
                url=receiver.url,
                secret=SECRET,
                channel_web="web" in SUBSCRIBER_CHANNELS,
                channel_app="app" in SUBSCRIBER_CHANNELS,
                channel_screen="screen" in SUBSCRIBER_CHANNELS,
            )
    try:
        pages, create_s, publish_s, event_times = publish_articles(
            column, spec["events"], f"s{index}"
        )
        publish_events = len(event_times)
        result.update(
            publish_seconds=round(publish_s, 3),
            create_seconds=round(create_s, 3),
            publish_per_s=round(spec["events"] / publish_s, 1) if publish_s else None,
            create_and_publish_per_s=round(spec["events"] / (create_s + publish_s), 1)
            if publish_s
            else None,
        )
        if spec["reorder_pages"]:
            event_times.update(republish(pages[: spec["reorder_pages"]]))
        result["events_total"] = len(event_times)
        result["deliveries"] = Delivery.objects.count()
        result["tree_ok"] = Page.objects.get(pk=column.pk).numchild == column.get_children().count()
        log(
            f"  {publish_events} publishes in {publish_s:.1f}s ({result['publish_per_s']}/s), "
            f"{result['events_total']} events, {result['deliveries']} deliveries"
        )
        if receiver is None:
            return result

        if receiver.attempts:
            raise RuntimeError(f"the receiver was called during publishing: {receiver.attempts}")
        drain_start, drain_s, rounds, sleeps, pending = drain(args.drain_timeout)
        burst_arrivals = list(receiver.arrivals)
        burst_attempts = Delivery.objects.aggregate(n=Sum("attempts"))["n"] or 0
        burst_dead = Delivery.objects.filter(status=Delivery.Status.DEAD).count()
        burst_delivered = len(burst_arrivals)
        from_publish = [a[4] - event_times[a[1]] for a in burst_arrivals]
        from_drain = [a[4] - max(event_times[a[1]], drain_start) for a in burst_arrivals]
        last_accept = max((a[4] for a in burst_arrivals), default=drain_start)
        result.update(
            delivered=burst_delivered,
            dead=burst_dead,
            pending_left=pending,
            attempts=burst_attempts,
            retries=burst_attempts - result["deliveries"],
            duplicates=receiver.duplicates,
            drain_seconds=round(drain_s, 3),
            drain_rounds=rounds,
            drain_sleeps=sleeps,
            delivered_per_s=round(burst_delivered / drain_s, 1) if drain_s else None,
            events_per_s=round(result["events_total"] / (last_accept - drain_start), 1)
            if last_accept > drain_start
            else None,
            latency_from_publish=latency_stats(from_publish),
            latency_from_drain_start=latency_stats(from_drain),
        )
        lat = result["latency_from_publish"] or {}
        log(
            f"  drained {burst_delivered} in {drain_s:.1f}s ({result['delivered_per_s']}/s), "
            f"{burst_attempts} attempts, {burst_dead} dead, latency median "
            f"{lat.get('median_ms')} ms, p95 {lat.get('p95_ms')} ms"
        )

        # One event at a time on an empty queue: the publish → delivery time of a lone event.
        seen = len(receiver.arrivals)
        for i in range(1, spec["single_events"] + 1):
            _pages, _c, _p, times = publish_articles(column, 1, f"s{index}-one-{i}")
            event_times.update(times)
            drain(args.drain_timeout)
        single = list(receiver.arrivals)[seen:]
        result["single_latency"] = latency_stats([a[4] - event_times[a[1]] for a in single])
        if spec["single_events"]:
            log(f"  {spec['single_events']} single events: latency {result['single_latency']}")

        # Checks over everything the scenario sent.
        rows = list(Delivery.objects.values_list("id", "status", "attempts", "subscriber_id"))
        delivered_ids = {str(r[0]) for r in rows if r[1] == Delivery.Status.DELIVERED}
        subscriber_of = {str(r[0]): r[3] for r in rows}
        arrivals = list(receiver.arrivals)
        accepted_ids = [a[0] for a in arrivals]
        outcomes = {}
        for attempt in receiver.attempts:
            outcomes[attempt["outcome"]] = outcomes.get(attempt["outcome"], 0) + 1
        order_problems = check_order(arrivals, subscriber_of)
        events = len(event_times)
        expected = events * spec["subscribers"] * len(SUBSCRIBER_CHANNELS)
        checks = {
            "deliveries_as_expected": len(rows) == expected,
            "none_pending": not any(r[1] == Delivery.Status.PENDING for r in rows),
            "none_dead": not any(r[1] == Delivery.Status.DEAD for r in rows),
            "accepted_equals_delivered": set(accepted_ids) == delivered_ids,
            "accepted_once": len(accepted_ids) == len(set(accepted_ids))
            and receiver.duplicates == 0,
            "no_bad_signatures": receiver.bad_signatures == 0,
            "attempts_match_receiver": sum(r[2] for r in rows) == len(receiver.attempts),
            "events_in_order": not order_problems,
            "tree_ok": result["tree_ok"],
        }
        result.update(
            checked_events=events,
            checked_deliveries=len(rows),
            expected_deliveries=expected,
            receiver_attempts=len(receiver.attempts),
            receiver_outcomes=outcomes,
            bad_signatures=receiver.bad_signatures,
            order_problems=order_problems[:20],
            checks=checks,
            correct=all(checks.values()),
        )
        log(f"  checks: {'OK' if result['correct'] else checks}")
        return result
    finally:
        if receiver is not None:
            receiver.stop()
        base.close_database()


# --- Report ----------------------------------------------------------------------------


def print_report(report):
    rows = report.get("scenarios", [])
    if rows:

        def lat(r, key, field):
            stats = r.get(key) or {}
            return f"{stats[field]:.0f}" if field in stats else "-"

        base.table(
            f"Outbox: {SUBSCRIBERS} subscribers × {'+'.join(SUBSCRIBER_CHANNELS)} on one local "
            f"receiver (latency: end of publish → accepted; drain: from the start of the drain)",
            [
                "scenario",
                "events",
                "deliveries",
                "publish/s",
                "events/s",
                "delivered/s",
                "drain s",
                "attempts",
                "dead",
                "dup",
                "median ms",
                "p95 ms",
                "max ms",
                "drain p95 ms",
                "1-by-1 p50/p95 ms",
                "correct",
            ],
            [
                [
                    r["scenario"],
                    r.get("events_total", r["events"]),
                    r.get("deliveries", "-"),
                    r.get("publish_per_s", "-"),
                    r.get("events_per_s", "-"),
                    r.get("delivered_per_s", "-"),
                    r.get("drain_seconds", "-"),
                    r.get("attempts", "-"),
                    r.get("dead", "-"),
                    r.get("duplicates", "-"),
                    lat(r, "latency_from_publish", "median_ms"),
                    lat(r, "latency_from_publish", "p95_ms"),
                    lat(r, "latency_from_publish", "max_ms"),
                    lat(r, "latency_from_drain_start", "p95_ms"),
                    f"{lat(r, 'single_latency', 'median_ms')}/{lat(r, 'single_latency', 'p95_ms')}",
                    ("OK" if r["correct"] else "FAILED") if "correct" in r else "-",
                ]
                for r in rows
            ],
        )
        for r in rows:
            failed = [name for name, ok in (r.get("checks") or {}).items() if not ok]
            if failed:
                print(f"  {r['scenario']}: failed checks {failed}; {r.get('order_problems')}")
            if r.get("receiver_outcomes"):
                print(f"  {r['scenario']}: receiver saw {r['receiver_outcomes']}")
    env = report["environment"]
    print(
        f"\n{env['cpus']} CPUs, Python {env['python']}, SQLite {env['sqlite']}, "
        f"commit {env['git_commit']}; load average start {report['load_average']['start']}, "
        f"end {report['load_average'].get('end')}; total {report.get('total_seconds', 0):.0f}s"
    )
    if report["errors"]:
        print("\nErrors:")
        for e in report["errors"]:
            print(e)


def receiver_tcp_nodelay(as_is):
    """The test receiver answers with two writes (headers, then body); without TCP_NODELAY
    each answer waits out the client's delayed ACK (~40 ms on Linux) and the bench would
    measure that instead of the outbox. Real receivers (nginx, gunicorn, …) set it."""
    from kitchen.devtools import webhook_receiver

    stock = bool(getattr(webhook_receiver._Handler, "disable_nagle_algorithm", False))
    if not stock and not as_is:
        webhook_receiver._Handler.disable_nagle_algorithm = True
    used = bool(getattr(webhook_receiver._Handler, "disable_nagle_algorithm", False))
    log(f"receiver TCP_NODELAY: stock {stock}, used {used}")
    return {"stock": stock, "used": used}


def loadavg():
    return [round(x, 2) for x in os.getloadavg()]


# --- Main ------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500, help="articles per scenario")
    parser.add_argument(
        "--baseline-events",
        type=int,
        default=-1,
        help="articles published without subscribers, for publishes/s (default: events / 2)",
    )
    parser.add_argument(
        "--slow-events",
        type=int,
        default=40,
        help="articles in the scenario with a slow receiver (0: skip it)",
    )
    parser.add_argument("--slow-seconds", type=float, default=1.5)
    parser.add_argument(
        "--reorder-pages",
        type=int,
        default=20,
        help="pages unpublished and published again in the failing scenarios",
    )
    parser.add_argument("--drain-timeout", type=float, default=120.0, help="seconds")
    parser.add_argument(
        "--single-events",
        type=int,
        default=20,
        help="articles published one at a time on an empty queue, each drained at once "
        "(at most 10 with the slow receiver)",
    )
    parser.add_argument(
        "--receiver-as-is",
        action="store_true",
        help="leave Nagle's algorithm on in the test receiver (~40 ms per answer)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def main():
    args = parse_args()
    work_dir = Path(tempfile.mkdtemp(prefix="portal-bench-outbox-"))
    base.configure_environment(work_dir)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import override_settings

    report = {
        **common.report_head("outbox", args),
        "settings": {
            **OUTBOX_SETTINGS,
            "PORTAL_WEBHOOK_CONCURRENCY": None,
            "subscribers": SUBSCRIBERS,
            "subscriber_channels": list(SUBSCRIBER_CHANNELS),
        },
        "scenarios": [],
        "errors": [],
        "load_average": {"start": loadavg()},
    }
    log(f"work dir {work_dir}; load average {report['load_average']['start']}")
    try:
        start = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        home, _ = base.setup_portal()
        log(f"migrate + portal home {home.title}: {time.perf_counter() - start:.1f}s")
        base.close_database()
        base_db = work_dir / "db.sqlite3"
        report["receiver_tcp_nodelay"] = receiver_tcp_nodelay(args.receiver_as_is)
        with override_settings(**OUTBOX_SETTINGS):
            from django.conf import settings

            report["settings"]["PORTAL_WEBHOOK_CONCURRENCY"] = getattr(
                settings, "PORTAL_WEBHOOK_CONCURRENCY", 8
            )
            for index, spec in enumerate(scenarios(args)):
                result = run_scenario(spec, index, args, base_db, work_dir)
                report["scenarios"].append(result)
                if result.get("correct") is False:
                    report["errors"].append(f"{spec['name']}: checks failed {result['checks']}")
        rates = [r["publish_per_s"] for r in report["scenarios"] if r.get("publish_per_s")]
        report["publish_per_s_spread"] = round(max(rates) / min(rates), 2) if rates else None
    except Exception:
        report["errors"].append(traceback.format_exc())
        log("FAILED:\n" + traceback.format_exc())
    finally:
        report["load_average"]["end"] = loadavg()
        common.finish_report(report, "outbox", print_report, work_dir, args.keep, base._t0)
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
