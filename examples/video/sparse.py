"""Sparse video attention patterns, computed without the L×L score matrix (R2-2).

Inputs are (B, heads, L, E) with L = t·h·w tokens flattened frame by frame
(token = (frame · h + row) · w + column). Each pattern is made *dense* by a layout
change: reshape so that the tokens that attend to each other share a batch entry,
run an ordinary dense attention kernel (``F.scaled_dot_product_attention``) on many
small problems, and reshape back. Where a pattern cannot be expressed by a reshape
(tile selection, per-token sliding windows), the keys are gathered.

Every function equals dense attention with the matching mask of
:mod:`examples.video.masks`; the tests check it.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from einops import einsum, rearrange, repeat
from torch import Tensor

from examples.attention.scaled_dot_product import check_qkv
from examples.video.masks import Grid, check_divides, check_keep, check_shift, check_triple, tile_grid
# --8<-- [end:imports]


# --8<-- [start:checks]
def check_video_qkv(q: Tensor, k: Tensor, v: Tensor, grid: Grid) -> Grid:
    """Check (B, heads, L, E) self-attention inputs against the clip grid.

    Args:
        q: (B, heads, L, E).
        k: (B, heads, L, E).
        v: (B, heads, L, Ev).
        grid: (t, h, w) with t·h·w = L.

    Returns:
        The grid as a tuple of ints.
    """
    check_qkv(q, k, v)
    grid = check_triple(grid, "grid")
    for name, x in (("q", q), ("k", k), ("v", v)):
        if x.dim() != 4:
            raise ValueError(f"{name} must be (batch, heads, tokens, dim), got shape {tuple(x.shape)}")
    if q.shape[:3] != k.shape[:3] or q.shape[:3] != v.shape[:3]:
        raise ValueError(f"q, k and v must share (batch, heads, tokens), got {tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}")
    if math.prod(grid) != q.shape[2]:
        raise ValueError(f"grid {grid} has {math.prod(grid)} tokens but q has {q.shape[2]}")
    return grid
# --8<-- [end:checks]


# --8<-- [start:spatial_temporal]
def spatial_attention(q: Tensor, k: Tensor, v: Tensor, grid: Grid) -> Tensor:
    """Each token attends to the tokens of its own frame.

    Args:
        q: (B, heads, t·h·w, E).
        k: (B, heads, t·h·w, E).
        v: (B, heads, t·h·w, Ev).
        grid: (t, h, w).

    Returns:
        (B, heads, t·h·w, Ev).
    """
    t, _, _ = check_video_qkv(q, k, v, grid)
    q, k, v = (rearrange(x, "b heads (t s) e -> (b t) heads s e", t=t) for x in (q, k, v))  # frames into the batch
    out = F.scaled_dot_product_attention(q, k, v)  # (b·t, heads, h·w, Ev): t problems of h·w tokens
    return rearrange(out, "(b t) heads s e -> b heads (t s) e", t=t)


def temporal_attention(q: Tensor, k: Tensor, v: Tensor, grid: Grid) -> Tensor:
    """Each token attends to the same patch position in every frame.

    Args:
        q: (B, heads, t·h·w, E).
        k: (B, heads, t·h·w, E).
        v: (B, heads, t·h·w, Ev).
        grid: (t, h, w).

    Returns:
        (B, heads, t·h·w, Ev).
    """
    t, h, w = check_video_qkv(q, k, v, grid)
    q, k, v = (rearrange(x, "b heads (t s) e -> (b s) heads t e", t=t) for x in (q, k, v))  # positions into the batch
    out = F.scaled_dot_product_attention(q, k, v)  # (b·h·w, heads, t, Ev): h·w problems of t tokens
    return rearrange(out, "(b s) heads t e -> b heads (t s) e", s=h * w)
# --8<-- [end:spatial_temporal]


# --8<-- [start:divided]
def divided_space_time_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    grid: Grid,
    spatial_qkv: Callable[[Tensor], tuple[Tensor, Tensor, Tensor]] | None = None,
) -> Tensor:
    """TimeSformer's divided space-time attention: temporal, then spatial.

    Args:
        q: (B, heads, t·h·w, E), queries of the temporal step.
        k: (B, heads, t·h·w, E), keys of the temporal step.
        v: (B, heads, t·h·w, E).
        grid: (t, h, w).
        spatial_qkv: maps the temporal output (B, heads, L, E) to the spatial
            step's q, k, v (in a real block: residual, norm and new projections).
            ``None`` uses the temporal output itself as q, k and v.

    Returns:
        (B, heads, t·h·w, Ev) from the spatial step.
    """
    after_time = temporal_attention(q, k, v, grid)  # (B, heads, L, E)
    if spatial_qkv is None:
        q2 = k2 = v2 = after_time
    else:
        q2, k2, v2 = spatial_qkv(after_time)
    return spatial_attention(q2, k2, v2, grid)
# --8<-- [end:divided]


# --8<-- [start:window]
def to_windows(x: Tensor, grid: Grid, window: Grid, shift: Grid) -> Tensor:
    """Cyclically shift a clip by -shift and cut it into windows.

    Args:
        x: (B, heads, t·h·w, E).
        grid: (t, h, w).
        window: window size per axis, dividing the grid.
        shift: roll per axis.

    Returns:
        (B·n_windows, heads, wt·wh·ww, E).
    """
    t, h, w = grid
    wt, wh, ww = window
    x = rearrange(x, "b heads (t h w) e -> b heads t h w e", t=t, h=h, w=w)
    if any(shift):
        x = torch.roll(x, shifts=tuple(-s for s in shift), dims=(2, 3, 4))
    return rearrange(
        x, "b heads (nt wt) (nh wh) (nw ww) e -> (b nt nh nw) heads (wt wh ww) e", wt=wt, wh=wh, ww=ww
    )


def from_windows(x: Tensor, batch: int, grid: Grid, window: Grid, shift: Grid) -> Tensor:
    """Inverse of :func:`to_windows`: (B·n_windows, heads, N, E) -> (B, heads, t·h·w, E)."""
    t, h, w = grid
    wt, wh, ww = window
    x = rearrange(
        x,
        "(b nt nh nw) heads (wt wh ww) e -> b heads (nt wt) (nh wh) (nw ww) e",
        b=batch, nt=t // wt, nh=h // wh, wt=wt, wh=wh, ww=ww,
    )
    if any(shift):
        x = torch.roll(x, shifts=tuple(shift), dims=(2, 3, 4))
    return rearrange(x, "b heads t h w e -> b heads (t h w) e")


def shifted_window_regions(grid: Grid, window: Grid, shift: Grid) -> Tensor:
    """Video Swin's region labels after the roll, cut into windows.

    After rolling by -s, the last window of an axis holds tokens from both ends of
    the clip. Positions r of the rolled axis get label 0 for r < n - w, 1 for
    n - w <= r < n - s and 2 for r >= n - s; tokens attend only within a label.

    Args:
        grid: (t, h, w).
        window: window size per axis.
        shift: roll per axis.

    Returns:
        Long (n_windows, wt·wh·ww) labels.
    """
    labels = []
    for n, w, s in zip(grid, window, shift):
        r = torch.arange(n)
        labels.append((r >= n - w).long() + (r >= n - s).long())  # (n,) in {0, 1, 2}
    lt, lh, lw = labels
    region = lt[:, None, None] * 9 + lh[None, :, None] * 3 + lw[None, None, :]  # (t, h, w)
    return rearrange(
        region, "(nt wt) (nh wh) (nw ww) -> (nt nh nw) (wt wh ww)", wt=window[0], wh=window[1], ww=window[2]
    )


def window_attention(
    q: Tensor, k: Tensor, v: Tensor, grid: Grid, window: Grid, shift: Grid = (0, 0, 0)
) -> Tensor:
    """Attention inside local 3D windows (Video Swin), optionally shifted.

    Args:
        q: (B, heads, t·h·w, E).
        k: (B, heads, t·h·w, E).
        v: (B, heads, t·h·w, Ev).
        grid: (t, h, w).
        window: window size per axis; must divide the grid.
        shift: per-axis shift, 0 <= shift < window (Video Swin uses window // 2
            in every second block).

    Returns:
        (B, heads, t·h·w, Ev).
    """
    grid = check_video_qkv(q, k, v, grid)
    window = check_triple(window, "window")
    check_divides(grid, window, "window")
    shift = check_shift(shift, window)
    batch = q.shape[0]
    qw, kw, vw = (to_windows(x, grid, window, shift) for x in (q, k, v))  # (B·nW, heads, N, E)
    mask = None
    if any(shift):
        region = shifted_window_regions(grid, window, shift).to(q.device)  # (nW, N)
        same = region[:, :, None] == region[:, None, :]  # (nW, N, N): small, N = window volume
        mask = repeat(same, "nw i j -> (b nw) 1 i j", b=batch)
    out = F.scaled_dot_product_attention(qw, kw, vw, attn_mask=mask)  # (B·nW, heads, N, Ev)
    return from_windows(out, batch, grid, window, shift)
# --8<-- [end:window]


# --8<-- [start:tile_sparse]
def tile_sparse_attention(q: Tensor, k: Tensor, v: Tensor, grid: Grid, tile: Grid, keep: Tensor) -> Tensor:
    """Block-sparse attention over 3D tiles: each query tile attends to whole key tiles.

    Tokens are regrouped so that each tile is contiguous; for every query tile the
    kept key tiles are gathered and one dense attention is run per query tile.
    Query tiles that keep fewer tiles than the most are padded and masked; a query
    tile that keeps none returns zeros.

    Args:
        q: (B, heads, t·h·w, E).
        k: (B, heads, t·h·w, E).
        v: (B, heads, t·h·w, Ev).
        grid: (t, h, w).
        tile: tile size per axis; must divide the grid.
        keep: bool (n_tiles, n_tiles), tiles numbered in (frame, row, column) order.

    Returns:
        (B, heads, t·h·w, Ev).
    """
    grid = check_video_qkv(q, k, v, grid)
    n_t, n_h, n_w = tile_grid(grid, tile)
    tt, th, tw = tile
    check_keep(keep, n_t * n_h * n_w)
    batch, tile_size = q.shape[0], tt * th * tw
    keep = keep.to(q.device)
    counts = keep.sum(dim=-1)  # (nq,) kept key tiles per query tile
    most = int(counts.max())
    if most == 0:
        return q.new_zeros(*q.shape[:-1], v.shape[-1])
    order = torch.argsort(keep.to(torch.int8), dim=-1, descending=True, stable=True)[:, :most]  # (nq, most)
    tiles = "b heads (nt tt nh th nw tw) e -> b heads (nt nh nw) (tt th tw) e"
    sizes = dict(nt=n_t, nh=n_h, nw=n_w, tt=tt, th=th, tw=tw)
    qt = rearrange(q, tiles, **sizes)  # (B, heads, nq, n, E): layout change, each tile contiguous
    kt = rearrange(k, tiles, **sizes)
    vt = rearrange(v, tiles, **sizes)
    kg = rearrange(kt[:, :, order], "b heads q m n e -> (b q) heads (m n) e")  # gather: (B·nq, heads, most·n, E)
    vg = rearrange(vt[:, :, order], "b heads q m n e -> (b q) heads (m n) e")
    qt = rearrange(qt, "b heads q n e -> (b q) heads n e")  # (B·nq, heads, n, E)
    mask = None
    if bool((counts < most).any()):
        slot_used = torch.arange(most, device=q.device)[None, :] < counts[:, None]  # (nq, most)
        mask = repeat(slot_used, "q m -> (b q) 1 1 (m n)", b=batch, n=tile_size)
    out = F.scaled_dot_product_attention(qt, kg, vg, attn_mask=mask)  # (B·nq, heads, n, Ev)
    if bool((counts == 0).any()):
        empty = repeat(counts == 0, "q -> (b q) 1 1 1", b=batch)
        out = out.masked_fill(empty, 0.0)  # no kept tile: zeros, whatever a kernel does with an all-masked row
    return rearrange(
        out, "(b nt nh nw) heads (tt th tw) e -> b heads (nt tt nh th nw tw) e", b=batch, **sizes
    )
# --8<-- [end:tile_sparse]


# --8<-- [start:sliding_window]
def neighbour_index(grid: Grid, window: Grid) -> Tensor:
    """Key indices of each query's clamped 3D sliding window.

    Args:
        grid: (t, h, w).
        window: window size per axis (clamped to the grid).

    Returns:
        Long (L, K): the K = wt·wh·ww keys of every query, in flattening order.
    """
    grid = check_triple(grid, "grid")
    window = check_triple(window, "window")
    per_axis = []
    for n, w in zip(grid, window):
        w = min(w, n)
        start = (torch.arange(n) - w // 2).clamp(min=0, max=n - w)  # (n,)
        per_axis.append(start[:, None] + torch.arange(w)[None, :])  # (n, w)
    it, ih, iw = per_axis
    _, h, w = grid
    flat = (it[:, None, None, :, None, None] * h + ih[None, :, None, None, :, None]) * w + iw[
        None, None, :, None, None, :
    ]  # (t, h, w, kt, kh, kw)
    return rearrange(flat, "t h w kt kh kw -> (t h w) (kt kh kw)")


def sliding_window_attention(q: Tensor, k: Tensor, v: Tensor, grid: Grid, window: Grid) -> Tensor:
    """Token-level 3D sliding window attention by gathering each query's keys.

    Exact and O(L·K) in FLOPs, but every query gets its own copy of K keys and
    values: (B, heads, L, K, E) gathered tensors that a memory-bound gather fills.

    Args:
        q: (B, heads, t·h·w, E).
        k: (B, heads, t·h·w, E).
        v: (B, heads, t·h·w, Ev).
        grid: (t, h, w).
        window: window size per axis, clamped at the edges (see
            :func:`examples.video.masks.sliding_window_mask`).

    Returns:
        (B, heads, t·h·w, Ev).
    """
    grid = check_video_qkv(q, k, v, grid)
    index = neighbour_index(grid, window).to(q.device)  # (L, K)
    k_near = k[:, :, index]  # (B, heads, L, K, E): gathered copy
    v_near = v[:, :, index]  # (B, heads, L, K, Ev)
    scores = einsum(q, k_near, "b heads l e, b heads l k e -> b heads l k") / math.sqrt(q.shape[-1])
    weights = scores.softmax(dim=-1)  # (B, heads, L, K)
    return einsum(weights, v_near, "b heads l k, b heads l k e -> b heads l e")
# --8<-- [end:sliding_window]


if __name__ == "__main__":
    torch.manual_seed(0)
    demo_grid = (4, 4, 4)
    x = torch.randn(1, 2, 64, 8)
    print(window_attention(x, x, x, demo_grid, (2, 2, 2), (1, 1, 1)).shape)
