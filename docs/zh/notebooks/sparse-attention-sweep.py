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
# # 稀疏注意力扫参
#
# 这是 [R2-2 · 用稀疏注意力实现视频注意力](../../round-2/r2-02-sparse-video-attention/) 的配套 notebook：
# 把那一页的基准测试（benchmark）缩小到每次构建站点时几秒钟就能跑完的规模。先把每种稀疏模式和“稠密注意力 +
# 该模式的 token 级掩码”逐一对照，确认结果一致；再固定每帧的 patch 网格、扫帧数，给每种模式计时并测峰值内存。
#
# 这些是构建站点那台机器上的 **CPU** 测量，规模很小，时间既短又有噪声。所以下面的代码单元只断言与计时无关的东西：
# FLOPs 计数、与参照实现（oracle）相等，以及内存随规模增长的方式。页面上那些图表背后更大规模的扫参，
# 由 `python -m benchmarks.video_attention` 生成并提交到仓库。

# %%
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
from IPython.display import Markdown, display

# 测量框架在仓库根目录的 benchmarks/ 里（examples/ 已安装为包，benchmarks/ 没有）。
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
    "full": "全注意力，PyTorch 融合 kernel",
    "full_explicit": "全注意力，显式 L×L 分数",
    "chunked": "全注意力，分块（{chunk_size}）",
    "spatial": "只做空间",
    "temporal": "只做时序",
    "divided": "时空分离",
    "window": "3D 窗口 {window}",
    "shifted_window": "移位 3D 窗口 {window}",
    "tile_sparse": "tile 稀疏，{tile_window} 个 tile，每个 {tile}",
    "sliding_gather": "token 窗口 {token_window}，gather",
    "sliding_dense_mask": "token 窗口 {token_window}，稠密掩码",
    "temporal_copies": "时序，只做布局拷贝",
}
HEADERS = ["模式", "有效 FLOPs ÷ 全注意力", "时间 ÷ 全注意力，中位数（四分位）", "前向峰值内存 ÷ 全注意力", "有效 GFLOP/s"]
X_LABEL = "token 数（帧数 × {height} × {width} 个 patch）"
TIME_LABEL = "每次调用耗时的中位数（秒）"
MEMORY_LABEL = "单次前向调用的峰值分配内存（字节）"
DENSE = {"full", "full_explicit", "chunked", "sliding_dense_mask"}
use_svg_figures()  # 图用 SVG 输出：图里的文字保留为文字，由浏览器用系统字体（含中文字体）绘制
torch.manual_seed(0)
torch.set_num_threads(1)  # 单线程：构建机器忙的时候计时更稳定

# %% [markdown]
# ## 1. 每种模式都等于“稠密注意力 + 它的掩码”
# 在 8 帧、每帧 8×8 个 patch 的视频上，把每种高效实现和传入该模式布尔掩码（True 表示可以看）的
# `F.scaled_dot_product_attention` 逐一对比。

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
    print(f"{name:15s} 与带掩码的稠密注意力相等；保留了 {mask.float().mean():.1%} 的对")

# %% [markdown]
# ## 2. 扫参
# 帧数取 {4, 8, 16}，每帧 8×8 个 patch，2 个头、每个头 32 个通道。每一轮把所有模式依次各调用一次；时间比在每一轮内部
# 计算，表中给出 5 轮的中位数和四分位。内存是单次前向调用的峰值。

# %%
results = run_sweep(FRAMES, CONFIG, repeats=5, note="notebook, built with the site")
labels = pattern_labels(results, LABELS)
display(Markdown(results_table(results, labels, HEADERS)))

# %% [markdown]
# ## 3. 时间和内存随 token 数的变化
# 左图是每次调用耗时的中位数（秒），右图是单次前向调用的峰值分配内存（字节），横轴是 token 数（帧数 × 每帧的 patch 数），
# 都是对数坐标。虚线是稠密计算的版本，实线是稀疏的版本；图例与上表各行一一对应。

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.5), constrained_layout=True)
colors = [*plt.get_cmap("tab10").colors, "black", "grey"]  # 12 种模式，12 种颜色
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
# ## 4. 换哪台机器都成立的结论
# FLOPs 比例由模式本身决定。显式版本的内存随 token 数平方增长，分块版本线性增长：帧数翻倍，前者大约变成 4 倍，
# 后者大约变成 2 倍。

# %%
largest = FRAMES[-1]
assert ratio(results, "spatial", "flops") == 1 / largest  # `largest` 帧里的一帧
assert ratio(results, "temporal", "flops") == 1 / (CONFIG.height * CONFIG.width)
assert ratio(results, "sliding_dense_mask", "flops") == ratio(results, "sliding_gather", "flops") < 0.1


def growth(pattern: str) -> float:
    """最大帧数处的峰值内存除以前一个帧数处的峰值内存（token 数翻倍）。"""
    return result_row(results, pattern, FRAMES[-1])["peak_bytes"] / result_row(results, pattern, FRAMES[-2])["peak_bytes"]


print(f"token 数翻倍时的内存增长：显式 {growth('full_explicit'):.2f}×，分块 {growth('chunked'):.2f}×")
assert growth("full_explicit") > 3.5
assert growth("chunked") < 2.5
