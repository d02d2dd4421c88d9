"""Tests for examples/mllm/tiny_mllm.py."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.mllm.tiny_mllm import (
    CONNECTORS,
    PARTS,
    TinyDecoderLM,
    TinyMLLM,
    TinyMLLMConfig,
    TransformerBlock,
    patchify,
)

FAST = settings(max_examples=15, deadline=None)


def model_with(**kwargs) -> TinyMLLM:
    torch.manual_seed(0)
    return TinyMLLM(TinyMLLMConfig(**kwargs)).eval()


# ---- patchify ------------------------------------------------------------------------------------

@given(b=st.integers(1, 2), c=st.integers(1, 3), gh=st.integers(1, 3), gw=st.integers(1, 3), p=st.integers(1, 3))
@FAST
def test_patchify_matches_loops(b, c, gh, gw, p):
    images = torch.randn(b, c, gh * p, gw * p)
    patches = patchify(images, p)
    assert patches.shape == (b, gh * gw, p * p * c)
    for i in range(gh):
        for j in range(gw):
            block = images[:, :, i * p : (i + 1) * p, j * p : (j + 1) * p]  # (b, c, p, p)
            expected = block.permute(0, 2, 3, 1).reshape(b, -1)  # (p1, p2, c) order
            assert torch.equal(patches[:, i * gw + j], expected)


def test_patchify_rejects_bad_input():
    with pytest.raises(ValueError, match="patch_size"):
        patchify(torch.randn(1, 3, 10, 10), 4)
    with pytest.raises(ValueError, match="images"):
        patchify(torch.randn(3, 8, 8), 4)
    with pytest.raises(ValueError, match="patch_size"):
        patchify(torch.randn(1, 3, 8, 8), 0)


# ---- transformer block against torch's own attention ---------------------------------------------

@pytest.mark.parametrize("causal", [False, True])
def test_block_matches_multihead_attention(causal):
    torch.manual_seed(0)
    block = TransformerBlock(16, num_heads=4, causal=causal).double()
    mha = nn.MultiheadAttention(16, 4, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([block.q_proj.weight, block.k_proj.weight, block.v_proj.weight]))
        mha.in_proj_bias.copy_(torch.cat([block.q_proj.bias, block.k_proj.bias, block.v_proj.bias]))
        mha.out_proj.weight.copy_(block.o_proj.weight)
        mha.out_proj.bias.copy_(block.o_proj.bias)
        x = torch.randn(2, 7, 16, dtype=torch.float64)
        h = block.norm1(x)
        mask = torch.ones(7, 7, dtype=torch.bool).triu(1) if causal else None  # True = blocked
        y = x + mha(h, h, h, attn_mask=mask, need_weights=False)[0]
        y = y + block.fc2(nn.functional.gelu(block.fc1(block.norm2(y))))
        torch.testing.assert_close(block(x), y)


def test_block_rejects_bad_heads():
    with pytest.raises(ValueError, match="num_heads"):
        TransformerBlock(10, num_heads=3, causal=True)


@given(length=st.integers(2, 8), data=st.data())
@FAST
def test_decoder_is_causal(length, data):
    torch.manual_seed(0)
    lm = TinyDecoderLM(TinyMLLMConfig()).eval()
    x = torch.randn(1, length, 48)
    j = data.draw(st.integers(0, length - 1))
    y = x.clone()
    y[:, j] += torch.randn(48)
    with torch.no_grad():
        torch.testing.assert_close(lm(x)[:, :j], lm(y)[:, :j])
        assert not torch.allclose(lm(x)[:, j], lm(y)[:, j])


def test_decoder_rejects_too_long_input():
    lm = TinyDecoderLM(TinyMLLMConfig(max_positions=4))
    with pytest.raises(ValueError, match="max_positions"):
        lm(torch.randn(1, 5, 48))
    with pytest.raises(ValueError, match="inputs_embeds"):
        lm(torch.randn(5, 48))


# ---- end to end ---------------------------------------------------------------------------------

def expected_tokens(config: TinyMLLMConfig) -> int:
    side = config.grid_side
    return {
        "linear": side * side,
        "mlp": side * side,
        "pool": config.pool_side**2,
        "pixel-shuffle": (side // config.shuffle_factor) ** 2,
        "abstractor": config.num_queries + 1,
    }[config.connector]


@pytest.mark.parametrize("connector", CONNECTORS)
def test_shapes_and_token_counts_per_connector(connector):
    model = model_with(connector=connector)
    config = model.config
    images = torch.randn(2, 3, config.image_size, config.image_size)
    ids = torch.randint(0, config.vocab_size, (2, 5))
    m = expected_tokens(config)
    with torch.no_grad():
        assert model.vision(images).shape == (2, config.num_patches, config.vision_dim)
        assert model.visual_tokens(images).shape == (2, m, config.llm_dim)
        assert model(images, ids).shape == (2, m + 5, config.vocab_size)
    assert model.count_visual_tokens() == m
    if connector != "abstractor":
        assert model.connector.num_tokens(config.grid_side, config.grid_side) == m


@pytest.mark.parametrize("connector", CONNECTORS)
def test_video_tokens_grow_with_frames_except_for_the_abstractor(connector):
    model = model_with(connector=connector)
    per_image = model.count_visual_tokens()
    for frames in (1, 3):
        expected = per_image if connector == "abstractor" else frames * per_image
        assert model.count_visual_tokens(frames) == expected


def test_video_projector_runs_each_frame_like_an_image():
    model = model_with(connector="pool")
    video = torch.randn(2, 3, 3, 32, 32)
    with torch.no_grad():
        out = model.visual_tokens(video)
        for f in range(3):
            torch.testing.assert_close(out[:, f * 16 : (f + 1) * 16], model.visual_tokens(video[:, f]))


def test_inputs_are_visual_tokens_then_text_embeddings():
    model = model_with(connector="mlp")
    images, ids = torch.randn(2, 3, 32, 32), torch.randint(0, 128, (2, 4))
    with torch.no_grad():
        seq = model.build_inputs(images, ids)
        m = model.count_visual_tokens()
        torch.testing.assert_close(seq[:, :m], model.visual_tokens(images))
        torch.testing.assert_close(seq[:, m:], model.llm.embed_tokens(ids))


def test_parameter_counts_match_named_parameters():
    model = model_with(connector="abstractor")
    brute = {part: 0 for part in PARTS}
    for name, p in model.named_parameters():
        brute[name.split(".")[0]] += p.numel()
    counts = model.parameter_counts()
    assert {k: counts[k] for k in PARTS} == brute
    assert counts["total"] == sum(p.numel() for p in model.parameters())


@given(flags=st.tuples(st.booleans(), st.booleans(), st.booleans()))
@settings(max_examples=8, deadline=None)
def test_set_trainable_controls_which_parts_get_gradients(flags):
    model = model_with(connector="mlp")
    model.set_trainable(*flags)
    counts = model.parameter_counts(trainable_only=True)
    full = model.parameter_counts()
    for part, flag in zip(PARTS, flags):
        assert counts[part] == (full[part] if flag else 0)
    if any(flags):
        model(torch.randn(1, 3, 32, 32), torch.randint(0, 128, (1, 3))).sum().backward()
        for part, flag in zip(PARTS, flags):
            grads = [p.grad for p in getattr(model, part).parameters()]
            assert all((g is not None) == flag for g in grads)


def test_set_trainable_rejects_non_bool():
    with pytest.raises(TypeError, match="llm"):
        model_with().set_trainable(vision=False, connector=True, llm="yes")


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"patch_size": 5}, "patch_size"), ({"connector": "qformer"}, "connector"), ({"llm_heads": 5}, "llm_heads"),
     ({"vision_heads": 5}, "vision_heads"), ({"image_size": 0}, "image_size"),
     ({"connector": "pixel-shuffle", "shuffle_factor": 3}, "shuffle_factor"),
     ({"connector": "pool", "pool_side": 9}, "pool_side")],
)
def test_config_rejects_bad_values(kwargs, name):
    with pytest.raises(ValueError, match=name):
        TinyMLLMConfig(**kwargs)


def test_model_rejects_bad_input():
    model = model_with()
    images = torch.randn(2, 3, 32, 32)
    with pytest.raises(ValueError, match="input_ids"):
        model(images, torch.randn(2, 3))
    with pytest.raises(ValueError, match="input_ids"):
        model(images, torch.full((2, 3), 128))
    with pytest.raises(ValueError, match="input_ids"):
        model(images, torch.zeros(3, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="images"):
        model(torch.randn(2, 3, 16, 16), torch.zeros(2, 2, dtype=torch.long))
    with pytest.raises(ValueError, match="frames"):
        model.count_visual_tokens(0)
