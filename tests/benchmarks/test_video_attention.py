"""A tiny run of the benchmark script, so that `make bench` keeps working; the committed plots of both editions
are what the plotting code draws from the committed results."""

from __future__ import annotations

import inspect
import json
import logging
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from benchmarks import video_attention, video_results
from tests.docs.test_glossary import GLOSSARY, glossary_terms, rejected_uses
from tests.docs.test_zh_figures import CJK, SVG, font_families, site_cjk_fonts

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--frames", "4", "--height", "8", "--width", "8", "--heads", "1", "--head-dim", "8", "--repeats", "1"]
PLOT_NAMES = [f"video_attention_{metric}{suffix}.svg" for suffix in ("", "_zh") for metric in ("time", "memory")]


def test_runs_as_a_script_and_quick_is_small(tmp_path):
    out = tmp_path / "quick.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "video_attention.py"), "--quick", "--no-plots", "--no-memory",
         "--out", str(out)],
        capture_output=True, text=True, check=False, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())
    config = results["config"]
    assert config["frames"] == list(video_attention.QUICK_FRAMES)
    assert (config["height"], config["width"]) == (video_attention.QUICK_PATCHES,) * 2
    assert config["repeats"] == video_attention.QUICK_REPEATS
    assert all(len(row["times_s"]) == video_attention.QUICK_REPEATS for row in results["rows"])
    assert all(row["peak_bytes"] is None for row in results["rows"])


def test_tiny_sweep_writes_results_and_plots(tmp_path):
    out, plots = tmp_path / "results.json", tmp_path / "plots"
    results = video_attention.main([*TINY, "--out", str(out), "--plots-dir", str(plots), "--note", "tiny"])
    saved = json.loads(out.read_text())
    assert saved == json.loads(json.dumps(results))
    assert saved["metadata"]["note"] == "tiny"
    assert saved["metadata"]["torch_threads"] == 1
    assert {row["pattern"] for row in saved["rows"]} == set(video_attention.LABELS)
    assert any(row["peak_bytes"] for row in saved["rows"])
    for name in PLOT_NAMES:
        svg = (plots / name).read_text()
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg


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


def test_committed_plots_are_what_plot_only_draws_from_the_committed_results(tmp_path, caplog):
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        video_attention.main(["--plot-only", "--out", str(video_results.RESULTS_FILE), "--plots-dir", str(tmp_path)])
    assert [str(warning.message) for warning in caught] == []  # e.g. a glyph missing from the fonts: none
    assert [record.getMessage() for record in caplog.records] == []
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(PLOT_NAMES)
    for name in PLOT_NAMES:
        committed = video_attention.PLOTS / name
        assert committed.read_bytes() == (tmp_path / name).read_bytes(), (
            f"{committed.relative_to(ROOT)} differs from what the code draws from the committed results; "
            "run `python -m benchmarks.video_attention --plot-only`"
        )


def test_every_pattern_has_a_chinese_label_in_the_glossarys_terms():
    text = video_attention.CHINESE
    assert set(text.labels) == set(video_attention.LABELS)
    wording = [*text.labels.values(), text.x_label, text.time_y_label, text.memory_y_label]
    wording += [text.time_title, text.memory_title]
    found = rejected_uses("\n".join(wording), glossary_terms(GLOSSARY.read_text(encoding="utf-8")))
    assert not found, f"renderings the glossary rejects: {found}"


def test_plotting_code_holds_no_wording():
    for function in (video_attention.plot, video_attention._draw):
        source = inspect.getsource(function)
        assert not CJK.search(source), f"{function.__name__} holds Chinese text"
        english = [label for label in video_attention.LABELS.values() if label in source]
        assert not english, f"{function.__name__} holds English text: {english}"


@pytest.mark.parametrize("name", [name for name in PLOT_NAMES if name.endswith("_zh.svg")])
def test_chinese_plot_keeps_its_text_as_text_in_the_site_fonts(name):
    svg = (video_attention.PLOTS / name).read_text(encoding="utf-8")
    assert 'id="DejaVuSans-' not in svg, "text drawn as glyph outlines"
    texts = [element for element in ET.fromstring(svg).iter(SVG + "text") if CJK.search("".join(element.itertext()))]
    drawn = {"".join(element.itertext()) for element in texts}
    text = video_attention.CHINESE
    metric_title = text.time_title if "_time" in name else text.memory_title
    assert {metric_title, *text.labels.values()} <= drawn
    for element in texts:
        families = font_families(re.search(r"font-family:\s*([^;]+)", element.get("style")).group(1))
        assert families[-len(site_cjk_fonts()) - 1 :] == [*site_cjk_fonts(), "sans-serif"], families
