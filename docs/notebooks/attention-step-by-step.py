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
# # Attention step by step
#
# A companion to [R2-4 · Implement multi-head attention](../../round-2/r2-04-multi-head-attention/): one small
# batch followed through every step of multi-head attention, with the attention weights drawn as heat maps under a
# causal mask and a padding mask. Every number here is computed by the `examples` package, and the cells check
# what they show.

# %%
import math

import matplotlib.pyplot as plt
import torch
from einops import rearrange

from examples.attention import MultiHeadAttention, attention_weights
from examples.figures import use_svg_figures

TITLE_CAUSAL = "causal mask"
TITLE_PADDING = "padding mask (last 2 keys are padding)"
TITLE_BOTH = "causal + padding"
XLABEL, YLABEL = "key position", "query position"
torch.manual_seed(0)
use_svg_figures()  # figures as SVG: their text stays text, drawn by your browser in its own fonts

# %% [markdown]
# ## 1. Project and split into heads
# A batch of $B=2$ sequences of length $L=6$ and width $E=8$, with $H=2$ heads of $d=4$ channels.

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
# ## 2. Scores, scaled by $1/\sqrt{d}$

# %%
scores = q @ k.transpose(-2, -1) / math.sqrt(E // H)  # (B, H, L, L)
print("scores", tuple(scores.shape))
assert scores.shape == (B, H, L, L)

# %% [markdown]
# ## 3. Masks, then softmax over the keys
# The module's forward pass builds the same weights; `need_weights=True` returns them for each head.

# %%
padding = torch.tensor([[False] * L, [False] * (L - 2) + [True] * 2])  # (B, S): True = padding
_, w_causal = mha(x, is_causal=True, need_weights=True)
_, w_padding = mha(x, key_padding_mask=padding, need_weights=True)
_, w_both = mha(x, key_padding_mask=padding, is_causal=True, need_weights=True)

allowed_causal = torch.ones(L, L, dtype=torch.bool).tril()  # True = may attend
torch.testing.assert_close(w_causal, attention_weights(q, k, attn_mask=allowed_causal))
assert torch.all(w_causal.triu(diagonal=1) == 0)  # nothing from the future
assert torch.all(w_padding[1, :, :, -2:] == 0)  # nothing from padding
torch.testing.assert_close(w_both.sum(-1), torch.ones(B, H, L))  # every row still sums to 1

# %% [markdown]
# ## 4. The weights as heat maps (second sequence, head 0)

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
# ## 5. Merge the heads and project out

# %%
context = w_both @ v  # (B, H, L, d)
merged = rearrange(context, "b h l d -> b l (h d)")  # (B, L, E)
out = mha.out_proj(merged)
torch.testing.assert_close(out, mha(x, key_padding_mask=padding, is_causal=True))
print("output", tuple(out.shape))
