"""Read the video-attention sweep back for the pages: ratios with their spread, rounded to what the spread supports.

``benchmarks/video_attention.py`` writes ``benchmarks/results/video_attention.json``
with :func:`benchmarks.video_harness.run_sweep`. Every timed round calls every
pattern once, one after the other, so the time of a pattern and the time of the
baseline in the same round were taken under the same load. A time ratio is
therefore computed per round (pattern ÷ baseline, side by side) and summarised by
the median and the interquartile range over the rounds. FLOP and pair ratios are
exact; memory ratios come from one profiled forward call each.

The R2-2 page calls these functions inside ``{{ }}`` so that its numbers are read
from the results file at build time.
"""

from __future__ import annotations

import functools
import json
import math
import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path

RESULTS_FILE = Path(__file__).resolve().parent / "results" / "video_attention.json"
METRICS = ("time_s", "peak_bytes", "flops", "pairs")


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> dict:
    return json.loads(Path(path).read_text())


def load_results(path: str | Path | None = None) -> dict:
    """The sweep results written by ``benchmarks/video_attention.py``.

    Args:
        path: a results file; defaults to ``benchmarks/results/video_attention.json``.

    Returns:
        The parsed results (see :func:`benchmarks.video_harness.run_sweep`).
    """
    path = Path(path) if path is not None else RESULTS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no results at {path}; run `python -m benchmarks.video_attention` first")
    return _load(str(path.resolve()), path.stat().st_mtime)


def result_row(results: Mapping, pattern: str, frames: int | None = None) -> Mapping:
    """The row of ``pattern`` at ``frames`` frames (the largest frame count if ``None``)."""
    rows = [row for row in results["rows"] if row["pattern"] == pattern]
    if not rows:
        raise ValueError(f"pattern {pattern!r} is not in the results; have {sorted({r['pattern'] for r in results['rows']})}")
    if frames is None:
        frames = max(row["frames"] for row in rows)
    for row in rows:
        if row["frames"] == frames:
            return row
    raise ValueError(f"frames={frames} was not measured for {pattern!r}; have {sorted(r['frames'] for r in rows)}")


def quartiles(values: Sequence[float]) -> tuple[float, float, float]:
    """(first quartile, median, third quartile) of ``values``.

    Args:
        values: at least one number.

    Returns:
        The three quartiles; all equal to the value for a single value.
    """
    if len(values) == 0:
        raise ValueError("values must hold at least one number")
    if len(values) == 1:
        return (values[0],) * 3
    low, median, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, median, high


def paired_time_ratios(results: Mapping, pattern: str, baseline: str = "full", frames: int | None = None) -> list[float]:
    """Per-round time of ``pattern`` divided by the time of ``baseline`` in the same round.

    Args:
        results: from :func:`load_results` or :func:`benchmarks.video_harness.run_sweep`.
        pattern: a measured pattern name.
        baseline: the pattern to divide by.
        frames: the frame count; the largest measured for ``pattern`` if ``None``.

    Returns:
        One ratio per timed round.
    """
    row = result_row(results, pattern, frames)
    base = result_row(results, baseline, row["frames"])
    if len(row["times_s"]) != len(base["times_s"]):
        raise ValueError(f"{pattern!r} and {baseline!r} were not timed in the same rounds")
    return [mine / theirs for mine, theirs in zip(row["times_s"], base["times_s"])]


