"""The Qwen-VL-style adapter against nn.MultiheadAttention with the same weights."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.mllm import CrossAttentionAdapter, interpolate_pos_2d, sincos_2d

DTYPE = torch.float64


def make_adapter(vision_dim=6, llm_dim=16, num_queries=9, num_heads=4, seed=0) -> CrossAttentionAdapter:
    torch.manual_seed(seed)
    adapter = CrossAttentionAdapter(vision_dim, llm_dim, num_queries, num_heads).to(DTYPE)
    with torch.no_grad():  # non-trivial norms so that a missing LayerNorm would show
        for ln in (adapter.ln_q, adapter.ln_kv, adapter.ln_post):
            ln.weight.uniform_(0.5, 1.5)
            ln.bias.normal_()
    return adapter


def reference(adapter: CrossAttentionAdapter, x: torch.Tensor, grid, key_padding_mask=None) -> torch.Tensor:
    """The same computation through torch.nn.MultiheadAttention."""
    d = adapter.llm_dim
    mha = nn.MultiheadAttention(d, adapter.num_heads, batch_first=True, dtype=DTYPE)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([adapter.q_proj.weight, adapter.k_proj.weight, adapter.v_proj.weight]))
        mha.in_proj_bias.copy_(torch.cat([adapter.q_proj.bias, adapter.k_proj.bias, adapter.v_proj.bias]))
        mha.out_proj.weight.copy_(adapter.out_proj.weight)
        mha.out_proj.bias.copy_(adapter.out_proj.bias)
    side = int(adapter.num_queries**0.5)
    pos_q = sincos_2d(side, side, d)
    pos_k = interpolate_pos_2d(pos_q, (side, side), grid)
    kv = adapter.ln_kv(x @ adapter.kv_proj.weight.T)
    query = (adapter.ln_q(adapter.query) + pos_q).expand(x.shape[0], -1, -1)
    out, _ = mha(query, kv + pos_k, kv, key_padding_mask=key_padding_mask, need_weights=False)
    return adapter.ln_post(out) @ adapter.proj.weight.T


@settings(max_examples=20)
@given(st.integers(1, 7), st.integers(1, 7), st.integers(1, 3))
def test_matches_multihead_attention_for_any_grid(grid_h, grid_w, b):
    adapter = make_adapter()
    x = torch.randn(b, grid_h * grid_w, 6, dtype=DTYPE)
    out = adapter(x, (grid_h, grid_w))
    assert out.shape == (b, 9, 16)
    torch.testing.assert_close(out, reference(adapter, x, (grid_h, grid_w)))


def test_patch_mask_matches_key_padding_mask():
    adapter = make_adapter()
    x = torch.randn(2, 20, 6, dtype=DTYPE)
    keep = torch.ones(2, 20, dtype=torch.bool)
    keep[0, 5:] = False
    keep[1, :3] = False
    out = adapter(x, (4, 5), patch_mask=keep.long())
    torch.testing.assert_close(out, reference(adapter, x, (4, 5), key_padding_mask=~keep))


def test_qwen_vl_shapes_256_queries_from_224_and_448_px():
    """Stage 1 at 224 px: 16 x 16 = 256 patches -> 256 tokens; later stages at 448 px: 1024 -> 256."""
    adapter = CrossAttentionAdapter(vision_dim=8, llm_dim=16)
    assert adapter.num_queries == 256
    for side in (224, 448):
        grid = side // 14
        assert adapter(torch.randn(1, grid * grid, 8)).shape == (1, 256, 16)
        assert adapter.num_tokens(grid, grid) == 256


def test_structure_follows_qwen_vl():
    with torch.device("meta"):  # Qwen-VL's sizes, without allocating them
        adapter = CrossAttentionAdapter(vision_dim=1664, llm_dim=4096, num_queries=256)
    assert adapter.num_heads == 4096 // 128
    assert adapter.kv_proj.bias is None
    small = CrossAttentionAdapter(vision_dim=8, llm_dim=32, num_queries=256)
    assert "pos" not in dict(small.named_parameters())  # fixed, not learned
    torch.testing.assert_close(small.pos, sincos_2d(16, 16, 32).float())


def test_positions_go_on_keys_not_values():
    """Positions only steer the attention weights. With a single patch every weight is 1, so a
    different position code cannot change the output; it would if the code were added to the values."""
    adapter = make_adapter()
    x = torch.randn(1, 1, 6, dtype=DTYPE)
    before = adapter(x, (1, 1))
    with torch.no_grad():
        adapter.pos.add_(torch.randn_like(adapter.pos))
    torch.testing.assert_close(adapter(x, (1, 1)), before)


def test_interpolate_pos_2d():
    pos = sincos_2d(4, 4, 8)
    assert interpolate_pos_2d(pos, (4, 4), (4, 4)) is pos
    constant = torch.ones(16, 8, dtype=DTYPE) * 3
    torch.testing.assert_close(interpolate_pos_2d(constant, (4, 4), (7, 5)), torch.full((35, 8), 3.0, dtype=DTYPE))
    with pytest.raises(ValueError, match="pos"):
        interpolate_pos_2d(pos, (3, 4), (4, 4))


def test_bad_inputs():
    with pytest.raises(ValueError, match="num_queries"):
        CrossAttentionAdapter(4, 16, num_queries=10)
    with pytest.raises(ValueError, match="num_heads"):
        CrossAttentionAdapter(4, 16, num_queries=4, num_heads=3)
    with pytest.raises(ValueError, match="llm_dim"):
        CrossAttentionAdapter(4, 6, num_queries=4, num_heads=1)
    with pytest.raises(ValueError, match="vision_dim"):
        CrossAttentionAdapter(0, 16)
    adapter = CrossAttentionAdapter(4, 16, num_queries=4, num_heads=2)
    with pytest.raises(ValueError, match="x must have shape"):
        adapter(torch.randn(1, 9, 5))
    with pytest.raises(ValueError, match="grid"):
        adapter(torch.randn(1, 10, 4))
    with pytest.raises(ValueError, match="patch_mask"):
        adapter(torch.randn(1, 9, 4), patch_mask=torch.ones(1, 8))
