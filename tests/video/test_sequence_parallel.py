"""Ring attention and DeepSpeed-Ulysses, simulated, against full attention."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.video.sequence_parallel import (
    all_to_all,
    merge_partials,
    partial_attention,
    ring_attention,
    shard,
    ulysses_attention,
)


def qkv(batch, heads, tokens, dim, seed, value_dim=None):
    generator = torch.Generator().manual_seed(seed)
    shapes = [(batch, heads, tokens, dim)] * 2 + [(batch, heads, tokens, value_dim or dim)]
    return [torch.randn(shape, generator=generator, dtype=torch.float64) for shape in shapes]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 2), st.integers(1, 4), st.integers(1, 5), st.integers(1, 6), st.integers(1, 8),
       st.integers(0, 2**31 - 1))
def test_ring_attention_equals_full_attention(batch, heads, devices, per_device, dim, seed):
    q, k, v = qkv(batch, heads, devices * per_device, dim, seed, value_dim=dim + 1)
    torch.testing.assert_close(ring_attention(q, k, v, devices), F.scaled_dot_product_attention(q, k, v))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 2), st.integers(1, 4), st.integers(1, 3), st.integers(1, 6), st.integers(1, 8),
       st.integers(0, 2**31 - 1))
def test_ulysses_attention_equals_full_attention(batch, heads_per_device, devices, per_device, dim, seed):
    q, k, v = qkv(batch, heads_per_device * devices, devices * per_device, dim, seed)
    torch.testing.assert_close(ulysses_attention(q, k, v, devices), F.scaled_dot_product_attention(q, k, v))


def test_merge_of_two_key_blocks_is_attention_over_both():
    q, k, v = qkv(1, 2, 10, 4, seed=0)
    merged, lse = merge_partials(*partial_attention(q, k[:, :, :3], v[:, :, :3]), *partial_attention(q, k[:, :, 3:], v[:, :, 3:]))
    torch.testing.assert_close(merged, F.scaled_dot_product_attention(q, k, v))
    scores = q @ k.transpose(-1, -2) / 2.0  # sqrt(4)
    torch.testing.assert_close(lse, torch.logsumexp(scores, dim=-1, keepdim=True))


def test_large_scores_do_not_overflow():
    q, k, v = qkv(1, 1, 8, 4, seed=1)
    q = q * 300  # scores in the thousands: exp would overflow without the log-sum-exp form
    out = ring_attention(q, k, v, 4)
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v))


def test_all_to_all_moves_piece_j_to_device_j():
    pieces = [torch.tensor([[10 * i + j for j in range(3)]]) for i in range(3)]  # device i holds [10i, 10i+1, 10i+2]
    received = all_to_all(pieces, split_dim=1, concat_dim=0)
    assert [r.flatten().tolist() for r in received] == [[0, 10, 20], [1, 11, 21], [2, 12, 22]]
    assert [x.shape[2] for x in shard(torch.zeros(1, 1, 12, 1), 4)] == [3, 3, 3, 3]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda q: ring_attention(q, q, q, 3), ValueError, "devices"),  # 8 tokens, 3 devices
        (lambda q: ring_attention(q, q, q, 0), ValueError, "devices"),
        (lambda q: ulysses_attention(q, q, q, 4), ValueError, "heads"),  # 2 heads, 4 devices
        (lambda q: ring_attention(q[0], q[0], q[0], 2), ValueError, "batch, heads, tokens"),
        (lambda q: ring_attention(q, q[:, :, :4], q[:, :, :4], 2), ValueError, "tokens"),
        (lambda q: ring_attention(q.numpy(), q, q, 2), TypeError, "q"),
        (lambda q: shard(q, 3), ValueError, "devices"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call(torch.randn(1, 2, 8, 4))