def ratio_quartiles(
    results: Mapping, pattern: str, metric: str, baseline: str = "full", frames: int | None = None
) -> tuple[float, float, float]:
    """(first quartile, median, third quartile) of ``metric`` of ``pattern`` over that of ``baseline``.

    Times are divided round by round (:func:`paired_time_ratios`); the other
    metrics are single numbers, so their three quartiles are equal.

    Args:
        results: from :func:`load_results` or :func:`benchmarks.video_harness.run_sweep`.
        pattern: a measured pattern name.
        metric: "time_s", "peak_bytes", "flops" or "pairs".
        baseline: the pattern to divide by.
        frames: the frame count; the largest measured for ``pattern`` if ``None``.

    Returns:
        The quartiles of the ratio (below 1 means cheaper than the baseline).
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    if metric == "time_s":
        return quartiles(paired_time_ratios(results, pattern, baseline, frames))
    row = result_row(results, pattern, frames)
    base = result_row(results, baseline, row["frames"])
    if row[metric] is None or not base[metric]:
        raise ValueError(f"metric {metric!r} was not measured for {pattern!r} or {baseline!r}")
    value = row[metric] / base[metric]
    return value, value, value


def ratio(results: Mapping, pattern: str, metric: str, baseline: str = "full", frames: int | None = None) -> float:
    """The median of :func:`ratio_quartiles`: ``metric`` of ``pattern`` over that of ``baseline``."""
    return ratio_quartiles(results, pattern, metric, baseline, frames)[1]


def round_to_spread(value: float, low: float, high: float, digits: int = 3) -> str:
    """``value`` written with no more digits than its spread supports.

    The last digit shown is the decimal place of the leading digit of the spread
    (high - low): a median of 0.0547 with quartiles 0.0521 and 0.0588 is "0.055".
    Without a spread (high == low, an exact ratio) ``digits`` significant digits
    are shown.

    Args:
        value: the median.
        low: first quartile.
        high: third quartile.
        digits: significant digits when there is no spread.

    Returns:
        The rounded number as text.
    """
    if not low <= value <= high:
        raise ValueError(f"value must lie between low and high, got {low} <= {value} <= {high}")
    width = high - low
    if width <= 0 or value == 0:
        return f"{value:.{digits}g}"
    decimals = -math.floor(math.log10(width))
    rounded = round(value, decimals)
    if rounded == 0:  # the spread exceeds the value: keep one significant digit
        return f"{value:.1g}"
    return f"{rounded:.{decimals}f}" if decimals > 0 else f"{rounded:.0f}"


def exact_text(value: float, digits: int = 2) -> str:
    """An exact ratio to ``digits`` significant digits, without an exponent: 0.0417 -> "0.042", 262.4 -> "262"."""
    text = f"{value:.{digits}g}"
    return f"{value:.0f}" if "e+" in text else text


def format_quartiles(low: float, median: float, high: float, template: str = "{median} ({low}–{high})") -> str:
    """Median and quartiles, each rounded to the spread (:func:`round_to_spread`), filled into ``template``."""
    if low == high:  # no spread: an exact ratio, or a single round
        return round_to_spread(median, low, high)
    return template.format(
        median=round_to_spread(median, low, high),
        low=round_to_spread(low, low, high),
        high=round_to_spread(high, low, high),
    )


def measured_ratio(
    pattern: str, metric: str, baseline: str = "full", frames: int | None = None, path: str | Path | None = None
) -> float:
    """:func:`ratio` read from the committed results file (for ``{{ }}`` in pages)."""
    return ratio(load_results(path), pattern, metric, baseline, frames)


def measured(
    pattern: str,
    metric: str,
    baseline: str = "full",
    digits: int = 2,
    spread: bool = False,
    template: str = "{median} ({low}–{high})",
    path: str | Path | None = None,
) -> str:
    """A ratio from the committed results at the largest frame count, as text for page prose.

    Args:
        pattern: the measured pattern.
        metric: "time_s", "peak_bytes", "flops" or "pairs".
        baseline: the pattern divided by.
        digits: significant digits of exact ratios (FLOPs, pairs, memory).
        spread: also show the interquartile range, through ``template``.
        template: wording of median and quartiles when ``spread`` is true.
        path: results file; the committed one by default.

    Returns:
        Times rounded to their spread, e.g. "0.055" or "0.055 (0.052–0.059)"; other
        metrics to ``digits`` significant digits.
    """
    low, median, high = ratio_quartiles(load_results(path), pattern, metric, baseline)
    if metric != "time_s":
        return exact_text(median, digits)
    return format_quartiles(low, median, high, template) if spread else round_to_spread(median, low, high)


def gflops_quartiles(results: Mapping, pattern: str, frames: int | None = None) -> tuple[float, float, float]:
    """Quartiles over the rounds of useful FLOPs (attended pairs only) per second, in GFLOP/s."""
    row = result_row(results, pattern, frames)
    return quartiles([row["flops"] / seconds / 1e9 for seconds in row["times_s"]])


def achieved_gflops(results: Mapping, pattern: str, frames: int | None = None) -> float:
    """Median over the rounds of useful FLOPs per second of ``pattern``, in GFLOP/s."""
    return gflops_quartiles(results, pattern, frames)[1]


def measured_gflops(pattern: str, frames: int | None = None, path: str | Path | None = None) -> str:
    """Median useful GFLOP/s of ``pattern`` from the committed results, rounded to its spread over the rounds."""
    low, median, high = gflops_quartiles(load_results(path), pattern, frames)
    return round_to_spread(median, low, high)


def largest_size(path: str | Path | None = None) -> tuple[int, int]:
    """(frames, tokens) of the largest point of the committed sweep."""
    row = max(load_results(path)["rows"], key=lambda r: r["tokens"])
    return row["frames"], row["tokens"]


def config_value(name: str, path: str | Path | None = None) -> str:
    """A size from the committed sweep's configuration, as text: (4, 8, 8) -> "4×8×8"."""
    config = load_results(path)["config"]
    if name not in config:
        raise ValueError(f"name {name!r} is not a configuration entry; have {sorted(config)}")
    return size_text(config[name])


