"""Perceiver Resampler: attention over concat(media, latents) against nn.MultiheadAttention."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.mllm import PerceiverAttention, PerceiverResampler

DTYPE = torch.float64


@settings(max_examples=20)
@given(st.integers(1, 12), st.integers(1, 6), st.integers(1, 3), st.sampled_from([1, 2, 4]))
def test_attention_matches_multihead_attention(n, m, b, heads):
    dim = 8
    attention = PerceiverAttention(dim, heads=heads, dim_head=dim // heads).to(DTYPE)
    media, latents = torch.randn(b, n, dim, dtype=DTYPE), torch.randn(b, m, dim, dtype=DTYPE)
    mha = nn.MultiheadAttention(dim, heads, bias=False, batch_first=True, dtype=DTYPE)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([attention.to_q.weight, attention.to_kv.weight]))  # q; then k, v
        mha.out_proj.weight.copy_(attention.to_out.weight)
    lat = attention.norm_latents(latents)
    kv = torch.cat([attention.norm_media(media), lat], dim=1)  # keys and values include the latents
    expected, _ = mha(lat, kv, kv, need_weights=False)
    torch.testing.assert_close(attention(media, latents), expected)


@settings(max_examples=10)
@given(st.integers(1, 40), st.integers(1, 3))
def test_any_number_of_inputs_gives_num_latents_outputs(n, b):
    resampler = PerceiverResampler(dim=16, depth=2, num_latents=5, heads=2, dim_head=8)
    assert resampler(torch.randn(b, n, 16)).shape == (b, 5, 16)
    assert resampler.num_tokens(7, 9) == 5


def test_flamingo_default_is_64_latents():
    assert PerceiverResampler(dim=8, heads=1, dim_head=8).num_latents == 64


def test_blind_to_input_order():
    """No position code inside: shuffling the visual tokens changes nothing."""
    resampler = PerceiverResampler(dim=8, depth=2, num_latents=3, heads=2, dim_head=4).to(DTYPE)
    media = torch.randn(2, 10, 8, dtype=DTYPE)
    shuffled = media[:, torch.randperm(10)]
    torch.testing.assert_close(resampler(shuffled), resampler(media))


def test_bad_inputs():
    with pytest.raises(ValueError, match="num_latents"):
        PerceiverResampler(dim=8, num_latents=0)
    with pytest.raises(ValueError, match="depth"):
        PerceiverResampler(dim=8, depth=0)
    with pytest.raises(TypeError, match="heads"):
        PerceiverAttention(8, heads=2.0)
    resampler = PerceiverResampler(dim=8, num_latents=2, heads=1, dim_head=8)
    with pytest.raises(ValueError, match="media"):
        resampler(torch.randn(2, 3, 7))
    with pytest.raises(TypeError, match="media"):
        resampler([[0.0] * 8])
