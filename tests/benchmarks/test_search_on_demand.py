"""benchmarks/search_on_demand.py: its CPU accounting, its two ways, and the README quoting the committed results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks import search_on_demand

ROOT = Path(__file__).resolve().parents[2]
BUSY = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\n"


def test_cpu_of_the_processes_under_a_root_counts_what_running_children_reaped() -> None:
    before = search_on_demand.tree_cpu_seconds(os.getpid())
    shell = subprocess.Popen(["sh", "-c", f"{sys.executable} -c '{BUSY}'; sleep 30"])  # sh reaps python, then waits
    try:
        for _ in range(200):
            if search_on_demand.tree_cpu_seconds(os.getpid()) - before >= 0.3:
                break
            subprocess.run(["sleep", "0.05"], check=True)
        assert search_on_demand.tree_cpu_seconds(os.getpid()) - before >= 0.3
    finally:
        shell.kill()
        shell.wait()


def test_both_ways_run_the_same_pages_of_both_editions() -> None:
    assert set(search_on_demand.WAYS) == {"on_demand", "at_load"}
    assert any(path.startswith("zh/") for path in search_on_demand.PAGES)
    assert any(not path.startswith("zh/") for path in search_on_demand.PAGES)


def test_readme_states_the_committed_figures() -> None:
    results = json.loads(search_on_demand.RESULTS.read_text(encoding="utf-8"))
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    cpu, first = results["cpu_seconds_per_page_view"], results["first_results_seconds"]
    for way in search_on_demand.WAYS:
        assert f"{cpu[way]['median']:.2f} CPU-s" in readme, way
        assert f"{first[way]['median']:.2f} s" in readme, way
    assert f"ratio {results['on_demand_over_at_load']['median']:.2f}" in readme
    assert f"{results['stay_seconds']:g} s on each" in readme
    assert f"median of {results['on_demand_over_at_load']['runs']} rounds" in readme
    assert f"({len(results['pages'])} pages of both editions" in readme
    assert f"; {results['cpus']} CPUs)" in readme
