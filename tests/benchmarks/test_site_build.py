"""benchmarks/site_build.py: its summaries, and the README quoting the committed results as they are."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from benchmarks import site_build

ROOT = Path(__file__).resolve().parents[2]
METRICS = site_build.METRICS


def test_summary_gives_median_and_spread() -> None:
    assert site_build.summary([3.0, 1.0, 2.0, 10.0]) == {
        "median": 2.5, "min": 1.0, "max": 10.0, "runs": [3.0, 1.0, 2.0, 10.0]
    }
    assert site_build.summary([]) is None


def test_report_compares_the_medians() -> None:
    def tree(name: str, seconds: float):
        return SimpleNamespace(
            name=name, revision=name, editions=True, cold=[seconds], cold_en=[seconds], warm=[seconds],
            edit=[seconds], edit_zh=[seconds],
        )

    results = site_build.report([tree("before", 4.0), tree("after", 1.0)], cold_runs=1, edits=1)
    assert results["after_over_before"] == dict.fromkeys(METRICS, 0.25)


def quoted(figures: dict) -> str:
    return f"{figures['median']:.1f} s ({figures['min']:.1f}–{figures['max']:.1f})"


def test_readme_states_the_committed_figures() -> None:
    results = json.loads(site_build.RESULTS.read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for metric in METRICS:
        for tree in ("before", "after"):
            if results[tree][metric]:  # (the Chinese edition's edits have no "before")
                assert quoted(results[tree][metric]) in readme, (tree, metric)
