"""MultiHeadAttention against torch.nn.MultiheadAttention with the same weights."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, strategies as st
from torch import nn

from examples.attention import MultiHeadAttention


def tolerance(dtype: torch.dtype) -> dict:
    return {"atol": 2e-5, "rtol": 1e-4} if dtype == torch.float32 else {"atol": 1e-10, "rtol": 1e-9}


@st.composite
def setup(draw):
    """A torch module, our copy of it, and batch-first inputs (cross-attention when S != L)."""
    heads = draw(st.integers(1, 4))
    embed = heads * draw(st.integers(1, 4))
    batch, q_len, k_len = draw(st.integers(1, 3)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    dtype = draw(st.sampled_from([torch.float32, torch.float64]))
    bias = draw(st.booleans())
    torch.manual_seed(draw(st.integers(0, 2**16)))
    theirs = nn.MultiheadAttention(embed, heads, bias=bias, batch_first=True, dtype=dtype)
    if bias:  # torch zero-initialises the biases; make them count
        with torch.no_grad():
            theirs.in_proj_bias.normal_()
            theirs.out_proj.bias.normal_()
    ours = MultiHeadAttention.from_torch(theirs)
    query = torch.randn(batch, q_len, embed, dtype=dtype)
    memory = torch.randn(batch, k_len, embed, dtype=dtype)
    return theirs, ours, query, memory


@given(setup())
def test_self_attention_matches_torch(s) -> None:
    theirs, ours, query, _ = s
    expected, expected_weights = theirs(query, query, query, average_attn_weights=False)
    got, weights = ours(query, need_weights=True)
    torch.testing.assert_close(got, expected, **tolerance(query.dtype))
    torch.testing.assert_close(weights, expected_weights, **tolerance(query.dtype))


@given(setup(), st.data())
def test_cross_attention_with_padding_matches_torch(s, data) -> None:
    theirs, ours, query, memory = s
    batch, k_len = memory.shape[:2]
    lengths = data.draw(st.lists(st.integers(1, k_len), min_size=batch, max_size=batch))
    padding = torch.arange(k_len) >= torch.tensor(lengths)[:, None]  # (B, S), True = padding
    expected = theirs(query, memory, memory, key_padding_mask=padding)[0]
    torch.testing.assert_close(ours(query, memory, key_padding_mask=padding), expected, **tolerance(query.dtype))


@given(setup(), st.data())
def test_causal_and_padding_match_torch(s, data) -> None:
    theirs, ours, query, _ = s
    batch, length = query.shape[:2]
    lengths = data.draw(st.lists(st.integers(1, length), min_size=batch, max_size=batch))
    padding = torch.arange(length) >= torch.tensor(lengths)[:, None]
    causal = torch.ones(length, length, dtype=torch.bool).triu(1)  # True = masked, torch's convention
    expected = theirs(query, query, query, key_padding_mask=padding, attn_mask=causal)[0]
    got = ours(query, key_padding_mask=padding, is_causal=True)
    torch.testing.assert_close(got, expected, **tolerance(query.dtype))
    torch.testing.assert_close(ours(query, key_padding_mask=padding, attn_mask=causal), expected, **tolerance(query.dtype))


@given(setup(), st.data())
def test_float_and_per_head_masks_match_torch(s, data) -> None:
    theirs, ours, query, memory = s
    batch, q_len, k_len = query.shape[0], query.shape[1], memory.shape[1]
    per_head = data.draw(st.booleans())
    shape = (batch * theirs.num_heads, q_len, k_len) if per_head else (q_len, k_len)
    mask = torch.randn(shape, dtype=query.dtype)
    expected = theirs(query, memory, memory, attn_mask=mask)[0]
    torch.testing.assert_close(ours(query, memory, attn_mask=mask), expected, **tolerance(query.dtype))


def test_fully_masked_query_gives_bias_not_nan() -> None:
    torch.manual_seed(0)
    theirs = nn.MultiheadAttention(8, 2, batch_first=True)
    ours = MultiHeadAttention.from_torch(theirs)
    x = torch.randn(1, 3, 8)
    mask = torch.zeros(3, 3, dtype=torch.bool)
    mask[1] = True  # query 1 may attend to nothing
    assert torch.isnan(theirs(x, x, x, attn_mask=mask)[0][0, 1]).all()
    out, weights = ours(x, attn_mask=mask, need_weights=True)
    assert torch.equal(weights[0, :, 1], torch.zeros(2, 3))
    torch.testing.assert_close(out[0, 1], ours.out_proj.bias)
    torch.testing.assert_close(out[0, [0, 2]], theirs(x, x, x, attn_mask=mask)[0][0, [0, 2]])


def test_gradcheck() -> None:
    torch.manual_seed(0)
    m = MultiHeadAttention(6, 3).double()
    x = torch.randn(2, 4, 6, dtype=torch.float64, requires_grad=True)
    padding = torch.tensor([[False, False, True, True], [False] * 4])
    assert torch.autograd.gradcheck(lambda t: m(t, key_padding_mask=padding, is_causal=True), (x,))


def test_key_defaults_to_query_and_value_to_key() -> None:
    m = MultiHeadAttention(4, 2)
    x, y = torch.randn(1, 3, 4), torch.randn(1, 5, 4)
    torch.testing.assert_close(m(x), m(x, x, x))
    torch.testing.assert_close(m(x, y), m(x, y, y))


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((10, 3), ValueError, "divisible"),
        ((0, 1), ValueError, "embed_dim must be >= 1"),
        ((8, 0), ValueError, "num_heads must be >= 1"),
        ((8.0, 2), TypeError, "embed_dim must be an int"),
    ],
)
def test_bad_construction(args, error, match) -> None:
    with pytest.raises(error, match=match):
        MultiHeadAttention(*args)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"query": torch.randn(3, 8)}, ValueError, "query must be"),
        ({"query": torch.randn(2, 3, 6)}, ValueError, "embed_dim=8"),
        ({"key": torch.randn(3, 4, 8)}, ValueError, "batch size"),
        ({"key": torch.randn(2, 4, 8), "value": torch.randn(2, 5, 8)}, ValueError, "same length"),
        ({"key_padding_mask": torch.zeros(2, 4, dtype=torch.bool)}, ValueError, "key_padding_mask must have shape"),
        ({"key_padding_mask": torch.zeros(2, 3, dtype=torch.long)}, TypeError, "key_padding_mask must be bool"),
        ({"attn_mask": torch.zeros(3, 4, dtype=torch.bool)}, ValueError, "attn_mask must have shape"),
        ({"attn_mask": torch.zeros(3, 3, dtype=torch.int32)}, TypeError, "attn_mask must be bool"),
        ({"attn_mask": torch.zeros(3, 3, dtype=torch.bool), "is_causal": True}, ValueError, "is_causal"),
        ({"query": "x"}, TypeError, "query must be a torch.Tensor"),
    ],
)
def test_bad_forward(kwargs, error, match) -> None:
    m = MultiHeadAttention(8, 2)
    args = {"query": torch.randn(2, 3, 8)} | kwargs
    with pytest.raises(error, match=match):
        m(**args)


def test_from_torch_rejects_other_modules() -> None:
    with pytest.raises(TypeError, match="m must be an nn.MultiheadAttention"):
        MultiHeadAttention.from_torch(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="bias_k"):
        MultiHeadAttention.from_torch(nn.MultiheadAttention(4, 2, add_bias_kv=True))
