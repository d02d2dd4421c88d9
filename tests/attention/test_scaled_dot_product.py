"""scaled_dot_product_attention against torch.nn.functional.scaled_dot_product_attention."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, strategies as st
from torch.nn.attention.bias import causal_lower_right, causal_upper_left

from examples.attention import attention_weights, causal_mask, scaled_dot_product_attention
from tests.attention.low_precision import LOW_PRECISION, assert_correctly_rounded, low_precision_inputs

DTYPES = st.sampled_from([torch.float32, torch.float64])


def tolerance(dtype: torch.dtype) -> dict:
    return {"atol": 1e-5, "rtol": 1e-4} if dtype == torch.float32 else {"atol": 1e-10, "rtol": 1e-9}


@st.composite
def qkv(draw):
    """Random (B, H, L, E) queries and (B, H, S, E/Ev) keys/values, possibly with L != S."""
    batch, heads = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    q_len, k_len = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    dim, v_dim = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    dtype = draw(DTYPES)
    seed = draw(st.integers(0, 2**16))
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(batch, heads, q_len, dim, generator=g, dtype=dtype)
    k = torch.randn(batch, heads, k_len, dim, generator=g, dtype=dtype)
    v = torch.randn(batch, heads, k_len, v_dim, generator=g, dtype=dtype)
    return q, k, v, g


@given(qkv())
def test_matches_torch_without_mask(inputs) -> None:
    q, k, v, _ = inputs
    torch.testing.assert_close(scaled_dot_product_attention(q, k, v), F.scaled_dot_product_attention(q, k, v), **tolerance(q.dtype))


@given(qkv())
def test_matches_torch_with_causal(inputs) -> None:
    q, k, v, _ = inputs
    ours = scaled_dot_product_attention(q, k, v, is_causal=True)
    theirs = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    # Top-left alignment: with L > S nothing is fully masked (query 0 sees key 0), so no NaN to special-case.
    torch.testing.assert_close(ours, theirs, **tolerance(q.dtype))


@given(qkv(), st.booleans(), st.floats(0.05, 3.0))
def test_matches_torch_with_bool_and_float_masks(inputs, use_bool, scale) -> None:
    q, k, v, g = inputs
    q_len, k_len = q.shape[-2], k.shape[-2]
    if use_bool:
        mask = torch.rand(q.shape[0], 1, q_len, k_len, generator=g) > 0.4  # broadcast over heads
        mask[..., 0] = True  # every query keeps a key: torch gives NaN otherwise
    else:
        mask = torch.randn(q_len, k_len, generator=g, dtype=q.dtype)
    ours = scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
    theirs = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=scale)
    torch.testing.assert_close(ours, theirs, **tolerance(q.dtype))


def test_default_scale_is_inverse_sqrt_head_dim() -> None:
    q, k = torch.randn(1, 3, 16, dtype=torch.float64), torch.randn(1, 5, 16, dtype=torch.float64)
    explicit = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(16), dim=-1)
    torch.testing.assert_close(attention_weights(q, k), explicit)


def test_fully_masked_query_gets_zeros_not_nan() -> None:
    q, k, v = torch.randn(1, 2, 4), torch.randn(1, 3, 4), torch.randn(1, 3, 5)
    mask = torch.tensor([[True, False, True], [False, False, False]])
    out = scaled_dot_product_attention(q, k, v, attn_mask=mask)
    naive = torch.softmax((q @ k.transpose(-2, -1)).masked_fill(~mask, float("-inf")), dim=-1)
    assert torch.isnan(naive[0, 1]).all()  # what a textbook softmax does
    assert torch.equal(out[0, 1], torch.zeros(5))
    # PyTorch's own math path (2.5 and later) also returns zeros for such a row.
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=mask))


def test_weights_rows_sum_to_one_or_zero() -> None:
    q, k = torch.randn(2, 4, 3), torch.randn(2, 6, 3)
    mask = torch.rand(2, 4, 6) > 0.5
    mask[0, 0] = False
    rows = attention_weights(q, k, attn_mask=mask).sum(-1)
    assert torch.allclose(rows[0, 0], torch.tensor(0.0))
    assert torch.allclose(rows[mask.any(-1)], torch.ones(()))


def test_gradcheck() -> None:
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(1, 2, n, 3, generator=g, dtype=torch.float64, requires_grad=True) for n in (3, 4, 4))
    mask = torch.tensor([[True, True, False, True]] * 3)
    assert torch.autograd.gradcheck(lambda a, b, c: scaled_dot_product_attention(a, b, c, attn_mask=mask), (q, k, v))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"q": [[1.0]]}, TypeError, "q must be a torch.Tensor"),
        ({"q": torch.randn(3)}, ValueError, "q must have at least 2 dims"),
        ({"k": torch.randn(2, 5)}, ValueError, "q and k must share the last dim"),
        ({"v": torch.randn(3, 4)}, ValueError, "k and v must have the same length"),
        ({"q": torch.ones(2, 4, dtype=torch.long)}, TypeError, "q must be floating point"),
        ({"attn_mask": torch.ones(2, 2, dtype=torch.long)}, TypeError, "attn_mask must be bool or floating"),
        ({"attn_mask": torch.ones(2, 2, dtype=torch.bool), "is_causal": True}, ValueError, "attn_mask and is_causal"),
    ],
)
def test_bad_input(kwargs, error, match) -> None:
    args = {"q": torch.randn(2, 4), "k": torch.randn(2, 4), "v": torch.randn(2, 3)} | kwargs
    with pytest.raises(error, match=match):
        scaled_dot_product_attention(**args)


@pytest.mark.filterwarnings("ignore:Lower right causal bias will produce NaNs")
@given(st.integers(1, 9), st.integers(1, 9), st.sampled_from(["top_left", "bottom_right"]))
def test_causal_mask_matches_torch_causal_bias(q_len, k_len, alignment) -> None:
    bias = causal_upper_left(q_len, k_len) if alignment == "top_left" else causal_lower_right(q_len, k_len)
    assert torch.equal(causal_mask(q_len, k_len, alignment), bias._materialize())


@pytest.mark.filterwarnings("ignore:Lower right causal bias will produce NaNs")
@given(qkv(), st.sampled_from(["top_left", "bottom_right"]))
def test_causal_alignments_match_torch(inputs, alignment) -> None:
    q, k, v, _ = inputs
    q_len, k_len = q.shape[-2], k.shape[-2]
    bias = causal_upper_left(q_len, k_len) if alignment == "top_left" else causal_lower_right(q_len, k_len)
    ours = scaled_dot_product_attention(q, k, v, is_causal=True, causal_alignment=alignment)
    # Bottom-right with L > S leaves the first L - S queries without a key; torch's math path gives zeros, as we do.
    torch.testing.assert_close(ours, F.scaled_dot_product_attention(q, k, v, attn_mask=bias), **tolerance(q.dtype))


def test_causal_mask_worked_example() -> None:
    assert causal_mask(2, 4).tolist() == [[True, False, False, False], [True, True, False, False]]
    assert causal_mask(2, 4, "bottom_right").tolist() == [[True, True, True, False], [True, True, True, True]]
    assert torch.equal(causal_mask(3, 3), causal_mask(3, 3, "bottom_right"))  # L = S: the same mask


def test_one_query_decode_step_needs_bottom_right() -> None:
    q, k, v = torch.randn(1, 1, 4, dtype=torch.float64), torch.randn(1, 6, 4, dtype=torch.float64), torch.randn(1, 6, 3, dtype=torch.float64)
    top_left = attention_weights(q, k, is_causal=True)
    bottom_right = attention_weights(q, k, is_causal=True, causal_alignment="bottom_right")
    assert torch.equal(top_left[0, 0], torch.tensor([1.0, 0, 0, 0, 0, 0], dtype=torch.float64))  # key 0 only
    torch.testing.assert_close(bottom_right, attention_weights(q, k))  # the newest query sees every key
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v, is_causal=True, causal_alignment="bottom_right"),
        F.scaled_dot_product_attention(q, k, v),
    )


@pytest.mark.parametrize("dtype", LOW_PRECISION)
@pytest.mark.parametrize("is_causal", [False, True])
def test_low_precision_is_correctly_rounded(dtype, is_causal) -> None:
    q, k, v = low_precision_inputs(dtype)
    assert_correctly_rounded(scaled_dot_product_attention(q, k, v, is_causal=is_causal), q, k, v, is_causal)
    weights = attention_weights(q, k)
    assert weights.dtype == dtype
    torch.testing.assert_close(weights.double(), attention_weights(q.double(), k.double()), rtol=torch.finfo(dtype).eps / 2, atol=1e-6)


def test_bad_causal_alignment_and_mixed_dtypes() -> None:
    x = torch.randn(2, 4)
    with pytest.raises(ValueError, match="causal_alignment must be one of"):
        scaled_dot_product_attention(x, x, x, is_causal=True, causal_alignment="bottom-right")
    with pytest.raises(TypeError, match="q, k and v must share a dtype"):
        scaled_dot_product_attention(x, x.double(), x)
