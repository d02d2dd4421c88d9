"""Sweep sparse video attention over the frame count on CPU; write JSON results and SVG plots.

Every pattern of ``examples.video.sparse`` plus full attention (PyTorch's
fused kernel and the explicit score-matrix version), chunked attention, a
sliding window given to the dense kernel as an L×L mask and the layout copies of
temporal attention alone, at a fixed patch grid and width. The measuring is in
``benchmarks/video_harness.py``, the reading back in ``benchmarks/video_results.py``.
Run from the repository root:

    python -m benchmarks.video_attention            # the committed sweep (about 10 minutes)
    python -m benchmarks.video_attention --quick    # a few seconds: 8×8 patches, 3 rounds

Writes ``benchmarks/results/video_attention.json`` and the plots of both editions of
the site, ``docs/assets/benchmarks/video_attention_{time,memory}{,_zh}.svg``; the
R2-2 page reads its ratios from the JSON file at build time. ``--plot-only``
redraws the plots from the results file without timing anything.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import torch

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.video_harness import DEFAULT_REPEATS, SweepConfig, run_sweep  # noqa: E402
from benchmarks.video_results import ratio_quartiles  # noqa: E402
from examples.figures import GLYPH_MISSING, TEXT_AS_TEXT  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "video_attention.json"
PLOTS = ROOT / "docs" / "assets" / "benchmarks"

FULL_FRAMES = (4, 8, 16, 24)
QUICK_FRAMES = (4, 8)
QUICK_PATCHES = 8  # patch rows and columns per frame in --quick
QUICK_REPEATS = 3
WARMUP = 2
NOTE = (
    "CPU only. Measured on a machine shared with other jobs (2 logical CPUs, several processes running; see "
    "load_average), so absolute times are noisy; patterns are timed round-robin so the ratios between them are "
    "what to read."
)

# Plot wording, kept here so the plotting code holds no prose: one PlotText per edition of the site.
LABELS = {
    "full": "full (PyTorch fused kernel)",
    "full_explicit": "full (explicit L×L scores)",
    "chunked": "chunked, online softmax",
    "spatial": "spatial only",
    "temporal": "temporal only",
    "divided": "divided space-time",
    "window": "3D windows",
    "shifted_window": "shifted 3D windows",
    "tile_sparse": "tile-sparse (sliding tiles)",
    "sliding_gather": "token sliding window, gathered",
    "sliding_dense_mask": "token sliding window, dense mask",
    "temporal_copies": "temporal: layout copies only",
}
DENSE = {"full", "full_explicit", "chunked", "sliding_dense_mask"}
X_LABEL = "tokens (frames × {height} × {width} patches)"
TIME_Y_LABEL = "time ÷ full attention, same round (median, band: quartiles)"
MEMORY_Y_LABEL = "peak memory allocated by one forward call (bytes)"
TIME_TITLE = "Attention time relative to full attention vs tokens (CPU)"
MEMORY_TITLE = "Attention peak memory vs tokens"


@dataclass(frozen=True)
class PlotText:
    """The wording of the two plots in one language.

    Attributes:
        labels: pattern name -> legend text.
        x_label: the x axis; ``{height}`` and ``{width}`` are filled with the sweep's patch grid.
        time_y_label: the y axis of the time plot.
        memory_y_label: the y axis of the memory plot.
        time_title: the title of the time plot.
        memory_title: the title of the memory plot.
    """

    labels: Mapping[str, str]
    x_label: str
    time_y_label: str
    memory_y_label: str
    time_title: str
    memory_title: str


ENGLISH = PlotText(LABELS, X_LABEL, TIME_Y_LABEL, MEMORY_Y_LABEL, TIME_TITLE, MEMORY_TITLE)
CHINESE = PlotText(
    labels={
        "full": "全注意力（PyTorch 融合 kernel）",
        "full_explicit": "全注意力（显式 L×L 分数）",
        "chunked": "分块，在线 softmax",
        "spatial": "只做空间",
        "temporal": "只做时序",
        "divided": "时空分离",
        "window": "3D 窗口",
        "shifted_window": "移位 3D 窗口",
        "tile_sparse": "tile 稀疏（滑动 tile）",
        "sliding_gather": "token 级滑动窗口，gather",
        "sliding_dense_mask": "token 级滑动窗口，稠密掩码",
        "temporal_copies": "时序：只做布局拷贝",
    },
    x_label="token 数（帧数 × {height} × {width} 个 patch）",
    time_y_label="耗时 ÷ 同一轮的全注意力（中位数，阴影为四分位）",
    memory_y_label="单次前向调用的峰值分配内存（字节）",
    time_title="注意力耗时（相对全注意力）随 token 数的变化（CPU）",
    memory_title="注意力峰值内存随 token 数的变化",
)
# Chinese plots keep their text as <text> in the site's font stack, as the notebooks' figures do
# (examples/figures.py: why, and how matplotlib measures CJK text on a machine without a CJK font).
# Each edition's plots: file name suffix, wording, matplotlib settings.
EDITIONS = {"en": ("", ENGLISH, {}), "zh": ("_zh", CHINESE, TEXT_AS_TEXT)}


def series(results: dict, pattern: str, metric: str) -> tuple[list[int], list[float], list[float], list[float]]:
    """Tokens, values and their quartile band for one line of a plot.

    Times are divided by full attention's time in the same round (median and quartiles over the
    rounds), so that load from other jobs cancels; memory is in bytes, one value per point.

    Returns:
        (tokens, values, low, high); empty lists if ``metric`` was not measured for ``pattern``.
    """
    rows = [r for r in results["rows"] if r["pattern"] == pattern and r[metric] is not None]
    if metric != "time_s":
        values = [r[metric] for r in rows]
        return [r["tokens"] for r in rows], values, values, values
    bands = [ratio_quartiles(results, pattern, "time_s", frames=r["frames"]) for r in rows]
    return [r["tokens"] for r in rows], [b[1] for b in bands], [b[0] for b in bands], [b[2] for b in bands]


def plot(
    results: dict, out_dir: Path, text: PlotText = ENGLISH, suffix: str = "", rc: Mapping[str, object] | None = None
) -> list[Path]:
    """Draw time (relative to full attention) and memory against tokens (log-log), one line per pattern.

    Args:
        results: output of ``run_sweep``.
        out_dir: directory of the two SVG files.
        text: the plots' wording (legend, axes, titles).
        suffix: added to the file names, e.g. "_zh" -> ``video_attention_time_zh.svg``.
        rc: matplotlib settings for these plots only (e.g. :data:`TEXT_AS_TEXT`).

    Returns:
        The paths written.
    """
    import matplotlib

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    x_label = text.x_label.format(height=results["config"]["height"], width=results["config"]["width"])
    for metric, y_label, title, name in (
        ("time_s", text.time_y_label, text.time_title, f"video_attention_time{suffix}.svg"),
        ("peak_bytes", text.memory_y_label, text.memory_title, f"video_attention_memory{suffix}.svg"),
    ):
        # stable ids (svg.hashsalt): diffs show only real changes
        with matplotlib.rc_context({"svg.hashsalt": "video-attention", **(rc or {})}), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=GLYPH_MISSING, category=UserWarning)
            written.append(_draw(results, metric, text.labels, x_label, y_label, title, out_dir / name))
    return written


def _draw(
    results: dict, metric: str, labels: Mapping[str, str], x_label: str, y_label: str, title: str, path: Path
) -> Path:
    """One plot of ``metric`` against tokens (log-log), one line per pattern, written to ``path`` as SVG.

    Args:
        results: output of ``run_sweep``.
        metric: "time_s" (ratio to full attention, with its quartile band) or "peak_bytes".
        labels: pattern name -> legend text.
        x_label: the x axis.
        y_label: the y axis.
        title: the title.
        path: the SVG file.

    Returns:
        ``path``.
    """
    import matplotlib
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 4.8), layout="constrained")
    ax = fig.subplots()
    colors = [*matplotlib.colormaps["tab10"].colors, "black", "grey"]
    for index, pattern in enumerate(results["patterns"]):
        tokens, values, low, high = series(results, pattern, metric)
        if not tokens:
            continue
        color = colors[index % len(colors)]
        ax.plot(
            tokens,
            values,
            marker="os^vD<>ph*XP"[index % 12],
            markersize=4,
            color=color,
            linestyle="--" if pattern in DENSE else "-",
            label=labels.get(pattern, pattern),
        )
        if low != high:
            ax.fill_between(tokens, low, high, color=color, alpha=0.12, linewidth=0)
    tokens = sorted({r["tokens"] for r in results["rows"]})
    ax.set_xscale("log", base=2)
    ax.set_xticks(tokens, [f"{t:,}" for t in tokens])
    ax.minorticks_off()
    ax.set_yscale("log")
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.savefig(path, format="svg", metadata={"Date": None})
    return path


def plot_editions(results: dict, out_dir: Path) -> list[Path]:
    """The plots of every edition of the site (:data:`EDITIONS`), in ``out_dir``."""
    return [path for suffix, text, rc in EDITIONS.values() for path in plot(results, out_dir, text, suffix, rc)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true",
        help=f"frames {QUICK_FRAMES}, {QUICK_PATCHES}×{QUICK_PATCHES} patches, {QUICK_REPEATS} rounds",
    )
    parser.add_argument("--frames", type=int, nargs="+", help=f"frame counts (default {FULL_FRAMES})")
    parser.add_argument(
        "--repeats", type=int, help=f"timed rounds per point (default {DEFAULT_REPEATS}, quick {QUICK_REPEATS})"
    )
    parser.add_argument("--warmup", type=int, default=WARMUP, help="untimed rounds before them")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1: steadier on a shared machine)")
    parser.add_argument("--height", type=int, help="patch rows per frame (default 16, quick 8)")
    parser.add_argument("--width", type=int, help="patch columns per frame (default 16, quick 8)")
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--head-dim", type=int, default=64)
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON file")
    parser.add_argument("--plots-dir", type=Path, default=PLOTS, help="directory of the SVG plots")
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument("--plot-only", action="store_true", help="redraw the plots from the results file, no sweep")
    parser.add_argument("--no-memory", action="store_true", help="skip the profiler run")
    parser.add_argument("--note", default=NOTE, help="stored in the results metadata")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    """Run the sweep, write the results file and the plots; return the results."""
    args = parse_args(argv)
    if args.plot_only:
        results = json.loads(args.out.read_text())
        for path in plot_editions(results, args.plots_dir):
            print(f"wrote {path}")
        return results
    frames = args.frames or (QUICK_FRAMES if args.quick else FULL_FRAMES)
    repeats = args.repeats or (QUICK_REPEATS if args.quick else DEFAULT_REPEATS)
    patches = QUICK_PATCHES if args.quick else SweepConfig.height
    config = SweepConfig(
        height=args.height or patches, width=args.width or patches, heads=args.heads, head_dim=args.head_dim
    )
    threads_before = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    try:
        results = run_sweep(
            list(frames), config, repeats=repeats, warmup=args.warmup, measure_memory=not args.no_memory, note=args.note
        )
    finally:
        torch.set_num_threads(threads_before)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"wrote {args.out}")
    if not args.no_plots:
        for path in plot_editions(results, args.plots_dir):
            print(f"wrote {path}")
    return results


if __name__ == "__main__":
    main()
