# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 在一个小型合成任务上做 LoRA 微调
#
# 本 Notebook 配合 [R1-9 · LoRA 的原理](../../round-1/r1-09-lora/) 和
# [R1-10 · LoRA 怎么初始化，为什么](../../round-1/r1-10-lora-initialisation/) 阅读。拿一个小 MLP 当作“预训练”（pretraining）模型，
# 在一个真实权重变化量的**秩（rank）为 4** 的任务上，用三种方式微调（fine-tuning）：
#
# * 全量微调（full fine-tuning，所有权重都参与训练）；
# * 在每个线性层上加 $r = 1$ 的 LoRA；
# * 在每个线性层上加 $r = 8$ 的 LoRA。
#
# 每次运行都记录：可训练参数（trainable parameters）的数量，Adam 状态占多少字节（每个被训练的张量两个矩估计
# 张量加一个步数计数器，直接从优化器里读出来），loss 曲线，以及留出数据（held-out data）上的 loss。即使是全量
# 微调，训练目标的个数也比可训练的数多，所以测试 loss 低说明这次运行找到了那个变化量，而不是把训练集背了下来。
# 全部在 CPU 上几秒内跑完，随机种子固定。

# %%
# 下面用到的文字和设置（文字与绘图代码分开）。
TITLE = "学习一个秩为 4 的变化量：全量微调与 LoRA"
X_LABEL = "Adam 步数"
Y_LABEL = "训练 loss（MSE，对数坐标）"
RUN_LABELS = {"full": "全量微调", 1: "LoRA r = 1", 8: "LoRA r = 8"}
TABLE_HEADERS = ["运行", "可训练参数", "占总参数", "Adam 状态（字节）", "最终训练 loss", "测试 loss"]

D_IN, HIDDEN, D_OUT = 32, 64, 8
TRUE_RANK = 4  # 任务需要的变化量的秩，在中间层
N_TRAIN, N_TEST = 2048, 1024  # N_TRAIN * D_OUT 个训练目标 > 全量微调训练的 6,792 个数
STEPS, LR, ALPHA = 150, 1e-2, 16
TARGETS = ["0", "2", "4"]  # Sequential 里的三个 Linear 层

# %%
import copy

import matplotlib.pyplot as plt
import torch
from torch import nn

from examples.figures import use_svg_figures
from examples.lora import count_parameters, inject_lora, lora_layers, optimizer_state_bytes

use_svg_figures()  # 图用 SVG 输出：图里的文字保留为文字，由浏览器用系统字体（含中文字体）绘制
torch.set_num_threads(1)  # 张量很小：多线程只会增加开销

# %% [markdown]
# ## 任务
#
# “预训练”模型是一个随机初始化的 MLP（种子 0）。任务是同一个 MLP，只是在中间那个 $64 \times 64$ 的权重上加了一个
# 秩为 4 的变化量。秩为 8 的适配器（adapter）能精确表示这个变化量；秩为 1 的适配器做不到。

# %%
def make_mlp() -> nn.Sequential:
    return nn.Sequential(nn.Linear(D_IN, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, HIDDEN), nn.Tanh(), nn.Linear(HIDDEN, D_OUT))


torch.manual_seed(0)
pretrained = make_mlp()
teacher = copy.deepcopy(pretrained)
with torch.no_grad():
    u, v = torch.randn(HIDDEN, TRUE_RANK), torch.randn(TRUE_RANK, HIDDEN)
    teacher[2].weight += (u @ v) / HIDDEN**0.5  # 一个秩为 4 的变化量
x_train, x_test = torch.randn(N_TRAIN, D_IN), torch.randn(N_TEST, D_IN)
with torch.no_grad():
    y_train, y_test = teacher(x_train), teacher(x_test)

assert torch.linalg.matrix_rank(teacher[2].weight - pretrained[2].weight) == TRUE_RANK

# %% [markdown]
# ## 三次运行
#
# 数据相同，优化器相同（Adam，全批量），步数相同。LoRA 的两次运行用 `inject_lora` 包住三个线性层，其余参数
# 全部冻结（frozen）。

# %%
def fine_tune(rank):
    """训练预训练模型的一份副本；rank 为 "full" 时所有权重都参与训练。"""
    torch.manual_seed(1)
    model = copy.deepcopy(pretrained)
    if rank != "full":
        inject_lora(model, TARGETS, r=rank, alpha=ALPHA)
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(trained, lr=LR)
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x_train), y_train)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    with torch.no_grad():
        test = nn.functional.mse_loss(model(x_test), y_test).item()
    trainable, total = count_parameters(model)
    return {
        "model": model,
        "losses": losses,
        "test": test,
        "trainable": trainable,
        "total": total,
        "adam_bytes": optimizer_state_bytes(optimizer),
    }


