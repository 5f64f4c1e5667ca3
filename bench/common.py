"""Shared by the benchmarks: where the results go and how a run's report is finished.

Every bench writes bench/results/<name>-<UTC timestamp>.json and <name>-latest.json
(ignored by git), prints its tables, then removes its temporary directory unless --keep.
"""

import json
import resource
import shutil
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


def p50_p95(times_ms):
    """Median and 95th percentile (the nearest rank below) of timings in milliseconds."""
    times = sorted(times_ms)
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
    }


def write_results(name, report):
    """Write the report as <name>-<stamp>.json and <name>-latest.json; return the first."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"{name}-{stamp}.json"
    text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
    path.write_text(text + "\n", encoding="utf-8")
    (RESULTS_DIR / f"{name}-latest.json").write_text(text + "\n", encoding="utf-8")
    return path


def finish_report(report, name, print_report, work_dir, keep, t0):
    """The end of every run, failed or not: totals, tables, JSON, clean-up."""
    report["finished_utc"] = datetime.now(UTC).isoformat(timespec="seconds")
    report["total_seconds"] = round(time.perf_counter() - t0, 1)
    report["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print_report(report)
    path = write_results(name, report)
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"\nJSON: {shown} (and {name}-latest.json)")
    if keep:
        print(f"kept {work_dir}")
    else:
        shutil.rmtree(work_dir, ignore_errors=True)
    return path
