"""Lighthouse scores (accessibility, best practices, SEO; mobile preset) of the demo's city
home, a branch home and a directive page. Not a test: a look at what lowers them.

Needs the demo served (`make run`, or `manage.py runserver` after `load_demo`) and the npm
package `lighthouse` installed outside the repository, e.g.
`npm install --prefix ~/lh lighthouse`, then:

    make lighthouse LIGHTHOUSE_ARGS="--lighthouse ~/lh/node_modules/.bin/lighthouse"
    .venv/bin/python bench/lighthouse.py --base http://127.0.0.1:8102 --branch donghu-hp-yh-d1

Chromium is Debian's (/usr/bin/chromium), headless. Prints a table of the scores and of
every audit that cost points, and writes bench/results/lighthouse-<UTC timestamp>.json
and lighthouse-latest.json (each page's scores and failing audits; the full Lighthouse
reports stay in a temporary folder with --keep).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

CATEGORIES = ["accessibility", "best-practices", "seo"]
DEFAULT_BRANCH = "donghu-hp-yh-d1"  # the demo's first branch (sites/demo.py)
DIRECTIVE_PATH = "/topics/central/demo-central-1/"  # the demo's first central directive


def pages(base, branch):
    parts = urlsplit(base)
    branch_host = f"{branch}.{parts.hostname if parts.hostname != '127.0.0.1' else 'localhost'}"
    if parts.port:
        branch_host += f":{parts.port}"
    return [
        ("city home", base.rstrip("/") + "/"),
        ("branch home", urlunsplit((parts.scheme, branch_host, "/", "", ""))),
        ("directive", base.rstrip("/") + DIRECTIVE_PATH),
    ]


def run_lighthouse(binary, chrome, url, out):
    command = [
        binary,
        url,
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox",
        "--quiet",
    ]
    done = subprocess.run(
        command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True
    )
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr.strip()[-1000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


def summarise(result):
    scores = {name: round(100 * (result["categories"][name]["score"] or 0)) for name in CATEGORIES}
    failing = []
    for name in CATEGORIES:
        for ref in result["categories"][name]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.append({"category": name, "id": ref["id"], "title": audit["title"]})
    return {"scores": scores, "failing": failing}


def print_report(report):
    print(f"\n{'page':<14}" + "".join(f"{name:>16}" for name in CATEGORIES) + "  url")
    for page in report["pages"]:
        if "error" in page:
            print(f"{page['name']:<14}  {page['error']}")
            continue
        row = "".join(f"{page['scores'][name]:>16}" for name in CATEGORIES)
        print(f"{page['name']:<14}{row}  {page['url']}")
    for page in report["pages"]:
        for audit in page.get("failing", []):
            print(f"  {page['name']}: [{audit['category']}] {audit['id']} — {audit['title']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the served demo")
    parser.add_argument("--branch", default=DEFAULT_BRANCH, help="a branch's code")
    parser.add_argument(
        "--lighthouse",
        default=os.environ.get("LIGHTHOUSE") or shutil.which("lighthouse") or "lighthouse",
        help="the lighthouse command (npm package, installed outside the repository)",
    )
    parser.add_argument("--chrome", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--keep", action="store_true", help="keep the full reports")
    args = parser.parse_args()
    t0 = time.perf_counter()
    work_dir = Path(tempfile.mkdtemp(prefix="portal-lighthouse-"))
    report = common.report_head("lighthouse", args)
    report["pages"] = []
    for name, url in pages(args.base, args.branch):
        entry = {"name": name, "url": url}
        try:
            result = run_lighthouse(args.lighthouse, args.chrome, url, work_dir / f"{name}.json")
            entry.update(summarise(result), lighthouse=result.get("lighthouseVersion"))
        except (RuntimeError, OSError, KeyError, ValueError) as error:
            entry["error"] = str(error)
        report["pages"].append(entry)
    common.finish_report(report, "lighthouse", print_report, work_dir, args.keep, t0)
    return 0 if all("error" not in page for page in report["pages"]) else 1


if __name__ == "__main__":
    sys.exit(main())