runs = {rank: fine_tune(rank) for rank in RUN_LABELS}

# %%
rows = ["| " + " | ".join(TABLE_HEADERS) + " |", "|---|" + "---:|" * (len(TABLE_HEADERS) - 1)]
for rank, run in runs.items():
    rows.append(
        f"| {RUN_LABELS[rank]} | {run['trainable']:,} | {run['trainable'] / run['total']:.1%} | "
        f"{run['adam_bytes']:,} | {run['losses'][-1]:.2e} | {run['test']:.2e} |"
    )
from IPython.display import Markdown

Markdown("\n".join(rows))

# %% [markdown]
# ## Loss 曲线

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for rank, run in runs.items():
    ax.plot(range(1, STEPS + 1), run["losses"], label=RUN_LABELS[rank])
ax.set_yscale("log")
ax.set_xlabel(X_LABEL)
ax.set_ylabel(Y_LABEL)
ax.set_title(TITLE)
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 这些数字说明了什么
#
# * **参数与优化器显存。** Adam 为每个被训练的数保存两个 fp32 矩估计，每个被训练的张量再加一个步数计数器。
#   所以它的状态严格跟着*可训练*参数走，与模型大小无关。
# * **三次运行都从预训练模型出发。** $B = 0$，所以三次运行的第一个 loss 完全相同。
# * **变化量需要多高的秩，秩就要给够。** $r = 1$ 表示不了秩为 4 的变化，停在远高于另外两次运行的平台上。
#   $r = 8 \ge 4$ 能表示它，在留出数据上接近全量微调，训练相同步数后略差一点：LoRA 收敛得比全量微调慢，
#   LoRA-GA、PiSSA 这类初始化瞄准的正是这段差距（R1-10）。
# * **数据够多，比较才成立。** 每次运行的测试 loss 都不超过训练 loss 的一个小倍数，所以比较测试 loss 就是在比较
#   各自学到了什么。这个 Notebook 的早期版本只用 256 个点训练：当时全量微调对训练集的拟合远好于测试集，$r = 8$
#   在留出数据上“追平”它，只是因为全量微调在死记硬背。

# %%
full, r1, r8 = runs["full"], runs[1], runs[8]

# 优化器状态 = 每个被训练的数 2 个 fp32 矩估计 + 每个被训练的张量一个 4 字节的步数计数器
for run in runs.values():
    n_tensors = sum(1 for p in run["model"].parameters() if p.requires_grad)
    assert run["adam_bytes"] == 8 * run["trainable"] + 4 * n_tensors

# LoRA 在每个被包住的层上训练 r (d + k) 个数；冻结的模型大小不变
layer_shapes = [(HIDDEN, D_IN), (HIDDEN, HIDDEN), (D_OUT, HIDDEN)]
for rank, run in ((1, r1), (8, r8)):
    assert run["trainable"] == sum(rank * (d + k) for d, k in layer_shapes)
    assert run["total"] == full["total"] + run["trainable"]
    assert len(lora_layers(run["model"])) == 3
assert full["adam_bytes"] > 2 * r8["adam_bytes"] > 10 * r1["adam_bytes"]

# B = 0：每次运行都从预训练模型的 loss 严格出发
assert full["losses"][0] == r1["losses"][0] == r8["losses"][0]

# 数据足够：没有哪次运行在死记（测试 loss 不超过训练 loss 的 3 倍），所以测试 loss 可以互相比较
for run in runs.values():
    assert run["test"] < 3 * run["losses"][-1]
assert full["trainable"] < N_TRAIN * D_OUT

# 秩 8 能表示秩为 4 的变化，秩 1 不能
assert r8["test"] < r1["test"] / 3
assert full["test"] <= r8["test"] < 2 * full["test"]  # 接近全量微调，略差一点
assert r1["losses"][-1] < r1["losses"][0] / 2  # r = 1 仍能学到一部分

print(f"可训练参数：全量 {full['trainable']:,}，r=8 {r8['trainable']:,}，r=1 {r1['trainable']:,}")
print(f"Adam 状态字节数：全量 {full['adam_bytes']:,}，r=8 {r8['adam_bytes']:,}，r=1 {r1['adam_bytes']:,}")
