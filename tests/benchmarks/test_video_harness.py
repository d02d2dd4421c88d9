"""The sweep runner and the memory probe of the video-attention benchmark."""

from __future__ import annotations


import pytest
import torch

from benchmarks.video_harness import (
    PATTERNS,
    SweepConfig,
    interleaved_times,
    peak_memory_bytes,
    peak_memory_bytes_each,
    run_sweep,
)
from benchmarks.video_results import result_row

TINY = SweepConfig(height=8, width=8, heads=1, head_dim=8, window=(4, 4, 4), tile=(4, 4, 4),
                   tile_window=(1, 3, 3), token_window=(3, 3, 3), chunk_size=64)


@pytest.fixture(scope="module")
def results():
    return run_sweep([4, 8], TINY, repeats=3, warmup=0, note="test")


def test_sweep_has_every_pattern_at_every_frame_count(results):
    assert results["patterns"] == list(PATTERNS)
    assert {(r["pattern"], r["frames"]) for r in results["rows"]} == {(p, t) for p in PATTERNS for t in (4, 8)}
    row = result_row(results, "spatial", 8)
    assert row["tokens"] == 8 * 8 * 8
    assert row["pairs"] == 8 * 64**2
    assert row["flops"] == 4 * row["pairs"] * 8
    assert all(r["time_s"] > 0 and r["peak_bytes"] > 0 and len(r["times_s"]) == 3 for r in results["rows"])
    assert results["metadata"]["note"] == "test"
    assert results["config"]["repeats"] == 3 and results["config"]["warmup"] == 0
    assert "forward" in results["metadata"]["memory_method"]
    assert result_row(results, "temporal_copies", 8)["flops"] == 0


def test_every_benchmarked_call_computes_the_same_shape(results):
    grid = (4, 8, 8)
    q, k, v = (torch.randn(1, 1, 256, 8) for _ in range(3))
    for name, (build, _) in PATTERNS.items():
        assert build(q, k, v, grid, TINY)().shape == (1, 1, 256, 8), name


def test_temporal_copies_are_the_layout_of_temporal_attention():
    """The copies-only pattern moves v into time lines and back: it returns v, and a contiguous copy."""
    grid = (4, 8, 8)
    q, k, v = (torch.randn(1, 2, 256, 8) for _ in range(3))
    out = PATTERNS["temporal_copies"][0](q, k, v, grid, TINY)()
    assert torch.equal(out, v) and out.data_ptr() != v.data_ptr()


def test_interleaved_times_are_taken_round_by_round():
    calls_made = []
    calls = {name: (lambda name=name: calls_made.append(name)) for name in ("a", "b")}
    times = interleaved_times(calls, repeats=3, warmup=2)
    assert calls_made == ["a", "b"] * 5  # two warm-up rounds, then three timed rounds
    assert {name: len(series) for name, series in times.items()} == {"a": 3, "b": 3}


def test_dense_patterns_all_equal_full_attention():
    grid = (4, 8, 8)
    q, k, v = (torch.randn(1, 1, 256, 8, dtype=torch.float64) for _ in range(3))
    full = PATTERNS["full"][0](q, k, v, grid, TINY)()
    for name in ("full_explicit", "chunked"):
        torch.testing.assert_close(PATTERNS[name][0](q, k, v, grid, TINY)(), full)


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
        (lambda r: run_sweep([4], TINY, patterns=["nope"]), "patterns"),
        (lambda r: run_sweep([4], TINY, repeats=0), "repeats"),
        (lambda r: run_sweep([4], TINY, warmup=-1), "warmup"),
        (lambda r: run_sweep([], TINY), "frames"),
        (lambda r: run_sweep([4], SweepConfig(dtype="float16")), "dtype"),
    ],
)
def test_bad_arguments_raise_value_error(results, call, match):
    with pytest.raises(ValueError, match=match):
        call(results)
