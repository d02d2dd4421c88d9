"""The sweep runner, the memory probe and the readers of the results file."""

from __future__ import annotations

import json

import pytest
import torch

from benchmarks.video_harness import (
    PATTERNS,
    SweepConfig,
    achieved_gflops,
    config_value,
    largest_size,
    load_results,
    measured,
    measured_ratio,
    pattern_labels,
    peak_memory_bytes,
    peak_memory_bytes_each,
    ratio,
    result_row,
    results_table,
    run_sweep,
)

TINY = SweepConfig(height=8, width=8, heads=1, head_dim=8, window=(4, 4, 4), tile=(4, 4, 4),
                   tile_window=(1, 3, 3), token_window=(3, 3, 3), chunk_size=64)


@pytest.fixture(scope="module")
def results():
    return run_sweep([4, 8], TINY, repeats=1, note="test")


def test_sweep_has_every_pattern_at_every_frame_count(results):
    assert results["patterns"] == list(PATTERNS)
    assert {(r["pattern"], r["frames"]) for r in results["rows"]} == {(p, t) for p in PATTERNS for t in (4, 8)}
    row = result_row(results, "spatial", 8)
    assert row["tokens"] == 8 * 8 * 8
    assert row["pairs"] == 8 * 64**2
    assert row["flops"] == 4 * row["pairs"] * 8
    assert all(r["time_s"] > 0 and r["peak_bytes"] > 0 for r in results["rows"])
    assert results["metadata"]["note"] == "test"


def test_every_benchmarked_call_computes_the_same_shape(results):
    grid = (4, 8, 8)
    q, k, v = (torch.randn(1, 1, 256, 8) for _ in range(3))
    for name, (build, _) in PATTERNS.items():
        assert build(q, k, v, grid, TINY)().shape == (1, 1, 256, 8), name


def test_dense_patterns_all_equal_full_attention():
    grid = (4, 8, 8)
    q, k, v = (torch.randn(1, 1, 256, 8, dtype=torch.float64) for _ in range(3))
    full = PATTERNS["full"][0](q, k, v, grid, TINY)()
    for name in ("full_explicit", "chunked"):
        torch.testing.assert_close(PATTERNS[name][0](q, k, v, grid, TINY)(), full)


def test_ratio_and_table(results):
    assert ratio(results, "full", "time_s") == 1.0
    assert ratio(results, "spatial", "flops", frames=4) == pytest.approx(1 / 4)  # 4 frames: a quarter of the pairs
    assert ratio(results, "spatial", "flops") == pytest.approx(1 / 8)  # default: the largest frame count, 8
    table = results_table(results, {"full": "Full", "window": "Windows"}, ["p", "f", "t", "m", "g"])
    lines = table.splitlines()
    assert lines[0] == "| p | f | t | m | g |"
    assert lines[2].startswith("| Full | 1 | 1 | 1 |")
    assert lines[3].startswith("| Windows | ")
    assert len(lines) == 4


def test_load_results_and_measured_ratio(results, tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(results))
    assert load_results(path)["rows"] == results["rows"]
    assert measured_ratio("window", "pairs", path=path) == ratio(results, "window", "pairs")
    assert measured("spatial", "pairs", path=path) == "0.12"  # 1/8, two significant digits
    assert measured("spatial", "pairs", invert=True, path=path) == "8"
    assert largest_size(path) == (8, 512)
    assert config_value("window", path) == "4×4×4"
    assert config_value("chunk_size", path) == "64"
    assert pattern_labels(results, {"window": "windows {window}", "full": "full"}) == {"window": "windows 4×4×4", "full": "full"}
    with pytest.raises(ValueError, match="name"):
        config_value("nope", path)
    row = result_row(results, "window")
    assert achieved_gflops(results, "window") == pytest.approx(row["flops"] / row["time_s"] / 1e9)


def test_peak_memory_sees_an_allocation():
    peak = peak_memory_bytes(lambda: torch.empty(250_000, dtype=torch.float32))  # 1,000,000 bytes
    assert 1_000_000 <= peak < 1_100_000
    assert peak_memory_bytes(lambda: None) == 0


def test_peak_memory_of_several_calls_in_one_session():
    def temporaries():
        a = torch.empty(100_000)  # 400,000 bytes, freed before the next
        del a
        b = torch.empty(50_000)  # 200,000 bytes
        del b
        return torch.empty(10)

    kept = []
    peaks = peak_memory_bytes_each({
        "one": lambda: torch.empty(250_000),
        "temporaries": temporaries,
        "kept": lambda: kept.append(torch.empty(1_000)),
        "nothing": lambda: None,
    })
    assert 1_000_000 <= peaks["one"] < 1_100_000
    assert 400_000 <= peaks["temporaries"] < 450_000  # the larger temporary, not their sum
    assert 4_000 <= peaks["kept"] < 5_000
    assert peaks["nothing"] == 0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda r: ratio(r, "nope", "time_s"), "pattern"),
        (lambda r: ratio(r, "full", "speed"), "metric"),
        (lambda r: ratio(r, "full", "time_s", frames=5), "frames"),
        (lambda r: results_table(r, {"full": "Full"}, ["a", "b"]), "headers"),
        (lambda r: run_sweep([4], TINY, patterns=["nope"]), "patterns"),
        (lambda r: run_sweep([4], TINY, repeats=0), "repeats"),
        (lambda r: run_sweep([], TINY), "frames"),
        (lambda r: run_sweep([4], SweepConfig(dtype="float16")), "dtype"),
    ],
)
def test_bad_arguments_raise_value_error(results, call, match):
    with pytest.raises(ValueError, match=match):
        call(results)


def test_missing_results_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="benchmarks.video_attention"):
        load_results(tmp_path / "missing.json")
