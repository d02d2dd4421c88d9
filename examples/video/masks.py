"""Token-level boolean masks for sparse video attention patterns (R2-2).

Each function returns the (L, L) mask, True = "query i may attend to key j", that
turns dense attention into one sparse pattern. They are the *oracles*: slow and
quadratic in memory on purpose, so tests and the page can compare every efficient
implementation in :mod:`examples.video.sparse` with
``F.scaled_dot_product_attention(q, k, v, attn_mask=mask)``.

Token order everywhere: a clip of ``grid = (t, h, w)`` patches is flattened frame by
frame, row by row, i.e. token index = (frame · h + row) · w + column, the einops
pattern ``'b t h w d -> b (t h w) d'``.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from einops import rearrange
from torch import Tensor
# --8<-- [end:imports]

# --8<-- [start:checks]
Grid = tuple[int, int, int]  # (frames, patch rows, patch columns), or a window/tile in tokens


def check_triple(value: object, name: str) -> tuple[int, int, int]:
    """Return ``value`` as a tuple of three positive ints or raise naming ``name``.

    Args:
        value: the argument to check, e.g. a grid (t, h, w) or a window.
        name: the argument's name, used in the error message.

    Returns:
        The three sizes as a tuple.
    """
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        raise ValueError(f"{name} must be three sizes (t, h, w), got {value!r}")
    for size in value:
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"{name} must hold ints, got {value!r}")
        if size < 1:
            raise ValueError(f"{name} sizes must be positive, got {value!r}")
    return (value[0], value[1], value[2])


def check_shift(shift: object, window: Grid) -> tuple[int, int, int]:
    """Return ``shift`` as three ints with 0 <= shift < window, or raise naming ``shift``.

    Args:
        shift: per-axis shift of shifted windows.
        window: the (checked) window size per axis.

    Returns:
        The shift as a tuple.
    """
    if not isinstance(shift, (tuple, list)) or len(shift) != 3 or not all(
        isinstance(s, int) and not isinstance(s, bool) and 0 <= s < w for s, w in zip(shift, window)
    ):
        raise ValueError(f"shift must be three ints with 0 <= shift < window {tuple(window)}, got {shift!r}")
    return (shift[0], shift[1], shift[2])


def check_divides(grid: Grid, part: Grid, name: str) -> None:
    """Raise unless every size of ``part`` divides the matching size of ``grid``.

    Args:
        grid: (t, h, w) of the clip.
        part: (t, h, w) of a window or tile.
        name: the argument's name for the error message.
    """
    if any(g % p for g, p in zip(grid, part)):
        raise ValueError(f"{name} {tuple(part)} must divide the grid {tuple(grid)} on every axis")


def check_keep(keep: object, n_tiles: int) -> None:
    """Raise unless ``keep`` is a bool (n_tiles, n_tiles) tensor.

    Args:
        keep: the tile-level keep matrix to check.
        n_tiles: the number of tiles of the grid.
    """
    if not isinstance(keep, Tensor) or keep.dtype != torch.bool:
        raise TypeError(f"keep must be a bool tensor, got {type(keep).__name__}")
    if tuple(keep.shape) != (n_tiles, n_tiles):
        raise ValueError(f"keep must have shape {(n_tiles, n_tiles)} (query tiles, key tiles), got {tuple(keep.shape)}")
# --8<-- [end:checks]


# --8<-- [start:coords]
def token_coords(grid: Grid) -> Tensor:
    """(frame, row, column) of every token, in flattening order.

    Args:
        grid: (t, h, w), frames and patch rows/columns per frame.

    Returns:
        Long tensor (t·h·w, 3).
    """
    t, h, w = check_triple(grid, "grid")
    axes = torch.meshgrid(torch.arange(t), torch.arange(h), torch.arange(w), indexing="ij")
    return rearrange(torch.stack(axes, dim=-1), "t h w c -> (t h w) c")  # (L, 3)
# --8<-- [end:coords]


# --8<-- [start:factorised_masks]
def spatial_mask(grid: Grid) -> Tensor:
    """Spatial-only attention: a token sees every token of its own frame.

    Args:
        grid: (t, h, w).

    Returns:
        Bool (L, L), L = t·h·w.
    """
    frame = token_coords(grid)[:, 0]  # (L,)
    return frame[:, None] == frame[None, :]


def temporal_mask(grid: Grid) -> Tensor:
    """Temporal-only attention: a token sees the same patch position in every frame.

    Args:
        grid: (t, h, w).

    Returns:
        Bool (L, L), L = t·h·w.
    """
    position = token_coords(grid)[:, 1:]  # (L, 2) row, column
    return (position[:, None, :] == position[None, :, :]).all(dim=-1)
# --8<-- [end:factorised_masks]


# --8<-- [start:window_mask]
def window_mask(grid: Grid, window: Grid, shift: Grid = (0, 0, 0)) -> Tensor:
    """Local 3D windows (Video Swin); with ``shift``, the shifted-window variant.

    Without a shift, axis x is cut into windows [0, w), [w, 2w), ... With a shift s
    the cuts move to [0, s), [s, s + w), ..., [n - w + s, n): the grouping that
    Video Swin's cyclic shift plus region mask produces, written directly.

    Args:
        grid: (t, h, w).
        window: window size per axis; must divide the grid.
        shift: offset per axis, 0 <= shift < window.

    Returns:
        Bool (L, L): True where query and key fall in the same window.
    """
    grid = check_triple(grid, "grid")
    window = check_triple(window, "window")
    check_divides(grid, window, "window")
    shift = check_shift(shift, window)
    coords = token_coords(grid)  # (L, 3)
    group = (coords + torch.tensor(window) - torch.tensor(shift)) // torch.tensor(window)  # (L, 3)
    return (group[:, None, :] == group[None, :, :]).all(dim=-1)
# --8<-- [end:window_mask]


# --8<-- [start:sliding_window_mask]
def sliding_window_mask(grid: Grid, window: Grid) -> Tensor:
    """Token-level 3D sliding window, centred on the query and clamped at the edges.

    On each axis a query at x sees keys in [start, start + w) with
    start = clamp(x - w // 2, 0, n - w), so every query sees exactly the same number
    of keys (the convention of neighbourhood attention and of Sliding Tile
    Attention's mask). A window larger than the axis covers the whole axis.

    Args:
        grid: (t, h, w).
        window: window size per axis.

    Returns:
        Bool (L, L).
    """
    grid = check_triple(grid, "grid")
    window = check_triple(window, "window")
    size = torch.tensor([min(w, n) for w, n in zip(window, grid)])  # (3,)
    coords = token_coords(grid)  # (L, 3)
    start = torch.minimum((coords - size // 2).clamp(min=0), torch.tensor(grid) - size)  # (L, 3)
    inside = (coords[None, :, :] >= start[:, None, :]) & (coords[None, :, :] < start[:, None, :] + size)  # (L, L, 3)
    return inside.all(dim=-1)
# --8<-- [end:sliding_window_mask]


# --8<-- [start:tile_masks]
def tile_grid(grid: Grid, tile: Grid) -> Grid:
    """Number of tiles per axis when ``tile`` cuts ``grid`` into equal boxes.

    Args:
        grid: (t, h, w) in tokens.
        tile: (t, h, w) of one tile in tokens; must divide the grid.

    Returns:
        (t / tile_t, h / tile_h, w / tile_w).
    """
    grid = check_triple(grid, "grid")
    tile = check_triple(tile, "tile")
    check_divides(grid, tile, "tile")
    return (grid[0] // tile[0], grid[1] // tile[1], grid[2] // tile[2])


def sliding_tile_keep(grid: Grid, tile: Grid, window: Grid) -> Tensor:
    """Tile-level keep matrix of Sliding Tile Attention: a 3D sliding window over tiles.

    Args:
        grid: (t, h, w) in tokens.
        tile: tile size in tokens; must divide the grid.
        window: window size in tiles, clamped at the edges like
            :func:`sliding_window_mask`.

    Returns:
        Bool (n_tiles, n_tiles): True where a query tile keeps a key tile.
    """
    return sliding_window_mask(tile_grid(grid, tile), window)


def tile_mask(grid: Grid, tile: Grid, keep: Tensor) -> Tensor:
    """Expand a tile-level keep matrix to tokens: whole tiles are kept or dropped.

    Args:
        grid: (t, h, w) in tokens.
        tile: tile size in tokens; must divide the grid. Tiles are numbered in
            (tile frame, tile row, tile column) order.
        keep: bool (n_tiles, n_tiles), True = the query tile attends to the key tile.

    Returns:
        Bool (L, L).
    """
    n_t, n_h, n_w = tile_grid(grid, tile)
    check_keep(keep, n_t * n_h * n_w)
    tile_of = token_coords(grid) // torch.tensor(tile)  # (L, 3) tile coordinates
    tile_id = (tile_of[:, 0] * n_h + tile_of[:, 1]) * n_w + tile_of[:, 2]  # (L,)
    return keep[tile_id[:, None], tile_id[None, :]]
# --8<-- [end:tile_masks]


if __name__ == "__main__":
    demo_grid = (2, 2, 2)
    print(spatial_mask(demo_grid).int())
    print(window_mask((1, 4, 4), (1, 2, 2), (0, 1, 1)).sum(dim=-1).reshape(4, 4))
