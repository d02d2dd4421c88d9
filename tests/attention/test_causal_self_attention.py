"""The decoder attention layer: against PyTorch with the same weights, and decoding with a KV cache."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from einops import rearrange
from hypothesis import given, settings, strategies as st

from examples.attention import CausalSelfAttention, KVCache, prefill_then_decode


def torch_reference(layer: CausalSelfAttention, x: torch.Tensor) -> torch.Tensor:
    """The same layer from torch pieces: separate q/k/v weight slices, complex RoPE, SDPA with enable_gqa."""
    h, g, d = layer.num_heads, layer.num_kv_heads, layer.head_dim
    w_q, w_k, w_v = layer.qkv_proj.weight.split([h * d, g * d, g * d])
    q = rearrange(x @ w_q.T, "b t (h d) -> b h t d", h=h)
    k = rearrange(x @ w_k.T, "b t (g d) -> b g t d", g=g)
    v = rearrange(x @ w_v.T, "b t (g d) -> b g t d", g=g)
    theta = layer.rope_base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    rotation = torch.polar(torch.ones(x.shape[1], d // 2, dtype=torch.float64), torch.arange(x.shape[1]).double()[:, None] * theta)

    def rope(t: torch.Tensor) -> torch.Tensor:
        pairs = torch.view_as_complex(rearrange(t.double(), "... (i two) -> ... i two", two=2).contiguous())
        return rearrange(torch.view_as_real(pairs * rotation), "... i two -> ... (i two)").to(t.dtype)

    out = F.scaled_dot_product_attention(rope(q), rope(k), v, is_causal=True, enable_gqa=True)
    return rearrange(out, "b h t d -> b t (h d)") @ layer.out_proj.weight.T


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 9), st.integers(0, 2**16))
def test_matches_torch_pieces(groups, per_group, half_dim, length, seed) -> None:
    torch.manual_seed(seed)
    heads = groups * per_group
    layer = CausalSelfAttention(heads * 2 * half_dim, heads, groups).double()
    x = torch.randn(2, length, heads * 2 * half_dim, dtype=torch.float64)
    torch.testing.assert_close(layer(x), torch_reference(layer, x))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 10), st.data())
def test_decode_with_cache_equals_full_recomputation(length, data) -> None:
    torch.manual_seed(data.draw(st.integers(0, 2**16)))
    layer = CausalSelfAttention(16, 4, data.draw(st.sampled_from([1, 2, 4]))).double()
    x = torch.randn(2, length, 16, dtype=torch.float64)
    prompt_len = data.draw(st.integers(1, length))
    torch.testing.assert_close(prefill_then_decode(layer, x, prompt_len), layer(x))


def test_chunks_of_several_tokens_also_need_bottom_right() -> None:
    torch.manual_seed(0)
    layer = CausalSelfAttention(8, 2, 1).double()
    x = torch.randn(1, 7, 8, dtype=torch.float64)
    cache = KVCache(1, 1, 7, 4, dtype=torch.float64)
    pieces = [layer(x[:, :3], cache), layer(x[:, 3:5], cache), layer(x[:, 5:], cache)]  # 3 + 2 + 2 tokens
    torch.testing.assert_close(torch.cat(pieces, dim=1), layer(x))


def test_bad_construction_and_prompt() -> None:
    with pytest.raises(ValueError, match="num_heads by num_kv_heads"):
        CausalSelfAttention(12, 6, 4)
    with pytest.raises(ValueError, match="prompt_len \\(5\\) exceeds"):
        prefill_then_decode(CausalSelfAttention(8, 2, 2), torch.randn(1, 3, 8), 5)
    with pytest.raises(ValueError, match="prompt_len must be >= 1"):
        prefill_then_decode(CausalSelfAttention(8, 2, 2), torch.randn(1, 3, 8), 0)
    with pytest.raises(ValueError, match="x must be a \\(batch, tokens, 8\\) tensor"):
        CausalSelfAttention(8, 2, 2)(torch.randn(3, 8))
    with pytest.raises(ValueError, match="k must have shape"):  # a cache built for another batch size
        CausalSelfAttention(8, 2, 2)(torch.randn(1, 3, 8), KVCache(2, 2, 4, 4))
