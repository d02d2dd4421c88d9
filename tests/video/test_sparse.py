"""Every efficient video attention pattern equals dense attention with its token-level mask."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.attention import scaled_dot_product_attention
from examples.video.masks import (
    sliding_tile_keep,
    sliding_window_mask,
    spatial_mask,
    temporal_mask,
    tile_grid,
    tile_mask,
    window_mask,
)
from examples.video.sparse import (
    divided_space_time_attention,
    neighbour_index,
    sliding_window_attention,
    spatial_attention,
    temporal_attention,
    tile_sparse_attention,
    window_attention,
)

small = st.integers(min_value=1, max_value=3)
dtypes = st.sampled_from([torch.float32, torch.float64])


def tol(dtype):
    return {"atol": 1e-5, "rtol": 1e-4} if dtype == torch.float32 else {"atol": 1e-10, "rtol": 1e-9}


def qkv(grid, dtype, seed, batch=2, heads=2, dim=4):
    gen = torch.Generator().manual_seed(seed)
    tokens = grid[0] * grid[1] * grid[2]
    return [torch.randn(batch, heads, tokens, dim, generator=gen, dtype=dtype) for _ in range(3)]


@st.composite
def divisible(draw):
    """A grid with a window/tile that divides it, and a shift below the window."""
    part = draw(st.tuples(small, small, small))
    counts = draw(st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)))
    grid = tuple(p * c for p, c in zip(part, counts))
    shift = tuple(draw(st.integers(0, p - 1)) for p in part)
    return grid, part, shift


@settings(max_examples=25, deadline=None)
@given(grid=st.tuples(small, small, small), dtype=dtypes, seed=st.integers(0, 2**16))
def test_spatial_and_temporal_equal_masked_dense(grid, dtype, seed):
    q, k, v = qkv(grid, dtype, seed)
    torch.testing.assert_close(
        spatial_attention(q, k, v, grid), F.scaled_dot_product_attention(q, k, v, attn_mask=spatial_mask(grid)), **tol(dtype)
    )
    torch.testing.assert_close(
        temporal_attention(q, k, v, grid), F.scaled_dot_product_attention(q, k, v, attn_mask=temporal_mask(grid)), **tol(dtype)
    )


@settings(max_examples=20, deadline=None)
@given(grid=st.tuples(small, small, small), dtype=dtypes, seed=st.integers(0, 2**16))
def test_divided_space_time_is_two_masked_dense_attentions(grid, dtype, seed):
    q, k, v = qkv(grid, dtype, seed)
    after_time = F.scaled_dot_product_attention(q, k, v, attn_mask=temporal_mask(grid))
    expected = F.scaled_dot_product_attention(after_time, after_time, after_time, attn_mask=spatial_mask(grid))
    torch.testing.assert_close(divided_space_time_attention(q, k, v, grid), expected, **tol(dtype))

    # with projections between the steps, as in a TimeSformer block
    gen = torch.Generator().manual_seed(seed + 1)
    weights = [torch.randn(4, 4, generator=gen, dtype=dtype) for _ in range(3)]

    def project(x):
        return tuple(x + x @ w for w in weights)

    q2, k2, v2 = project(after_time)
    expected = F.scaled_dot_product_attention(q2, k2, v2, attn_mask=spatial_mask(grid))
    torch.testing.assert_close(divided_space_time_attention(q, k, v, grid, spatial_qkv=project), expected, **tol(dtype))


@settings(max_examples=30, deadline=None)
@given(gws=divisible(), dtype=dtypes, seed=st.integers(0, 2**16))
def test_window_and_shifted_window_equal_masked_dense(gws, dtype, seed):
    grid, window, shift = gws
    q, k, v = qkv(grid, dtype, seed)
    for s in ((0, 0, 0), shift):
        expected = F.scaled_dot_product_attention(q, k, v, attn_mask=window_mask(grid, window, s))
        torch.testing.assert_close(window_attention(q, k, v, grid, window, s), expected, **tol(dtype))


@settings(max_examples=30, deadline=None)
@given(gws=divisible(), dtype=dtypes, seed=st.integers(0, 2**16), data=st.data())
def test_tile_sparse_equals_masked_dense_for_any_keep(gws, dtype, seed, data):
    grid, tile, _ = gws
    n_tiles = tile_grid(grid, tile)
    n = n_tiles[0] * n_tiles[1] * n_tiles[2]
    bits = data.draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))
    keep = torch.tensor(bits).reshape(n, n)
    q, k, v = qkv(grid, dtype, seed)
    # the from-scratch reference returns zeros for a query tile that keeps nothing, as tile_sparse does
    expected = scaled_dot_product_attention(q, k, v, attn_mask=tile_mask(grid, tile, keep))
    torch.testing.assert_close(tile_sparse_attention(q, k, v, grid, tile, keep), expected, **tol(dtype))


@settings(max_examples=20, deadline=None)
@given(gws=divisible(), window=st.tuples(small, small, small), dtype=dtypes, seed=st.integers(0, 2**16))
def test_sliding_tile_attention_equals_masked_dense(gws, window, dtype, seed):
    grid, tile, _ = gws
    keep = sliding_tile_keep(grid, tile, window)
    q, k, v = qkv(grid, dtype, seed)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=tile_mask(grid, tile, keep))
    torch.testing.assert_close(tile_sparse_attention(q, k, v, grid, tile, keep), expected, **tol(dtype))


@settings(max_examples=30, deadline=None)
@given(
    grid=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)),
    window=st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)),
    dtype=dtypes,
    seed=st.integers(0, 2**16),
)
def test_sliding_window_gather_equals_masked_dense(grid, window, dtype, seed):
    q, k, v = qkv(grid, dtype, seed)
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=sliding_window_mask(grid, window))
    torch.testing.assert_close(sliding_window_attention(q, k, v, grid, window), expected, **tol(dtype))


def test_neighbour_index_matches_the_mask():
    grid, window = (3, 4, 5), (3, 3, 3)
    index = neighbour_index(grid, window)
    assert index.shape == (60, 27)
    from_index = torch.zeros(60, 60, dtype=torch.bool)
    from_index[torch.arange(60)[:, None], index] = True
    assert torch.equal(from_index, sliding_window_mask(grid, window))


def test_worked_example_eight_frames_of_fourteen_by_fourteen():
    grid = (8, 14, 14)  # TimeSformer at 224 px: 1,568 tokens
    q, k, v = qkv(grid, torch.float32, 0, batch=1, heads=1, dim=8)
    out = window_attention(q, k, v, grid, (2, 7, 7), (1, 3, 3))
    expected = F.scaled_dot_product_attention(q, k, v, attn_mask=window_mask(grid, (2, 7, 7), (1, 3, 3)))
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-4)


def test_tile_sparse_with_nothing_kept_returns_zeros():
    grid, tile = (2, 2, 2), (1, 2, 2)
    q, k, v = qkv(grid, torch.float64, 0)
    out = tile_sparse_attention(q, k, v, grid, tile, torch.zeros(2, 2, dtype=torch.bool))
    assert torch.equal(out, torch.zeros_like(out))


def test_patterns_keep_batch_and_heads_apart():
    grid = (2, 2, 2)
    q, k, v = qkv(grid, torch.float64, 3, batch=3, heads=2)
    full = spatial_attention(q, k, v, grid)
    one = spatial_attention(q[1:2, 1:2], k[1:2, 1:2], v[1:2, 1:2], grid)
    torch.testing.assert_close(full[1:2, 1:2], one)


def bad_calls():
    grid = (2, 2, 2)
    q, k, v = qkv(grid, torch.float32, 0)
    keep = torch.ones(2, 2, dtype=torch.bool)
    return [
        (lambda: spatial_attention(q, k, v, (2, 2, 3)), "grid"),
        (lambda: temporal_attention(q[0], k[0], v[0], grid), "batch, heads, tokens"),
        (lambda: spatial_attention(q, k[:, :, :4], v[:, :, :4], grid), "must"),
        (lambda: window_attention(q, k, v, grid, (3, 1, 1)), "window"),
        (lambda: window_attention(q, k, v, grid, (2, 2, 2), (0, 2, 0)), "shift"),
        (lambda: tile_sparse_attention(q, k, v, grid, (1, 2, 2), torch.ones(3, 3, dtype=torch.bool)), "keep"),
        (lambda: tile_sparse_attention(q, k, v, grid, (3, 2, 2), keep), "tile"),
        (lambda: sliding_window_attention(q, k, v, grid, (1, 0, 1)), "window"),
    ]


@pytest.mark.parametrize("index", range(8))
def test_bad_inputs_raise_value_error(index):
    call, match = bad_calls()[index]
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_types_raise_type_error():
    grid = (2, 2, 2)
    q, k, v = qkv(grid, torch.float32, 0)
    with pytest.raises(TypeError, match="q"):
        spatial_attention(q.long(), k, v, grid)
    with pytest.raises(TypeError, match="keep"):
        tile_sparse_attention(q, k, v, grid, (1, 2, 2), torch.ones(2, 2))
