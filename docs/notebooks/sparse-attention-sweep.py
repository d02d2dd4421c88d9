# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Sparse attention sweep
#
# A companion to [R2-2 · Video attention from sparse attention](../../round-2/r2-02-sparse-video-attention/):
# the benchmark of that page, at sizes small enough to run in seconds each time the site is built. Every sparse
# pattern is first checked against dense attention with its token-level mask. Then the frame count is swept at a
# fixed patch grid, timing every pattern and measuring its peak memory.
#
# These are **CPU** measurements on whatever machine builds the site, at toy sizes, so the times are noisy and
# small. The cells assert only what does not depend on timing: FLOP counts, equality with the oracles, and how
# memory grows. The committed, larger sweep behind the page's figures is `python -m benchmarks.video_attention`.

# %%
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from IPython.display import Markdown, display

# The harness lives in benchmarks/ at the repository root (examples/ is installed, benchmarks/ is not).
ROOT = next(path for path in [Path.cwd(), *Path.cwd().parents] if (path / "benchmarks" / "video_harness.py").is_file())
sys.path.insert(0, str(ROOT))

from benchmarks.video_harness import SweepConfig, run_sweep
from benchmarks.video_results import pattern_labels, ratio, result_row, results_table
from examples.figures import use_svg_figures
from examples.video import masks, sparse

FRAMES = [4, 8, 16]
CONFIG = SweepConfig(
    height=8, width=8, heads=2, head_dim=32, window=(4, 4, 4), tile=(4, 4, 4), tile_window=(1, 3, 3),
    token_window=(3, 3, 3), chunk_size=128,
)
LABELS = {
    "full": "full, PyTorch fused kernel",
    "full_explicit": "full, explicit L×L scores",
    "chunked": "full, chunked ({chunk_size})",
    "spatial": "spatial only",
    "temporal": "temporal only",
    "divided": "divided space-time",
    "window": "3D windows {window}",
    "shifted_window": "shifted 3D windows {window}",
    "tile_sparse": "tile-sparse, {tile_window} tiles of {tile}",
    "sliding_gather": "token window {token_window}, gathered",
    "sliding_dense_mask": "token window {token_window}, dense mask",
    "temporal_copies": "temporal, layout copies only",
}
HEADERS = ["pattern", "useful FLOPs ÷ full", "time ÷ full, median (quartiles)", "forward peak memory ÷ full", "useful GFLOP/s"]
X_LABEL = "tokens (frames × {height} × {width} patches)"
TIME_LABEL = "median time per call (s)"
MEMORY_LABEL = "peak bytes allocated per forward call"
DENSE = {"full", "full_explicit", "chunked", "sliding_dense_mask"}
use_svg_figures()  # figures as SVG: their text stays text, drawn by your browser in its own fonts
torch.manual_seed(0)
torch.set_num_threads(1)  # one thread: steadier timings when the build machine is busy

# %% [markdown]
# ## 1. Every pattern equals dense attention with its mask
# On a clip of 8 frames of 8×8 patches, each efficient implementation is compared with
# `F.scaled_dot_product_attention` given the pattern's boolean mask (True = may attend).

# %%
grid = (8, CONFIG.height, CONFIG.width)
q, k, v = (torch.randn(1, 2, 512, 16, dtype=torch.float64) for _ in range(3))
keep = masks.sliding_tile_keep(grid, CONFIG.tile, CONFIG.tile_window)
shift = tuple(w // 2 for w in CONFIG.window)
checks = {
    "spatial": (sparse.spatial_attention(q, k, v, grid), masks.spatial_mask(grid)),
    "temporal": (sparse.temporal_attention(q, k, v, grid), masks.temporal_mask(grid)),
    "window": (sparse.window_attention(q, k, v, grid, CONFIG.window), masks.window_mask(grid, CONFIG.window)),
    "shifted_window": (
        sparse.window_attention(q, k, v, grid, CONFIG.window, shift),
        masks.window_mask(grid, CONFIG.window, shift),
    ),
    "tile_sparse": (
        sparse.tile_sparse_attention(q, k, v, grid, CONFIG.tile, keep),
        masks.tile_mask(grid, CONFIG.tile, keep),
    ),
    "sliding_gather": (
        sparse.sliding_window_attention(q, k, v, grid, CONFIG.token_window),
        masks.sliding_window_mask(grid, CONFIG.token_window),
    ),
}
for name, (fast, mask) in checks.items():
    torch.testing.assert_close(fast, F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
    print(f"{name:15s} equals dense attention with its mask; keeps {mask.float().mean():.1%} of the pairs")

# %% [markdown]
# ## 2. The sweep
# Frames {4, 8, 16} at 8×8 patches per frame, 2 heads of 32 channels. Each round calls every pattern once, one
# after the other; a time ratio is taken within each round and the table shows the median over 5 rounds with its
# quartiles. Memory is the peak of one forward call.

# %%
results = run_sweep(FRAMES, CONFIG, repeats=5, note="notebook, built with the site")
labels = pattern_labels(results, LABELS)
display(Markdown(results_table(results, labels, HEADERS)))

# %% [markdown]
# ## 3. Time and memory against tokens

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
colors = [*plt.get_cmap("tab10").colors, "black", "grey"]  # 12 patterns, 12 colours
for ax, metric, y_label in zip(axes, ("time_s", "peak_bytes"), (TIME_LABEL, MEMORY_LABEL)):
    for index, pattern in enumerate(results["patterns"]):
        rows = [r for r in results["rows"] if r["pattern"] == pattern]
        ax.plot(
            [r["tokens"] for r in rows], [r[metric] for r in rows], marker="os^vD<>ph*XP"[index], markersize=4,
            color=colors[index], linestyle="--" if pattern in DENSE else "-", label=labels[pattern],
        )
    ax.set_xscale("log", base=2)
    ax.set_xticks([r["tokens"] for r in rows], [f"{r['tokens']:,}" for r in rows])
    ax.minorticks_off()
    ax.set_yscale("log")
    ax.set_xlabel(X_LABEL.format(height=CONFIG.height, width=CONFIG.width))
    ax.set_ylabel(y_label)
    ax.grid(True, alpha=0.3)
axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
plt.show()

# %% [markdown]
# ## 4. What holds whatever the machine
# The FLOP ratios follow from the patterns. The memory of the explicit version grows with the square of the
# token count, and the chunked version's memory grows linearly: doubling the frames roughly quadruples the first
# and doubles the second.

# %%
largest = FRAMES[-1]
assert ratio(results, "spatial", "flops") == 1 / largest  # one frame out of `largest`
assert ratio(results, "temporal", "flops") == 1 / (CONFIG.height * CONFIG.width)
assert ratio(results, "sliding_dense_mask", "flops") == ratio(results, "sliding_gather", "flops") < 0.1


def growth(pattern: str) -> float:
    """Peak memory at the largest frame count over the one before (tokens double)."""
    return result_row(results, pattern, FRAMES[-1])["peak_bytes"] / result_row(results, pattern, FRAMES[-2])["peak_bytes"]


print(f"memory growth when tokens double: explicit {growth('full_explicit'):.2f}×, chunked {growth('chunked'):.2f}×")
assert growth("full_explicit") > 3.5
assert growth("chunked") < 2.5
