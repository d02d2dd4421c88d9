"""Time the "Try it yourself" judge in Chromium: the first Run from a cold cache, and later Runs.

For each cold run, a new browser context (empty HTTP cache) opens the R2-5 page of a built site served as a static
host serves it (scripts/audit.py's gzip server), types a right solution into the ``max_subarray_sum`` panel and
presses Run tests: the time from the click to the verdict on screen includes downloading Pyodide from the site,
starting it in a Web Worker, loading examples/algorithms and judging every case. Then ``--warm`` more Runs in the
same page (Python already started) are timed the same way. Also reports the size of the vendored runtime
(docs/assets/vendor/pyodide), raw and gzip-compressed (level 6, as the server compresses).

    python -m benchmarks.judge_timing SITE_DIR            # 5 cold runs, 10 warm runs each
    python -m benchmarks.judge_timing SITE_DIR --cold 3 --warm 5

Writes ``benchmarks/results/judge_timing.json`` (medians with min and max, and the machine's load average).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path

from benchmarks.chromium import chromium_on, summary
from tests.algorithms.judge_solutions import RIGHT

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "judge_timing.json"
RUNTIME = ROOT / "docs" / "assets" / "vendor" / "pyodide"
PAGE = "/round-2/r2-05-maximum-subarray/"
NAME = "max_subarray_sum"
NOTE = (
    "Wall-clock seconds from the click on Run tests to the verdict on screen, headless Chromium, on a machine "
    "shared with other jobs (see cpus and load_average)."
)


def runtime_size() -> dict[str, int]:
    """Bytes of the vendored Pyodide files, raw and gzip-compressed."""
    files = [path for path in RUNTIME.iterdir() if path.is_file() and not path.name.startswith(".")]
    raw = sum(path.stat().st_size for path in files)
    packed = sum(len(gzip.compress(path.read_bytes(), compresslevel=6)) for path in files)
    return {"files": len(files), "raw_bytes": raw, "gzip_bytes": packed}


def timed_run(page, source: str) -> float:
    """Type ``source`` into the panel, press Run tests and return the seconds until the verdict shows."""
    panel = page.locator(f"details.judge[data-judge='{NAME}']")
    if not panel.evaluate("p => p.open"):
        panel.locator("summary").click()
    panel.locator(".judge-code").fill(source)
    result = panel.locator(".judge-result")
    result.evaluate("region => region.replaceChildren()")
    start = time.perf_counter()
    panel.locator(".judge-run").click()
    result.locator(".judge-passed").wait_for(timeout=180_000)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site (mkdocs build --site-dir)")
    parser.add_argument("--cold", type=int, default=5, help="first Runs, each in a new browser context")
    parser.add_argument("--warm", type=int, default=10, help="later Runs after each first one")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    source = next(s for s in RIGHT if s.name == NAME).source.lstrip("\n")
    cold: list[float] = []
    warm: list[float] = []
    loads: list[float] = []
    with chromium_on(args.site) as (browser, url):
        for _ in range(args.cold):
            context = browser.new_context()
            page = context.new_page()
            page.goto(url + PAGE, wait_until="networkidle")
            loads.append(os.getloadavg()[0])
            cold.append(timed_run(page, source))
            warm.extend(timed_run(page, source) for _ in range(args.warm))
            context.close()
    results = {
        "note": NOTE,
        "page": PAGE,
        "panel": NAME,
        "cpus": os.cpu_count(),
        "load_average": [round(value, 2) for value in loads],
        "runtime": runtime_size(),
        "first_run_seconds": summary(cold),
        "later_run_seconds": summary(warm),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
