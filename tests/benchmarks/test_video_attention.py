"""A tiny run of the benchmark script, so that `make bench` keeps working."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from benchmarks import video_attention

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--frames", "4", "--height", "8", "--width", "8", "--heads", "1", "--head-dim", "8", "--repeats", "1"]


def test_quick_sweep_is_small(tmp_path):
    out = tmp_path / "quick.json"
    results = video_attention.main(["--quick", "--no-plots", "--no-memory", "--out", str(out)])
    config = results["config"]
    assert config["frames"] == list(video_attention.QUICK_FRAMES)
    assert (config["height"], config["width"]) == (video_attention.QUICK_PATCHES,) * 2
    assert config["repeats"] == video_attention.QUICK_REPEATS
    assert all(len(row["times_s"]) == video_attention.QUICK_REPEATS for row in results["rows"])


def test_tiny_sweep_writes_results_and_plots(tmp_path):
    out, plots = tmp_path / "results.json", tmp_path / "plots"
    results = video_attention.main([*TINY, "--out", str(out), "--plots-dir", str(plots), "--note", "tiny"])
    saved = json.loads(out.read_text())
    assert saved == json.loads(json.dumps(results))
    assert saved["metadata"]["note"] == "tiny"
    assert saved["metadata"]["torch_threads"] == 1
    assert {row["pattern"] for row in saved["rows"]} == set(video_attention.LABELS)
    for name in ("video_attention_time.svg", "video_attention_memory.svg"):
        svg = (plots / name).read_text()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
        (plots / name).unlink()
    video_attention.main(["--plot-only", "--out", str(out), "--plots-dir", str(plots)])  # redraw from the file
    assert (plots / "video_attention_time.svg").is_file() and (plots / "video_attention_memory.svg").is_file()


def test_runs_as_a_script(tmp_path):
    out = tmp_path / "r.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "video_attention.py"), *TINY, "--no-plots", "--no-memory", "--out", str(out)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["rows"][0]["peak_bytes"] is None


def test_plotted_times_are_per_round_ratios_to_full_attention():
    results = {
        "patterns": ["full", "window"],
        "rows": [
            {"pattern": "full", "frames": 4, "tokens": 256, "time_s": 2.0, "times_s": [1.0, 2.0, 8.0], "peak_bytes": 10},
            {"pattern": "window", "frames": 4, "tokens": 256, "time_s": 0.5, "times_s": [0.1, 0.5, 0.8], "peak_bytes": 4},
        ],
    }
    assert video_attention.series(results, "full", "time_s") == ([256], [1.0], [1.0], [1.0])
    tokens, values, low, high = video_attention.series(results, "window", "time_s")
    assert tokens == [256] and values == [0.1] and low[0] <= values[0] <= high[0]  # ratios 0.1, 0.25, 0.1
    assert video_attention.series(results, "window", "peak_bytes") == ([256], [4], [4], [4])
