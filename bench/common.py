"""Shared by the benchmarks: where the results go and how a run's report is finished.

Every bench writes bench/results/<name>-<UTC timestamp>.json and <name>-latest.json
(ignored by git), prints its tables, then removes its temporary directory unless --keep.
"""

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


def git(*args):
    """What `git <args>` prints in the project folder ("" when git fails)."""
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout


def environment_info():
    import django
    import wagtail

    try:
        commit = git("rev-parse", "--short", "HEAD").strip()
        dirty = [
            line[3:]
            for line in git("status", "--short", "--untracked-files=no").split("\n")
            if line.strip()
        ]
    except OSError:
        commit, dirty = "", []
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "sqlite": __import__("sqlite3").sqlite_version,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "git_commit": commit,
        "git_modified_files": dirty,
    }


def report_head(name, args):
    """What every run's report starts with: the benchmark, when it started, the machine
    and code it ran on, and its arguments."""
    return {
        "benchmark": name,
        "started_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "environment": environment_info(),
        "args": vars(args),
    }


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
