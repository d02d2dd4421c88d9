"""grouped_query_attention against F.scaled_dot_product_attention(..., enable_gqa=True)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, strategies as st
from torch.nn.attention.bias import causal_lower_right

from examples.attention import grouped_query_attention


@st.composite
def gqa_inputs(draw):
    """q (B, H, L, D), k/v (B, G, S, D|Dv) in float64 with G dividing H."""
    groups, per_group = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    batch, q_len, k_len = draw(st.integers(1, 2)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    dim, v_dim = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    g = torch.Generator().manual_seed(draw(st.integers(0, 2**16)))
    q = torch.randn(batch, groups * per_group, q_len, dim, generator=g, dtype=torch.float64)
    k = torch.randn(batch, groups, k_len, dim, generator=g, dtype=torch.float64)
    v = torch.randn(batch, groups, k_len, v_dim, generator=g, dtype=torch.float64)
    return q, k, v


@given(gqa_inputs(), st.booleans())
def test_matches_torch_enable_gqa(inputs, is_causal) -> None:
    q, k, v = inputs
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=is_causal, enable_gqa=True)
    torch.testing.assert_close(grouped_query_attention(q, k, v, is_causal=is_causal), expected)


@given(gqa_inputs())
def test_bottom_right_matches_torch(inputs) -> None:
    q, k, v = inputs
    q = q[:, :, : k.shape[2]]  # L <= S
    expected = F.scaled_dot_product_attention(
        q, k, v, attn_mask=causal_lower_right(q.shape[2], k.shape[2])._materialize(), enable_gqa=True
    )
    torch.testing.assert_close(grouped_query_attention(q, k, v, is_causal=True, causal_alignment="bottom_right"), expected)


def test_mqa_and_mha_are_the_two_ends() -> None:
    q, k, v = torch.randn(1, 4, 3, 8), torch.randn(1, 1, 5, 8), torch.randn(1, 1, 5, 8)
    mqa = grouped_query_attention(q, k, v)  # one key/value head for all four query heads
    torch.testing.assert_close(mqa, F.scaled_dot_product_attention(q, k.expand(1, 4, 5, 8), v.expand(1, 4, 5, 8)))
    k4, v4 = torch.randn(1, 4, 5, 8), torch.randn(1, 4, 5, 8)
    torch.testing.assert_close(grouped_query_attention(q, k4, v4), F.scaled_dot_product_attention(q, k4, v4))


def test_query_head_h_reads_kv_head_h_over_group_size() -> None:
    q = torch.randn(1, 6, 2, 4, dtype=torch.float64)
    k, v = torch.randn(1, 3, 5, 4, dtype=torch.float64), torch.randn(1, 3, 5, 4, dtype=torch.float64)
    out = grouped_query_attention(q, k, v)
    for head in range(6):
        torch.testing.assert_close(out[:, head], F.scaled_dot_product_attention(q[:, head], k[:, head // 2], v[:, head // 2]))


@pytest.mark.parametrize(
    ("shapes", "match"),
    [
        (((1, 6, 2, 4), (1, 4, 5, 4), (1, 4, 5, 4)), "multiple of the key/value heads"),
        (((1, 6, 2, 4), (1, 3, 5, 4), (1, 2, 5, 4)), "same number of heads"),
        (((2, 6, 2, 4), (1, 3, 5, 4), (1, 3, 5, 4)), "batch size"),
        (((6, 2, 4), (3, 5, 4), (3, 5, 4)), "must be \\(batch, heads, length, dim\\)"),
    ],
)
def test_bad_shapes(shapes, match) -> None:
    q, k, v = (torch.randn(*shape) for shape in shapes)
    with pytest.raises(ValueError, match=match):
        grouped_query_attention(q, k, v)
