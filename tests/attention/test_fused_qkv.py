"""A fused QKV projection equals the three separate projections with the same weights."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, strategies as st
from torch import nn

from examples.attention import fuse_qkv, split_qkv


@given(st.integers(1, 8), st.integers(1, 8), st.integers(1, 8), st.integers(1, 8), st.booleans(), st.integers(0, 2**16))
def test_fused_equals_separate(width, q_dim, k_dim, v_dim, bias, seed) -> None:
    torch.manual_seed(seed)
    q_proj, k_proj, v_proj = (nn.Linear(width, d, bias=bias, dtype=torch.float64) for d in (q_dim, k_dim, v_dim))
    x = torch.randn(2, 3, width, dtype=torch.float64)
    q, k, v = split_qkv(fuse_qkv(q_proj, k_proj, v_proj)(x), q_dim, k_dim, v_dim)
    torch.testing.assert_close(q, q_proj(x))
    torch.testing.assert_close(k, k_proj(x))
    torch.testing.assert_close(v, v_proj(x))


def test_fused_layer_is_torch_in_proj_weight() -> None:
    torch.manual_seed(0)
    m = nn.MultiheadAttention(8, 2)
    separate = [nn.Linear(8, 8) for _ in range(3)]
    with torch.no_grad():
        for layer, w, b in zip(separate, m.in_proj_weight.chunk(3), m.in_proj_bias.chunk(3)):
            layer.weight.copy_(w)
            layer.bias.copy_(b)
    fused = fuse_qkv(*separate)
    assert torch.equal(fused.weight, m.in_proj_weight) and torch.equal(fused.bias, m.in_proj_bias)


@pytest.mark.parametrize(
    ("layers", "error", "match"),
    [
        ((nn.Linear(4, 4), nn.Linear(5, 4), nn.Linear(4, 4)), ValueError, "same width"),
        ((nn.Linear(4, 4), nn.Linear(4, 4, bias=False), nn.Linear(4, 4)), ValueError, "bias"),
        ((nn.Linear(4, 4), nn.Conv1d(4, 4, 1), nn.Linear(4, 4)), TypeError, "k_proj must be an nn.Linear"),
    ],
)
def test_bad_layers(layers, error, match) -> None:
    with pytest.raises(error, match=match):
        fuse_qkv(*layers)


def test_split_checks_the_width() -> None:
    with pytest.raises(ValueError, match="expected 4 \\+ 2 \\+ 2"):
        split_qkv(torch.randn(3, 9), 4, 2)
