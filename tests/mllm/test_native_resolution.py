"""Packing and windowed attention: against attention run image by image, and against brute-force counts."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch.nn import functional as F

from examples.mllm.native_resolution import (
    attention_pairs,
    block_diagonal_mask,
    pack_greedy,
    packed_attention,
    qwen25_vl_vit_pairs,
    segment_ids,
    window_ids,
)


@settings(max_examples=60)
@given(st.lists(st.integers(1, 50), min_size=1, max_size=12), st.integers(50, 120))
def test_pack_greedy_is_a_partition_within_capacity(lengths, capacity):
    bins = pack_greedy(lengths, capacity)
    assert sorted(i for b in bins for i in b) == list(range(len(lengths)))
    assert all(sum(lengths[i] for i in b) <= capacity for b in bins)
    for later, b in enumerate(bins):  # first fit: an image did not fit in any earlier sequence when it came
        for i in b:
            for earlier in bins[:later]:
                load = sum(lengths[j] for j in earlier if j < i)
                assert load + lengths[i] > capacity


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=4), st.integers(0, 5))
def test_packed_attention_equals_one_image_at_a_time(lengths, padding):
    torch.manual_seed(sum(lengths) + padding)
    capacity = sum(lengths) + padding
    q, k, v = (torch.randn(2, capacity, 8, dtype=torch.float64) for _ in range(3))
    out = packed_attention(q, k, v, segment_ids(lengths, capacity))
    start = 0
    for n in lengths:
        alone = F.scaled_dot_product_attention(q[:, start : start + n], k[:, start : start + n], v[:, start : start + n])
        torch.testing.assert_close(out[:, start : start + n], alone)
        start += n
    assert torch.isfinite(out).all()  # padding rows attend to themselves, never to nothing


def test_mask_and_segments_example():
    segments = segment_ids([3, 2], capacity=6)
    assert segments.tolist() == [0, 0, 0, 1, 1, -1]
    mask = block_diagonal_mask(segments)
    assert mask.sum() == 3 * 3 + 2 * 2 + 1
    assert not mask[0, 3] and mask[3, 4] and mask[5, 5] and not mask[5, 4]


@settings(max_examples=40)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(1, 10))
def test_window_ids_against_brute_force(grid_h, grid_w, window):
    ids = window_ids(grid_h, grid_w, window).reshape(grid_h, grid_w)
    for r in range(grid_h):
        for c in range(grid_w):
            for r2, c2 in ((r, 0), (0, c), (grid_h - 1, grid_w - 1)):
                same = (r // window, c // window) == (r2 // window, c2 // window)
                assert (ids[r, c] == ids[r2, c2]).item() == same
    mask = ids.reshape(-1, 1) == ids.reshape(1, -1)
    assert attention_pairs(ids.reshape(-1)) == int(mask.sum())


def test_qwen25_vl_layout():
    windowed, full = qwen25_vl_vit_pairs(16, 16)  # 224 x 224: four 8 x 8 windows
    assert full == 32 * 256**2
    assert windowed == 28 * 4 * 64**2 + 4 * 256**2
    windowed, full = qwen25_vl_vit_pairs(8, 8)  # one window: nothing saved
    assert windowed == full


def test_bad_inputs():
    with pytest.raises(ValueError, match="capacity"):
        pack_greedy([10, 200], capacity=100)
    with pytest.raises(ValueError, match="capacity"):
        segment_ids([5, 5], capacity=8)
    with pytest.raises(TypeError, match="segments"):
        block_diagonal_mask(torch.zeros(2, 2))
    with pytest.raises(ValueError, match="shape"):
        packed_attention(torch.zeros(1, 4, 2), torch.zeros(1, 4, 2), torch.zeros(1, 4, 2), torch.zeros(3))
    with pytest.raises(ValueError, match="full_layers"):
        qwen25_vl_vit_pairs(8, 8, depth=4, full_layers=(7,))
    with pytest.raises(ValueError, match="window"):
        window_ids(4, 4, 0)
