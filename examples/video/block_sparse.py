"""Block-sparse execution of video attention patterns (R2-2): tiles, token order and FlexAttention masks.

A fused attention kernel works on (query block × key block) tiles of the score
matrix. A block whose pairs are all allowed is computed without a mask, a block
with none is skipped, and a *mixed* block is computed in full and then masked.
Whether a pattern saves time therefore depends on how many blocks are mixed, and
that depends on the token order: the same pattern in frame-major order and in
tile-major order (every 3D tile contiguous, as Sliding Tile Attention and VSA lay
tokens out) gives very different block counts.

:func:`block_counts` counts the three kinds from a token mask, independently of
PyTorch's ``BlockMask``; :func:`tile_mask_mod` writes a tile pattern as a
FlexAttention ``mask_mod`` that needs O(L + tiles²) memory instead of an L×L mask.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable

import torch
from einops import rearrange
from torch import Tensor

from examples._checks import check_positive_int
from examples.video.masks import Grid, check_keep, check_triple, tile_grid
# --8<-- [end:imports]


# --8<-- [start:order]
def tile_ids(grid: Grid, tile: Grid) -> Tensor:
    """Tile number of every token, tokens in frame-major order and tiles in (frame, row, column) order.

    Args:
        grid: (t, h, w) in tokens.
        tile: tile size per axis; must divide the grid.

    Returns:
        Long (L,).
    """
    n_t, n_h, n_w = tile_grid(grid, tile)
    tt, th, tw = check_triple(tile, "tile")
    ids = torch.arange(n_t * n_h * n_w).reshape(n_t, 1, n_h, 1, n_w, 1)  # one number per tile
    ids = ids.expand(n_t, tt, n_h, th, n_w, tw)  # (nt, tt, nh, th, nw, tw): each token gets its tile's number
    return rearrange(ids, "nt tt nh th nw tw -> (nt tt nh th nw tw)")


def tile_major_order(grid: Grid, tile: Grid) -> Tensor:
    """The permutation that makes every tile contiguous: ``x[..., order, :]`` is in tile-major order.

    Args:
        grid: (t, h, w) in tokens.
        tile: tile size per axis; must divide the grid.

    Returns:
        Long (L,): position i of the tile-major sequence holds frame-major token ``order[i]``.
    """
    n_t, n_h, n_w = tile_grid(grid, tile)
    tt, th, tw = tile
    frame_major = torch.arange(grid[0] * grid[1] * grid[2])
    return rearrange(
        frame_major, "(nt tt nh th nw tw) -> (nt nh nw tt th tw)", nt=n_t, nh=n_h, nw=n_w, tt=tt, th=th, tw=tw
    )
# --8<-- [end:order]


# --8<-- [start:mask_mod]
MaskMod = Callable[[Tensor, Tensor, Tensor, Tensor], Tensor]


def tile_mask_mod(grid: Grid, tile: Grid, keep: Tensor, order: Tensor | None = None) -> MaskMod:
    """A FlexAttention ``mask_mod`` for a tile-level keep matrix (Sliding Tile Attention, VSA's selection).

    Args:
        grid: (t, h, w) in tokens.
        tile: tile size per axis; must divide the grid.
        keep: bool (n_tiles, n_tiles), True = the query tile attends to the key tile.
        order: the token order of q, k and v as a permutation of frame-major
            positions (e.g. :func:`tile_major_order`); ``None`` = frame-major.

    Returns:
        ``mask_mod(b, h, q_idx, kv_idx) -> bool``, True = may attend. It holds
        only the (L,) tile numbers and the keep matrix, never an L×L mask.
    """
    ids = tile_ids(grid, tile)  # (L,)
    check_keep(keep, int(ids.max()) + 1)
    if order is not None:
        if not isinstance(order, Tensor) or order.shape != ids.shape or not torch.equal(order.sort().values, torch.arange(len(ids))):
            raise ValueError(f"order must be a permutation of the {len(ids)} token positions")
        ids = ids[order]

    def mask_mod(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
        return keep[ids[q_idx], ids[kv_idx]]

    return mask_mod


def with_global_tokens(mask_mod: MaskMod, n_global: int) -> MaskMod:
    """Prepend ``n_global`` global tokens (an MM-DiT's text tokens) to a video pattern.

    Global tokens attend to every token and every token attends to them; video token
    pairs follow ``mask_mod``, whose indices start at 0 at the first video token.

    Args:
        mask_mod: the video pattern, e.g. from :func:`tile_mask_mod`.
        n_global: number of global tokens, placed first in the sequence.

    Returns:
        ``mask_mod`` over n_global + L tokens.
    """
    if isinstance(n_global, bool) or not isinstance(n_global, int) or n_global < 0:
        raise ValueError(f"n_global must be a non-negative int, got {n_global!r}")

    def joint(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
        is_global = (q_idx < n_global) | (kv_idx < n_global)
        video = mask_mod(b, h, (q_idx - n_global).clamp(min=0), (kv_idx - n_global).clamp(min=0))
        return is_global | video

    return joint
# --8<-- [end:mask_mod]


# --8<-- [start:block_counts]
def block_counts(mask: Tensor, block: int) -> dict[str, int]:
    """How many (query block, key block) tiles of a token mask are full, mixed or empty.

    Args:
        mask: bool (L, S), True = may attend; L and S divisible by ``block``.
        block: block size in tokens, for queries and keys alike.

    Returns:
        ``{"full": ..., "mixed": ..., "empty": ...}``: a kernel computes full blocks
        without a mask, computes and masks mixed ones, and skips empty ones.
    """
    check_positive_int(block, "block")
    if not isinstance(mask, Tensor) or mask.dtype != torch.bool or mask.dim() != 2:
        raise TypeError("mask must be a 2-D bool tensor")
    if mask.shape[0] % block or mask.shape[1] % block:
        raise ValueError(f"block {block} must divide both sides of mask, got shape {tuple(mask.shape)}")
    kept = rearrange(mask, "(qb qi) (kb ki) -> qb kb (qi ki)", qi=block, ki=block).sum(dim=-1)  # (L/block, S/block)
    full = int((kept == block * block).sum())
    empty = int((kept == 0).sum())
    return {"full": full, "mixed": kept.numel() - full - empty, "empty": empty}
# --8<-- [end:block_counts]


if __name__ == "__main__":
    from examples.video.masks import sliding_tile_keep, tile_mask

    demo_grid, demo_tile = (4, 16, 16), (4, 4, 4)
    demo_mask = tile_mask(demo_grid, demo_tile, sliding_tile_keep(demo_grid, demo_tile, (1, 3, 3)))
    demo_order = tile_major_order(demo_grid, demo_tile)
    print(block_counts(demo_mask, 64), block_counts(demo_mask[demo_order][:, demo_order], 64))
