"""Reading the sweep back: paired ratios, quartiles, rounding to the spread, tables, the committed file."""

from __future__ import annotations

import json
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.video_results import (
    achieved_gflops,
    config_value,
    exact_text,
    format_quartiles,
    gflops_quartiles,
    largest_size,
    load_results,
    measured,
    measured_gflops,
    measured_ratio,
    paired_time_ratios,
    pattern_labels,
    quartiles,
    ratio,
    ratio_quartiles,
    result_row,
    results_table,
    round_to_spread,
)


def row(pattern, frames, times, flops, peak=1000):
    return {"pattern": pattern, "frames": frames, "tokens": frames * 64, "pairs": flops // 4, "flops": flops,
            "time_s": statistics.median(times), "times_s": times, "peak_bytes": peak}


@pytest.fixture()
def results():
    """Two patterns timed in the same four rounds; round 3 was slow for both (a burst of load)."""
    return {
        "config": {"window": [4, 4, 4], "chunk_size": 64, "frames": [4, 8]},
        "patterns": ["full", "window"],
        "rows": [
            row("full", 4, [1.0, 1.0, 1.0, 1.0], 400),
            row("window", 4, [0.5, 0.5, 0.5, 0.5], 100),
            row("full", 8, [2.0, 2.2, 8.0, 2.0], 1600, peak=4000),
            row("window", 8, [0.2, 0.22, 0.8, 0.3], 200, peak=1000),
        ],
    }


def test_time_ratios_are_taken_round_by_round(results):
    assert paired_time_ratios(results, "window") == pytest.approx([0.1, 0.1, 0.1, 0.15])
    # the slow round cancels in its own ratio; the ratio of medians (0.26 / 2.1) would not
    assert ratio(results, "window", "time_s") == pytest.approx(0.1)
    assert ratio_quartiles(results, "window", "time_s") == pytest.approx((0.1, 0.1, 0.1125))
    assert ratio(results, "window", "time_s", frames=4) == 0.5
    assert ratio(results, "window", "flops") == 200 / 1600
    assert ratio_quartiles(results, "window", "peak_bytes") == (0.25, 0.25, 0.25)
    assert ratio(results, "full", "time_s") == 1.0


def test_quartiles_worked_examples():
    assert quartiles([3.0]) == (3.0, 3.0, 3.0)
    assert quartiles([1.0, 2.0, 3.0, 4.0, 5.0]) == (2.0, 3.0, 4.0)
    with pytest.raises(ValueError, match="values"):
        quartiles([])


def test_round_to_spread_worked_examples():
    assert round_to_spread(0.0547, 0.0521, 0.0588) == "0.055"  # spread 0.0067: thousandths
    assert round_to_spread(1.43, 1.2, 1.7) == "1.4"  # spread 0.5: tenths
    assert round_to_spread(123.4, 100.0, 140.0) == "120"  # spread 40: tens
    assert round_to_spread(0.011, 0.001, 0.04) == "0.01"
    assert round_to_spread(0.004, 0.001, 0.3) == "0.004"  # the spread exceeds the value: one significant digit
    assert round_to_spread(0.123456, 0.123456, 0.123456) == "0.123"  # exact: three significant digits
    with pytest.raises(ValueError, match="between"):
        round_to_spread(2.0, 0.0, 1.0)


@given(st.floats(1e-4, 1e4), st.floats(0.0, 0.5), st.floats(0.0, 0.5))
def test_round_to_spread_never_moves_the_value_by_more_than_the_spread(value, below, above):
    low, high = value * (1 - below), value * (1 + above)
    text = round_to_spread(value, low, high)
    assert abs(float(text) - value) <= max(high - low, value * 1e-2)


def test_exact_text_has_no_exponent():
    assert exact_text(0.0417) == "0.042"
    assert exact_text(262.4) == "262"
    assert exact_text(23.4) == "23"
    assert exact_text(1.0) == "1"
    assert exact_text(0.00012) == "0.00012"


def test_format_quartiles():
    assert format_quartiles(0.0521, 0.0547, 0.0588) == "0.055 (0.052–0.059)"
    assert format_quartiles(0.5, 0.5, 0.5) == "0.5"
    assert format_quartiles(1.2, 1.43, 1.7, template="{median} [IQR {low}, {high}]") == "1.4 [IQR 1.2, 1.7]"


