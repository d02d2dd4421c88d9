"""What search on demand saves: Chromium's CPU time for page views in which nobody searches, and what it costs:
the wait for the first results.

Two ways of loading a page of a built site, alternating in one run (the machine is shared, so only ratios measured
side by side count):

- ``on_demand``: as the site ships (docs/assets/javascripts/workers/search-on-demand.js): the index is downloaded
  once the page has loaded and built when the reader goes to the search box;
- ``at_load``: Material's own behaviour, every page view downloads the index while it loads and builds it; the site's
  fallback for browsers without ``BroadcastChannel``, made here by removing it before the page's scripts run.

For each round and way: a new browser context reads the same pages of both editions, staying ``--stay`` seconds on
each without searching, and the CPU seconds of the whole browser (every Chromium process and Playwright's driver) are
taken from /proc (Linux). Then, on one more page after the same stay, the seconds from the click into the search box
to the first result of a query typed at once.

    python -m benchmarks.search_on_demand SITE_DIR            # 5 rounds
    python -m benchmarks.search_on_demand SITE_DIR --rounds 3

Writes ``benchmarks/results/search_on_demand.json`` (medians with min and max, and the machine's load average).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from benchmarks.chromium import chromium_on, processes_under, summary

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "search_on_demand.json"
PAGES = [
    "", "interview/", "round-1/r1-09-lora/", "round-2/r2-04-multi-head-attention/",
    "zh/", "zh/interview/", "zh/round-1/r1-09-lora/", "zh/round-2/r2-04-multi-head-attention/",
]
SEARCH_PAGE, QUERY = "round-1/r1-02-vision-tokens/", "low rank"
WAYS = {"on_demand": None, "at_load": "delete window.BroadcastChannel"}  # script run before the page's own
NOTE = (
    "CPU seconds of headless Chromium per page view with no search (page loaded, then --stay seconds on it), and "
    "wall-clock seconds from the click into the search box to the first result of a query typed at once, on a "
    "machine shared with other jobs (see cpus and load_average)."
)


def tree_cpu_seconds(root: int) -> float:
    """CPU seconds used by the processes under ``root`` (not itself) still running, and by the ones they reaped."""
    # utime and stime, then the reaped children's cutime and cstime
    ticks = sum(sum(int(value) for value in fields[11:15]) for fields in processes_under(root).values())
    return ticks / os.sysconf("SC_CLK_TCK")


def first_results_seconds(page) -> float:
    """Click into the search box, type :data:`QUERY` and return the seconds until its first result shows."""
    box = page.locator("input.md-search__input")
    start = time.perf_counter()
    box.click()
    box.press_sequentially(QUERY)
    page.locator("li.md-search-result__item").first.wait_for()
    return time.perf_counter() - start


def measure(browser, url: str, way: str, stay: float) -> tuple[float, float]:
    """One round of one way: CPU seconds per page view of :data:`PAGES`, and the seconds to the first results."""
    context = browser.new_context()
    if WAYS[way]:
        context.add_init_script(WAYS[way])
    page = context.new_page()
    page.goto(url + "/404.html")  # the browser's processes are up before the count starts
    before = tree_cpu_seconds(os.getpid())
    for path in PAGES:
        page.goto(url + "/" + path)
        page.wait_for_timeout(stay * 1000)
    per_view = (tree_cpu_seconds(os.getpid()) - before) / len(PAGES)
    page.goto(url + "/" + SEARCH_PAGE)
    page.wait_for_timeout(stay * 1000)
    wait = first_results_seconds(page)
    context.close()
    return per_view, wait


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="a built site (mkdocs build --site-dir)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, each way once per round")
    parser.add_argument("--stay", type=float, default=3.0, help="seconds on each page")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    cpu: dict[str, list[float]] = {way: [] for way in WAYS}
    first: dict[str, list[float]] = {way: [] for way in WAYS}
    loads: list[float] = []
    with chromium_on(args.site) as (browser, url):
        for _ in range(args.rounds):
            for way in WAYS:
                loads.append(os.getloadavg()[0])
                per_view, wait = measure(browser, url, way, args.stay)
                cpu[way].append(per_view)
                first[way].append(wait)
    ratios = [on / at for on, at in zip(cpu["on_demand"], cpu["at_load"])]
    results = {
        "note": NOTE,
        "pages": PAGES,
        "stay_seconds": args.stay,
        "query": {"page": SEARCH_PAGE, "text": QUERY},
        "cpus": os.cpu_count(),
        "load_average": [round(value, 2) for value in loads],
        "cpu_seconds_per_page_view": {way: summary(values) for way, values in cpu.items()},
        "on_demand_over_at_load": summary(ratios),
        "first_results_seconds": {way: summary(values) for way, values in first.items()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
