"""Every video mask against a brute-force loop over token coordinates."""

from __future__ import annotations

import itertools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.video.masks import (
    sliding_tile_keep,
    sliding_window_mask,
    spatial_mask,
    temporal_mask,
    tile_grid,
    tile_mask,
    token_coords,
    window_mask,
)
from tests.video.strategies import grid_window_shift

small = st.integers(min_value=1, max_value=4)
grids = st.tuples(small, small, small)


def coords_of(grid):
    return list(itertools.product(*(range(n) for n in grid)))


def brute(grid, allowed) -> torch.Tensor:
    cs = coords_of(grid)
    return torch.tensor([[allowed(a, b) for b in cs] for a in cs])


def clamped_start(x: int, w: int, n: int) -> int:
    w = min(w, n)
    return min(max(x - w // 2, 0), n - w)


def test_token_coords_follow_frame_row_column_order():
    coords = token_coords((2, 2, 3))
    assert coords.shape == (12, 3)
    assert coords[4].tolist() == [0, 1, 1]  # token 4 = (0·2 + 1)·3 + 1
    assert coords[-1].tolist() == [1, 1, 2]


@settings(max_examples=30, deadline=None)
@given(grid=grids)
def test_spatial_and_temporal_masks(grid):
    assert torch.equal(spatial_mask(grid), brute(grid, lambda a, b: a[0] == b[0]))
    assert torch.equal(temporal_mask(grid), brute(grid, lambda a, b: a[1:] == b[1:]))


def swin_region_label(x: int, n: int, w: int, s: int) -> tuple[int, int]:
    """(window, region) of original position x after Video Swin's roll by -s: the paper's recipe."""
    r = (x - s) % n
    region = 0 if r < n - w else (1 if r < n - s else 2)
    return r // w, region


@settings(max_examples=40, deadline=None)
@given(gws=grid_window_shift(max_windows=2))
def test_window_mask_matches_roll_and_region_recipe(gws):
    grid, window, shift = gws

    def same(a, b):
        return all(
            swin_region_label(a[i], grid[i], window[i], shift[i]) == swin_region_label(b[i], grid[i], window[i], shift[i])
            for i in range(3)
        )

    assert torch.equal(window_mask(grid, window, shift), brute(grid, same))


@settings(max_examples=40, deadline=None)
@given(grid=grids, window=st.tuples(small, small, small))
def test_sliding_window_mask_brute_force(grid, window):
    def inside(a, b):
        return all(
            clamped_start(a[i], window[i], grid[i]) <= b[i] < clamped_start(a[i], window[i], grid[i]) + min(window[i], grid[i])
            for i in range(3)
        )

    mask = sliding_window_mask(grid, window)
    assert torch.equal(mask, brute(grid, inside))
    # every query sees the same number of keys: the window slides, it is not cut
    keys = 1
    for w, n in zip(window, grid):
        keys *= min(w, n)
    assert (mask.sum(dim=-1) == keys).all()


@settings(max_examples=30, deadline=None)
@given(gws=grid_window_shift(max_windows=2), data=st.data())
def test_tile_mask_expands_keep_to_tokens(gws, data):
    grid, tile, _ = gws
    n_tiles = len(coords_of(tile_grid(grid, tile)))
    bits = data.draw(st.lists(st.booleans(), min_size=n_tiles * n_tiles, max_size=n_tiles * n_tiles))
    keep = torch.tensor(bits).reshape(n_tiles, n_tiles)
    tile_number = {c: i for i, c in enumerate(coords_of(tile_grid(grid, tile)))}
    keep_list = keep.tolist()

    def tile_id(a):
        return tile_number[tuple(a[i] // tile[i] for i in range(3))]

    assert torch.equal(tile_mask(grid, tile, keep), brute(grid, lambda a, b: keep_list[tile_id(a)][tile_id(b)]))


def test_sliding_tile_keep_is_a_sliding_window_over_tiles():
    keep = sliding_tile_keep((4, 8, 8), (2, 4, 4), (1, 1, 1))
    assert torch.equal(keep, torch.eye(8, dtype=torch.bool))  # window of one tile = block diagonal
    assert sliding_tile_keep((4, 8, 8), (2, 4, 4), (3, 3, 3)).all()  # window covers the 2×2×2 tile grid


def test_shifted_window_example():
    # 1 frame of 4×4 patches, 2×2 windows shifted by 1: groups of sizes 1, 2, 1 per axis
    mask = window_mask((1, 4, 4), (1, 2, 2), (0, 1, 1))
    keys_per_query = mask.sum(dim=-1).reshape(4, 4)
    assert keys_per_query.tolist() == [[1, 2, 2, 1], [2, 4, 4, 2], [2, 4, 4, 2], [1, 2, 2, 1]]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: spatial_mask((2, 2)), "grid"),
        (lambda: temporal_mask((2, 0, 2)), "grid"),
        (lambda: window_mask((4, 4, 4), (3, 2, 2)), "window"),
        (lambda: window_mask((4, 4, 4), (2, 2, 2), (2, 0, 0)), "shift"),
        (lambda: window_mask((4, 4, 4), (2, 2, 2), (0, 0)), "shift"),
        (lambda: sliding_window_mask((4, 4, 4), (0, 1, 1)), "window"),
        (lambda: tile_mask((4, 4, 4), (2, 2, 2), torch.ones(4, 4, dtype=torch.bool)), "keep"),
        (lambda: tile_grid((4, 4, 4), (3, 2, 2)), "tile"),
    ],
)
def test_bad_arguments_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: spatial_mask((2, 2.0, 2)), "grid"),
        (lambda: tile_mask((4, 4, 4), (2, 2, 2), torch.ones(8, 8)), "keep"),
    ],
)
def test_bad_types_raise_type_error(call, match):
    with pytest.raises(TypeError, match=match):
        call()