def test_results_table(results):
    table = results_table(results, {"full": "Full", "window": "Windows {window}"}, ["p", "f", "t", "m", "g"])
    lines = table.splitlines()
    assert lines[0] == "| p | f | t | m | g |"
    assert lines[2].startswith("| Full | 1 | 1 | 1 | ")
    assert lines[3].startswith("| Windows {window} | 0.12 | 0.10 (0.10–0.11) | 0.25 | ")
    with pytest.raises(ValueError, match="headers"):
        results_table(results, {"full": "Full"}, ["a", "b"])


def test_labels_gflops_and_rows(results):
    assert pattern_labels(results, {"window": "windows {window}", "full": "full"}) == {"window": "windows 4×4×4", "full": "full"}
    assert achieved_gflops(results, "full") == pytest.approx(statistics.median([1600 / t / 1e9 for t in (2.0, 2.2, 8.0, 2.0)]))
    assert result_row(results, "window", 4)["flops"] == 100


def test_reading_a_results_file(results, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(results))
    assert load_results(path)["rows"] == results["rows"]
    assert measured_ratio("window", "flops", path=path) == 0.125
    assert measured("window", "flops", path=path) == "0.12"
    assert measured("window", "time_s", path=path) == "0.10"
    assert measured("window", "time_s", spread=True, path=path) == "0.10 (0.10–0.11)"
    assert largest_size(path) == (8, 512)
    low, median, high = gflops_quartiles(results, "window")
    assert measured_gflops("window", path=path) == round_to_spread(median, low, high)
    assert config_value("window", path) == "4×4×4"
    assert config_value("chunk_size", path) == "64"
    with pytest.raises(ValueError, match="name"):
        config_value("nope", path)
    results["rows"][1]["flops"] = 123  # a rewritten file is read again, not served from the cache
    path.write_text(json.dumps(results))
    assert load_results(path)["rows"][1]["flops"] == 123


def test_the_committed_results_hold_every_pattern_with_enough_rounds():
    results = load_results()
    assert results["config"]["repeats"] >= 15
    frames, _ = largest_size()
    for pattern in results["patterns"]:
        low, median, high = ratio_quartiles(results, pattern, "time_s", frames=frames)
        assert low <= median <= high


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda r: ratio(r, "nope", "time_s"), "pattern"),
        (lambda r: ratio(r, "full", "speed"), "metric"),
        (lambda r: ratio(r, "full", "time_s", frames=5), "frames"),
    ],
)
def test_bad_arguments_raise_value_error(results, call, match):
    with pytest.raises(ValueError, match=match):
        call(results)


def test_unequal_rounds_and_missing_file(results, tmp_path):
    results["rows"][3]["times_s"] = [0.1]
    with pytest.raises(ValueError, match="same rounds"):
        paired_time_ratios(results, "window")
    with pytest.raises(FileNotFoundError, match="benchmarks.video_attention"):
        load_results(tmp_path / "missing.json")


def test_pages_read_the_results_through_the_computed_values_hook():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "hooks" / "computed_values.py"
    spec = importlib.util.spec_from_file_location("hook_computed_values_for_benchmarks", path)
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    page = '{{ benchmarks.video_results.measured("spatial", "flops") }}\n'
    assert hook.render_values(page, "docs/x.md") == measured("spatial", "flops") + "\n"


def test_the_committed_results_support_the_pages_wording():
    """R2-2 states these directions in prose; a rerun that reverses one must fail here, not silently."""
    results = load_results()
    time = {pattern: ratio(results, pattern, "time_s") for pattern in results["patterns"]}
    assert time["sliding_dense_mask"] >= 1  # "a dense mask saves nothing"
    assert time["sliding_gather"] > 1  # "the gathered window still took more than full attention"
    assert ratio(results, "tile_sparse", "time_s", baseline="sliding_gather") < 1  # "dense tiles are faster"
    assert ratio(results, "shifted_window", "time_s", baseline="window") > 1  # "the roll and the mask cost"
    assert ratio(results, "temporal_copies", "time_s", baseline="temporal") < 1  # "copies are part of the cost"
    assert time["temporal"] > ratio(results, "temporal", "flops")  # "FLOPs saved are not time saved"
    memory = {pattern: ratio(results, pattern, "peak_bytes") for pattern in ("full_explicit", "chunked")}
    assert memory["full_explicit"] > 10 * memory["chunked"]  # "materialising the scores is the memory wall"
