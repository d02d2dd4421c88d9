"""Token order, tile mask_mods and block counts, against the token masks and PyTorch's BlockMask."""

from __future__ import annotations

import warnings

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.nn.attention.flex_attention import create_block_mask, create_mask, flex_attention

from examples.video.block_sparse import block_counts, tile_ids, tile_major_order, tile_mask_mod, with_global_tokens
from examples.video.masks import sliding_tile_keep, sliding_window_mask, tile_mask, token_coords


@st.composite
def grid_and_tile(draw):
    tile = draw(st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3)))
    counts = draw(st.tuples(*(st.integers(1, 3) for _ in range(3))))
    return tuple(t * c for t, c in zip(tile, counts)), tile


@given(grid_and_tile())
def test_tile_ids_and_tile_major_order_against_coordinates(case):
    grid, tile = case
    coords = token_coords(grid)  # (L, 3)
    tile_coords = coords // torch.tensor(tile)
    _, n_h, n_w = (g // t for g, t in zip(grid, tile))
    expected = (tile_coords[:, 0] * n_h + tile_coords[:, 1]) * n_w + tile_coords[:, 2]
    assert torch.equal(tile_ids(grid, tile), expected)
    order = tile_major_order(grid, tile)
    assert torch.equal(order.sort().values, torch.arange(len(order)))  # a permutation
    volume = tile[0] * tile[1] * tile[2]
    reordered = expected[order]
    assert torch.equal(reordered, torch.arange(len(order)) // volume)  # tile 0 first, each tile contiguous


@settings(max_examples=25, deadline=None)
@given(grid_and_tile(), st.integers(0, 2**31 - 1), st.booleans())
def test_tile_mask_mod_equals_the_tile_mask(case, seed, reorder):
    grid, tile = case
    n_tiles = int(tile_ids(grid, tile).max()) + 1
    keep = torch.rand(n_tiles, n_tiles, generator=torch.Generator().manual_seed(seed)) < 0.5
    expected = tile_mask(grid, tile, keep)  # (L, L) oracle in frame-major order
    order = tile_major_order(grid, tile) if reorder else None
    if order is not None:
        expected = expected[order][:, order]
    length = expected.shape[0]
    got = create_mask(tile_mask_mod(grid, tile, keep, order), None, None, length, length, device="cpu")
    assert torch.equal(got[0, 0], expected)


def brute_force_counts(mask, block):
    counts = {"full": 0, "mixed": 0, "empty": 0}
    for i in range(0, mask.shape[0], block):
        for j in range(0, mask.shape[1], block):
            part = mask[i:i + block, j:j + block]
            counts["full" if bool(part.all()) else "empty" if not bool(part.any()) else "mixed"] += 1
    return counts


@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_block_counts_against_brute_force(rows, cols, block, seed):
    mask = torch.rand(rows * block, cols * block, generator=torch.Generator().manual_seed(seed)) < 0.7
    assert block_counts(mask, block) == brute_force_counts(mask, block)


def test_tile_order_removes_mixed_blocks_and_pytorchs_block_mask_agrees():
    grid, tile = (4, 16, 16), (4, 4, 4)
    keep = sliding_tile_keep(grid, tile, (1, 3, 3))
    mask = tile_mask(grid, tile, keep)
    order = tile_major_order(grid, tile)
    assert block_counts(mask, 64) == {"full": 0, "mixed": 192, "empty": 64}
    assert block_counts(mask[order][:, order], 64) == {"full": 144, "mixed": 0, "empty": 112}
    for token_order, expected in ((None, block_counts(mask, 64)), (order, block_counts(mask[order][:, order], 64))):
        block_mask = create_block_mask(
            tile_mask_mod(grid, tile, keep, token_order), None, None, 1024, 1024, device="cpu", BLOCK_SIZE=64
        )
        assert int(block_mask.full_kv_num_blocks.sum()) == expected["full"]
        assert int(block_mask.kv_num_blocks.sum()) == expected["mixed"]  # PyTorch's "partial" blocks


def test_token_window_keeps_mixed_blocks_in_either_order():
    grid, tile = (4, 8, 8), (4, 4, 4)
    mask = sliding_window_mask(grid, (3, 3, 3))
    order = tile_major_order(grid, tile)
    assert block_counts(mask, 64)["mixed"] > 0 and block_counts(mask[order][:, order], 64)["mixed"] > 0


def test_flex_attention_with_the_tile_mask_mod_equals_dense_masked_attention():
    grid, tile = (4, 8, 8), (4, 4, 4)
    keep = torch.tensor([[1, 1, 0, 0], [0, 1, 0, 1], [0, 0, 1, 0], [1, 1, 1, 1]], dtype=torch.bool)
    order = tile_major_order(grid, tile)
    q, k, v = (torch.randn(2, 3, 256, 8, dtype=torch.float64)[:, :, order] for _ in range(3))
    block_mask = create_block_mask(tile_mask_mod(grid, tile, keep, order), None, None, 256, 256, device="cpu",
                                   BLOCK_SIZE=64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "called without torch.compile()": the unfused reference path
        out = flex_attention(q, k, v, block_mask=block_mask)
    dense = tile_mask(grid, tile, keep)[order][:, order]
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=dense))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: tile_ids((4, 4, 4), (3, 2, 2)), ValueError, "tile"),
        (lambda: tile_major_order((4, 4), (2, 2, 2)), ValueError, "grid"),
        (lambda: tile_mask_mod((4, 4, 4), (2, 2, 2), torch.ones(3, 3, dtype=torch.bool)), ValueError, "keep"),
        (lambda: tile_mask_mod((4, 4, 4), (2, 2, 2), torch.ones(8, 8)), TypeError, "keep"),
        (lambda: tile_mask_mod((2, 2, 2), (2, 2, 2), torch.ones(1, 1, dtype=torch.bool), torch.zeros(8, dtype=torch.long)),
         ValueError, "order"),
        (lambda: block_counts(torch.ones(6, 6, dtype=torch.bool), 4), ValueError, "block"),
        (lambda: block_counts(torch.ones(4, 4), 2), TypeError, "mask"),
        (lambda: block_counts(torch.ones(4, 4, dtype=torch.bool), 0), ValueError, "block"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("n_global", [0, 1, 5])
def test_global_tokens_see_and_are_seen_by_everything(n_global):
    grid, tile = (2, 4, 4), (2, 2, 2)
    keep = sliding_tile_keep(grid, tile, (1, 1, 1))  # each tile sees itself only
    video = tile_mask(grid, tile, keep)  # (32, 32)
    expected = torch.ones(32 + n_global, 32 + n_global, dtype=torch.bool)
    expected[n_global:, n_global:] = video  # video pairs follow the pattern, all pairs with a global token kept
    length = 32 + n_global
    got = create_mask(with_global_tokens(tile_mask_mod(grid, tile, keep), n_global), None, None, length, length,
                      device="cpu")
    assert torch.equal(got[0, 0], expected)


def test_global_tokens_bad_input():
    with pytest.raises(ValueError, match="n_global"):
        with_global_tokens(lambda b, h, q, k: q == k, -1)
