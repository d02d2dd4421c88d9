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
# # 一步步看注意力
#
# [R2-4 · 手撕多头注意力](../../round-2/r2-04-multi-head-attention/) 的配套 notebook：拿一个小 batch，把多头注意力
# （multi-head attention）的每一步走一遍，并把因果掩码（causal mask）和填充掩码（padding mask）下的注意力权重画成
# 热力图。这里的每个数都由 `examples` 包算出，每个单元格都会检查自己展示的结果。

# %%
import math

import matplotlib.pyplot as plt
import torch
from einops import rearrange

from examples.attention import MultiHeadAttention, attention_weights
from examples.figures import use_svg_figures

TITLE_CAUSAL = "因果掩码"
TITLE_PADDING = "填充掩码（最后 2 个键是填充）"
TITLE_BOTH = "因果掩码 + 填充掩码"
XLABEL, YLABEL = "键的位置", "查询的位置"
torch.manual_seed(0)
use_svg_figures()  # 图用 SVG 输出：图里的文字保留为文字，由浏览器用系统字体（含中文字体）绘制

# %% [markdown]
# ## 1. 投影并拆成多个头
# 一个 batch 里有 $B=2$ 条序列，长度 $L=6$，宽度 $E=8$；$H=2$ 个头，每头 $d=4$ 个通道。

# %%
B, L, E, H = 2, 6, 8, 2
mha = MultiHeadAttention(embed_dim=E, num_heads=H)
x = torch.randn(B, L, E)
q = rearrange(mha.q_proj(x), "b l (h d) -> b h l d", h=H)
k = rearrange(mha.k_proj(x), "b l (h d) -> b h l d", h=H)
v = rearrange(mha.v_proj(x), "b l (h d) -> b h l d", h=H)
print("x", tuple(x.shape), "-> q, k, v", tuple(q.shape))
assert q.shape == (B, H, L, E // H)

# %% [markdown]
# ## 2. 打分，并乘以 $1/\sqrt{d}$

# %%
scores = q @ k.transpose(-2, -1) / math.sqrt(E // H)  # (B, H, L, L)
print("分数", tuple(scores.shape))
assert scores.shape == (B, H, L, L)

# %% [markdown]
# ## 3. 先加掩码，再沿键那一维做 softmax
# 模块的前向计算得到的是同样的权重；`need_weights=True` 时它按头返回这些权重。

# %%
padding = torch.tensor([[False] * L, [False] * (L - 2) + [True] * 2])  # (B, S)：True = 填充
_, w_causal = mha(x, is_causal=True, need_weights=True)
_, w_padding = mha(x, key_padding_mask=padding, need_weights=True)
_, w_both = mha(x, key_padding_mask=padding, is_causal=True, need_weights=True)

allowed_causal = torch.ones(L, L, dtype=torch.bool).tril()  # True = 可以看
torch.testing.assert_close(w_causal, attention_weights(q, k, attn_mask=allowed_causal))
assert torch.all(w_causal.triu(diagonal=1) == 0)  # 看不到未来
assert torch.all(w_padding[1, :, :, -2:] == 0)  # 看不到填充
torch.testing.assert_close(w_both.sum(-1), torch.ones(B, H, L))  # 每行加起来仍然是 1

# %% [markdown]
# ## 4. 把权重画成热力图（第二条序列，头 0）
# 从左到右：因果掩码、填充掩码、两者叠加。横轴是键的位置，纵轴是查询的位置。

# %%
fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), constrained_layout=True)
for ax, weights, title in zip(axes, (w_causal, w_padding, w_both), (TITLE_CAUSAL, TITLE_PADDING, TITLE_BOTH)):
    image = ax.imshow(weights[1, 0].detach(), vmin=0, vmax=1, cmap="viridis")
    ax.set_title(title)
    ax.set_xlabel(XLABEL)
    ax.set_ylabel(YLABEL)
fig.colorbar(image, ax=axes, shrink=0.8)
plt.show()

# %% [markdown]
# ## 5. 合并各头，过输出投影

# %%
context = w_both @ v  # (B, H, L, d)
merged = rearrange(context, "b h l d -> b l (h d)")  # (B, L, E)
out = mha.out_proj(merged)
torch.testing.assert_close(out, mha(x, key_padding_mask=padding, is_causal=True))
print("输出", tuple(out.shape))
