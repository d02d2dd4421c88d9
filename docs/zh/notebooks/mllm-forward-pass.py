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
# # 一次 MLLM 前向传播：逐个看张量形状
#
# 用 `examples/mllm/tiny_mllm.py` 里的迷你多模态大模型（MLLM），从像素一路跟到大语言模型（LLM）的输入序列：
# 图像 → patch → 简化版 ViT → 连接器（connector）→ LLM 输入。对比两种连接器：一种是 LLaVA-1.5 那样的
# MLP 投影层（projector），每个 patch 对应一个 token；另一种是 mPLUG-Owl 式的视觉抽象器（visual abstractor），
# 交给 LLM 的是固定数量的查询（query）token，外加一个 EOS。可以和
# [R1-3 · 多模态大模型的训练阶段](../../round-1/r1-03-training-stages/)、
# [R1-5 · mPLUG-Owl 怎么处理视频](../../round-1/r1-05-mplug-owl-video/) 以及
# [R2-1 · 怎么讲一个多模态大模型项目](../../round-2/r2-01-project-deep-dive/) 对照着看。下面打印出来的每个形状，
# 代码里都有断言检查。

# %%
import matplotlib.pyplot as plt
import torch

from examples.figures import use_svg_figures
from examples.mllm import TinyMLLM, TinyMLLMConfig
from examples.mllm.tiny_mllm import CONNECTORS, patchify

PLOT_TITLE = "交给 LLM 的视觉 token 数"
XLABEL = "片段的帧数"
YLABEL = "视觉 token 数"
LABEL_MLP = "MLP 投影层（逐帧）"
LABEL_ABSTRACTOR = "视觉抽象器（查询 + EOS）"
torch.manual_seed(0)
use_svg_figures()  # 图用 SVG 输出：图里的文字保留为文字，由浏览器用系统字体（含中文字体）绘制

# %% [markdown]
# ## 1. 图像和它的 patch
# 一张 32 × 32 的 RGB 图像按 4 × 4 切块，得到 8 × 8 的网格。`patchify` 用 einops
# `'b c (h p1) (w p2) -> b (h w) (p1 p2 c)'` 把每个 patch 展平成 $4 \cdot 4 \cdot 3 = 48$ 维的向量。

# %%
config = TinyMLLMConfig(connector="mlp")
image = torch.randn(1, config.channels, config.image_size, config.image_size)
patches = patchify(image, config.patch_size)
print("图像", tuple(image.shape), "-> patch", tuple(patches.shape))
assert patches.shape == (1, config.num_patches, config.patch_size**2 * config.channels) == (1, 64, 48)

# %% [markdown]
# ## 2. 简化版 ViT
# 只有一个线性的 patch 嵌入（patch embedding）、可学习的位置编码（position embedding）和一层 Transformer，
# 输出是每个 patch 一个特征向量。

# %%
mlp_model = TinyMLLM(config).eval()
with torch.no_grad():
    features = mlp_model.vision(image)
print("ViT 特征", tuple(features.shape))
assert features.shape == (1, 64, config.vision_dim)

# %% [markdown]
# ## 3. 两种连接器
# MLP 投影层保留全部 patch，给出 64 个 LLM 宽度的 token。视觉抽象器每组查询有 8 个，空间和时序两组查询的输出
# 相加，再接上一个 EOS，一共 8 + 1 = 9 个 token。

# %%
abstractor_model = TinyMLLM(TinyMLLMConfig(connector="abstractor", num_queries=8)).eval()
with torch.no_grad():
    mlp_tokens = mlp_model.connector(features)
    abstractor_tokens = abstractor_model.visual_tokens(image)
print("MLP 投影层 ->", tuple(mlp_tokens.shape))
print("视觉抽象器 ->", tuple(abstractor_tokens.shape))
assert mlp_tokens.shape == (1, 64, config.llm_dim)
assert abstractor_tokens.shape == (1, 8 + 1, config.llm_dim)

# %% [markdown]
# ## 4. LLM 的输入和输出
# 视觉 token 排在前面，后面接文本 token 的嵌入；解码器在每个位置都输出下一个 token 的 logits。
# 文本取 6 个 token，两种连接器得到的序列长度分别是 64 + 6 和 9 + 6。

# %%
input_ids = torch.randint(0, config.vocab_size, (1, 6))
with torch.no_grad():
    for name, model in (("MLP 投影层", mlp_model), ("视觉抽象器", abstractor_model)):
        sequence = model.build_inputs(image, input_ids)
        logits = model(image, input_ids)
        print(f"{name}：LLM 输入 {tuple(sequence.shape)} -> logits {tuple(logits.shape)}")
        assert sequence.shape == (1, model.count_visual_tokens() + 6, config.llm_dim)
        assert logits.shape == (1, model.count_visual_tokens() + 6, config.vocab_size)

# %% [markdown]
# ## 5. 多帧的视频片段
# ViT 逐帧编码，特征形状是 (b, t, n, d)。MLP 投影层也是逐帧做，各帧的 token 再拼起来，所以 token 数随帧数 t
# 线性增长；视觉抽象器把所有帧的 patch 展平成同一组键（key），不管多少帧都只返回 9 个 token。

# %%
frame_counts = [1, 2, 4, 8]
mlp_counts = [mlp_model.count_visual_tokens(t) for t in frame_counts]
abstractor_counts = [abstractor_model.count_visual_tokens(t) for t in frame_counts]
with torch.no_grad():
    clip_features = mlp_model.vision(torch.randn(1, 4, 3, 32, 32))
print("片段特征", tuple(clip_features.shape))
print("MLP 投影层（帧数: token 数）：", dict(zip(frame_counts, mlp_counts)))
print("视觉抽象器（帧数: token 数）：", dict(zip(frame_counts, abstractor_counts)))
assert clip_features.shape == (1, 4, 64, config.vision_dim)
assert mlp_counts == [64 * t for t in frame_counts]
assert abstractor_counts == [9] * len(frame_counts)

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
positions = range(len(frame_counts))
ax.bar([p - 0.2 for p in positions], mlp_counts, width=0.4, label=LABEL_MLP)
ax.bar([p + 0.2 for p in positions], abstractor_counts, width=0.4, label=LABEL_ABSTRACTOR)
ax.set_xticks(list(positions), [str(t) for t in frame_counts])
ax.set_xlabel(XLABEL)
ax.set_ylabel(YLABEL)
ax.set_title(PLOT_TITLE)
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 6. 迷你模型的全部连接器
# `linear` 和 `mlp` 保留全部 patch；二维池化（2D pooling，`pool`）和像素重排（pixel shuffle，`pixel-shuffle`）
# 把网格缩小；视觉抽象器（`abstractor`）返回它的查询，再加一个 EOS。

# %%
expected = {"linear": 64, "mlp": 64, "pool": 16, "pixel-shuffle": 16, "abstractor": 9}
for name in CONNECTORS:
    model = TinyMLLM(TinyMLLMConfig(connector=name, num_queries=8))
    count = model.count_visual_tokens()
    print(f"{name:13s} {count:3d} 个 token，连接器参数 {model.parameter_counts()['connector']:6,d} 个")
    assert count == expected[name]
