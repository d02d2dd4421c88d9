"""Chunked attention with an online softmax equals PyTorch's scaled_dot_product_attention."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.video_harness import peak_memory_bytes
from examples.attention.chunked import chunked_attention
from examples.attention.scaled_dot_product import scaled_dot_product_attention
from tests.attention.low_precision import LOW_PRECISION, assert_correctly_rounded, low_precision_inputs


@settings(max_examples=40, deadline=None)
@given(
    q_len=st.integers(1, 40),
    k_len=st.integers(1, 40),
    chunk_size=st.integers(1, 17),
    is_causal=st.booleans(),
    dtype=st.sampled_from([torch.float32, torch.float64]),
    seed=st.integers(0, 2**16),
)
def test_equals_sdpa(q_len, k_len, chunk_size, is_causal, dtype, seed):
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(2, 3, q_len, 8, generator=gen, dtype=dtype)
    k = torch.randn(2, 3, k_len, 8, generator=gen, dtype=dtype)
    v = torch.randn(2, 3, k_len, 5, generator=gen, dtype=dtype)
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)
    tol = {"atol": 1e-5, "rtol": 1e-4} if dtype == torch.float32 else {"atol": 1e-11, "rtol": 1e-10}
    torch.testing.assert_close(chunked_attention(q, k, v, chunk_size=chunk_size, is_causal=is_causal), expected, **tol)


@pytest.mark.parametrize("is_causal", [False, True])
def test_chunk_size_not_dividing_length(is_causal):
    q, k, v = (torch.randn(1, 2, 100, 16, dtype=torch.float64) for _ in range(3))
    expected = F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)
    torch.testing.assert_close(chunked_attention(q, k, v, chunk_size=33, is_causal=is_causal), expected)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_scale_and_large_scores_are_stable(dtype):
    q, k, v = (torch.randn(1, 1, 64, 8, dtype=dtype) * 30 for _ in range(3))  # scores in the thousands
    out = chunked_attention(q, k, v, chunk_size=7, scale=0.5)
    assert torch.isfinite(out).all()  # a naive exp would overflow; the running max keeps it finite
    if dtype == torch.float64:
        torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, scale=0.5))


def test_peak_memory_grows_linearly_not_quadratically():
    def peaks(fn):
        out = []
        for length in (512, 1024):
            q, k, v = (torch.randn(1, 1, length, 16) for _ in range(3))
            out.append(peak_memory_bytes(lambda: fn(q, k, v)))
        return out

    small, large = peaks(lambda q, k, v: chunked_attention(q, k, v, chunk_size=64))
    assert large / small < 2.5  # output and accumulators only: ~2× when L doubles
    small, large = peaks(lambda q, k, v: torch.softmax(q @ k.transpose(-2, -1), dim=-1) @ v)
    assert large / small > 3.5  # the L×L scores: ~4× when L doubles


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"chunk_size": 0}, "chunk_size"),
        ({"chunk_size": -3}, "chunk_size"),
    ],
)
def test_bad_chunk_size_raises_value_error(kwargs, match):
    x = torch.randn(1, 4, 8)
    with pytest.raises(ValueError, match=match):
        chunked_attention(x, x, x, **kwargs)


@pytest.mark.parametrize("chunk_size", [2.0, True, "4"])
def test_non_int_chunk_size_raises_type_error(chunk_size):
    x = torch.randn(1, 4, 8)
    with pytest.raises(TypeError, match="chunk_size"):
        chunked_attention(x, x, x, chunk_size=chunk_size)


def test_bad_shapes_raise_value_error():
    q = torch.randn(1, 4, 8)
    with pytest.raises(ValueError, match="q and k"):
        chunked_attention(q, torch.randn(1, 4, 7), torch.randn(1, 4, 8))
    with pytest.raises(ValueError, match="k and v"):
        chunked_attention(q, torch.randn(1, 5, 8), torch.randn(1, 4, 8))
    with pytest.raises(ValueError, match="leading dims"):
        chunked_attention(q, torch.randn(2, 4, 8), torch.randn(2, 4, 8))
    with pytest.raises(ValueError, match="k must hold"):
        chunked_attention(q, torch.randn(1, 0, 8), torch.randn(1, 0, 8))
    with pytest.raises(TypeError, match="q"):
        chunked_attention(q.long(), q, q)


@settings(max_examples=40, deadline=None)
@given(
    q_len=st.integers(1, 30),
    k_len=st.integers(1, 30),
    chunk_size=st.integers(1, 11),
    alignment=st.sampled_from(["top_left", "bottom_right"]),
    seed=st.integers(0, 2**16),
)
def test_causal_alignments_equal_explicit_attention(q_len, k_len, chunk_size, alignment, seed):
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(2, 3, q_len, 8, generator=gen, dtype=torch.float64)
    k = torch.randn(2, 3, k_len, 8, generator=gen, dtype=torch.float64)
    v = torch.randn(2, 3, k_len, 5, generator=gen, dtype=torch.float64)
    expected = scaled_dot_product_attention(q, k, v, is_causal=True, causal_alignment=alignment)  # tested against torch
    got = chunked_attention(q, k, v, chunk_size=chunk_size, is_causal=True, causal_alignment=alignment)
    torch.testing.assert_close(got, expected, atol=1e-11, rtol=1e-10)


def test_bottom_right_with_more_queries_than_keys_gives_zeros_not_nan():
    q, k, v = torch.randn(1, 6, 4), torch.randn(1, 2, 4), torch.randn(1, 2, 3)
    out = chunked_attention(q, k, v, chunk_size=2, is_causal=True, causal_alignment="bottom_right")
    assert torch.equal(out[0, :4], torch.zeros(4, 3))  # queries 0..3 come before every key
    torch.testing.assert_close(out[0, 5], F.scaled_dot_product_attention(q[:, 5:], k, v)[0, 0])


@pytest.mark.parametrize("dtype", LOW_PRECISION)
@pytest.mark.parametrize("is_causal", [False, True])
def test_low_precision_is_correctly_rounded(dtype, is_causal):
    q, k, v = low_precision_inputs(dtype)
    assert_correctly_rounded(chunked_attention(q, k, v, chunk_size=37, is_causal=is_causal), q, k, v, is_causal)


def test_bad_causal_alignment_raises_value_error():
    x = torch.randn(1, 4, 8)
    with pytest.raises(ValueError, match="causal_alignment"):
        chunked_attention(x, x, x, is_causal=True, causal_alignment="lower_right")
