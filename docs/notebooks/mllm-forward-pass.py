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
# # One MLLM forward pass, shape by shape
#
# A tiny multimodal LLM from `examples/mllm/tiny_mllm.py`, followed from pixels to the LLM's input sequence:
# image → patches → ViT stub → connector → LLM input. Two connectors are compared: an MLP projector, as in
# LLaVA-1.5, which keeps one token per patch, and an mPLUG-Owl-style abstractor, which hands the LLM a fixed number
# of query tokens plus an EOS. Companion to
# [R1-3 · Training stages](../../round-1/r1-03-training-stages/),
# [R1-5 · mPLUG-Owl video](../../round-1/r1-05-mplug-owl-video/) and
# [R2-1 · Presenting an MLLM project](../../round-2/r2-01-project-deep-dive/). Every shape printed here is also
# asserted.

# %%
import matplotlib.pyplot as plt
import torch

from examples.figures import use_svg_figures
from examples.mllm import TinyMLLM, TinyMLLMConfig
from examples.mllm.tiny_mllm import CONNECTORS, patchify

PLOT_TITLE = "Visual tokens handed to the LLM"
XLABEL = "frames in the clip"
YLABEL = "visual tokens"
LABEL_MLP = "MLP projector, per frame"
LABEL_ABSTRACTOR = "abstractor (queries + EOS)"
torch.manual_seed(0)
use_svg_figures()  # figures as SVG: their text stays text, drawn by your browser in its own fonts

# %% [markdown]
# ## 1. The image and its patches
# A 32 × 32 RGB image cut into 4 × 4 patches gives an 8 × 8 grid. `patchify` flattens each patch to a vector of
# $4 \cdot 4 \cdot 3 = 48$ numbers with einops: `'b c (h p1) (w p2) -> b (h w) (p1 p2 c)'`.

# %%
config = TinyMLLMConfig(connector="mlp")
image = torch.randn(1, config.channels, config.image_size, config.image_size)
patches = patchify(image, config.patch_size)
print("image", tuple(image.shape), "-> patches", tuple(patches.shape))
assert patches.shape == (1, config.num_patches, config.patch_size**2 * config.channels) == (1, 64, 48)

# %% [markdown]
# ## 2. The ViT stub
# A linear patch embedding, learned position embeddings and one transformer layer: one feature vector per patch.

# %%
mlp_model = TinyMLLM(config).eval()
with torch.no_grad():
    features = mlp_model.vision(image)
print("ViT features", tuple(features.shape))
assert features.shape == (1, 64, config.vision_dim)

# %% [markdown]
# ## 3. Two connectors
# The MLP keeps every patch: 64 tokens of the LLM's width. The abstractor has 8 queries per query set; its
# spatial and temporal outputs are added, and an EOS is appended, so it gives 8 + 1 = 9 tokens.

# %%
abstractor_model = TinyMLLM(TinyMLLMConfig(connector="abstractor", num_queries=8)).eval()
with torch.no_grad():
    mlp_tokens = mlp_model.connector(features)
    abstractor_tokens = abstractor_model.visual_tokens(image)
print("MLP projector ->", tuple(mlp_tokens.shape))
print("abstractor    ->", tuple(abstractor_tokens.shape))
assert mlp_tokens.shape == (1, 64, config.llm_dim)
assert abstractor_tokens.shape == (1, 8 + 1, config.llm_dim)

# %% [markdown]
# ## 4. The LLM's input and output
# The visual tokens go first, then the embeddings of the text tokens; the decoder returns next-token logits for
# every position. Six text tokens make sequences of 64 + 6 and 9 + 6.

# %%
input_ids = torch.randint(0, config.vocab_size, (1, 6))
with torch.no_grad():
    for name, model in (("MLP projector", mlp_model), ("abstractor", abstractor_model)):
        sequence = model.build_inputs(image, input_ids)
        logits = model(image, input_ids)
        print(f"{name:13s} LLM input {tuple(sequence.shape)} -> logits {tuple(logits.shape)}")
        assert sequence.shape == (1, model.count_visual_tokens() + 6, config.llm_dim)
        assert logits.shape == (1, model.count_visual_tokens() + 6, config.vocab_size)

# %% [markdown]
# ## 5. A clip of several frames
# The ViT encodes each frame separately, giving features (b, t, n, d). The projector runs per frame and the
# frames' tokens are concatenated, so its count grows with t; the abstractor flattens all frames into one set of
# keys and still returns 9 tokens.

# %%
frame_counts = [1, 2, 4, 8]
mlp_counts = [mlp_model.count_visual_tokens(t) for t in frame_counts]
abstractor_counts = [abstractor_model.count_visual_tokens(t) for t in frame_counts]
with torch.no_grad():
    clip_features = mlp_model.vision(torch.randn(1, 4, 3, 32, 32))
print("clip features", tuple(clip_features.shape))
print("MLP projector:", dict(zip(frame_counts, mlp_counts)))
print("abstractor:   ", dict(zip(frame_counts, abstractor_counts)))
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
# ## 6. Every connector of the tiny model
# Linear and MLP keep every patch, 2D pooling and pixel shuffle shrink the grid, the abstractor returns its
# queries plus EOS.

# %%
expected = {"linear": 64, "mlp": 64, "pool": 16, "pixel-shuffle": 16, "abstractor": 9}
for name in CONNECTORS:
    model = TinyMLLM(TinyMLLMConfig(connector=name, num_queries=8))
    count = model.count_visual_tokens()
    print(f"{name:13s} {count:3d} tokens, {model.parameter_counts()['connector']:6,d} connector parameters")
    assert count == expected[name]