def size_text(value: object) -> str:
    """A configuration value as text: sizes joined by "×", anything else by ``str``."""
    return "×".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value)


def pattern_labels(results: Mapping, templates: Mapping[str, str]) -> dict[str, str]:
    """Fill ``{window}``, ``{tile}``, ``{tile_window}``, ``{token_window}``, ``{chunk_size}`` in row labels.

    Args:
        results: from :func:`load_results` or :func:`benchmarks.video_harness.run_sweep`.
        templates: pattern name -> label text with fields from the sweep's configuration.

    Returns:
        pattern name -> label, sizes written as "4×8×8".
    """
    sizes = {key: size_text(value) for key, value in results["config"].items()}
    return {pattern: template.format(**sizes) for pattern, template in templates.items()}


def results_table(
    results: Mapping,
    labels: Mapping[str, str],
    headers: Sequence[str],
    baseline: str = "full",
    frames: int | None = None,
    digits: int = 2,
    template: str = "{median} ({low}–{high})",
) -> str:
    """A Markdown table: per pattern, FLOPs, time and peak memory relative to ``baseline``.

    Times are the median of the per-round ratios with their interquartile range,
    each rounded to what that range supports.

    Args:
        results: from :func:`load_results` or :func:`benchmarks.video_harness.run_sweep`.
        labels: pattern name -> text of its row, in the order the rows are wanted.
        headers: five column titles: pattern, FLOPs ratio, time ratio, memory
            ratio, achieved GFLOP/s (useful FLOPs per second).
        baseline: the pattern the ratios divide by.
        frames: the frame count (the largest measured if ``None``).
        digits: significant digits of the exact ratios (FLOPs, memory); times and
            GFLOP/s are rounded to their spread.
        template: how a median and its quartiles are written.

    Returns:
        The table as Markdown text.
    """
    if len(headers) != 5:
        raise ValueError(f"headers must have 5 titles, got {len(headers)}")
    lines = ["| " + " | ".join(headers) + " |", "|---|" + "---:|" * 4]
    for pattern, label in labels.items():
        row = result_row(results, pattern, frames)
        flops = exact_text(ratio(results, pattern, "flops", baseline, row["frames"]), digits)
        seconds = format_quartiles(*ratio_quartiles(results, pattern, "time_s", baseline, row["frames"]), template)
        memory = (
            exact_text(ratio(results, pattern, "peak_bytes", baseline, row["frames"]), digits)
            if row["peak_bytes"] is not None else "–"
        )
        low, gflops, high = gflops_quartiles(results, pattern, row["frames"])
        lines.append(f"| {label} | {flops} | {seconds} | {memory} | {round_to_spread(gflops, low, high)} |")
    return "\n".join(lines)
