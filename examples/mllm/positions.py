"""Where the 2D layout of an image comes from in a multimodal model (R1-7).

The language model reads a 1D sequence. Whatever it knows about rows and columns of
an image must be written into the vectors (absolute codes) or into the attention
scores (rotary codes) before that. This module holds the four tools the page uses:

* ``sincos_1d`` / ``sincos_2d``: fixed sine-cosine codes; the 2D version spends half
  the channels on the row index and half on the column index, as MAE
  (``util/pos_embed.py``) and Qwen-VL's adapter do. (MAE happens to put the column
  half first; the order is a convention, not a property.)
* ``apply_rope`` / ``apply_rope_2d``: rotary position embedding. In 2D, half the
  channels rotate with the row and half with the column, so a query-key score
  depends only on the relative offset (drow, dcol).
* ``mrope_position_ids`` / ``apply_mrope``: Qwen2-VL's multimodal RoPE (arXiv
  2409.12191; transformers ``modeling_qwen2_vl.py``, ``get_rope_index`` and
  ``apply_multimodal_rotary_pos_emb``). Every token gets a (t, h, w) triple; text
  tokens get the same number three times, which is ordinary 1D RoPE.

Rotary codes use the "rotate half" layout of LLaMA and Qwen: channel i is paired
with channel i + d/2.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from einops import rearrange, repeat
from torch import Tensor

from examples._checks import check_positive_int

ROPE_BASE = 10000.0
QWEN2_VL_MROPE_SECTION = (16, 24, 24)
"""Rotary frequency pairs given to (t, h, w) in Qwen2-VL (``mrope_section``, head_dim 128)."""


def check_positions(positions: Tensor, name: str) -> Tensor:
    """Return ``positions`` if it is a 1D tensor; else raise naming ``name``."""
    if not isinstance(positions, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(positions).__name__}")
    if positions.dim() != 1:
        raise ValueError(f"{name} must be 1D (n,), got shape {tuple(positions.shape)}")
    return positions


# --8<-- [start:sincos]
def sincos_1d(positions: Tensor, dim: int, base: float = ROPE_BASE) -> Tensor:
    """Fixed sine-cosine code of 1D positions: [sin(p·ω_i) for i] ++ [cos(p·ω_i) for i].

    With ``k = dim / 2`` frequencies ``ω_i = base^(-i / k)``, i = 0..k-1.

    Args:
        positions: (n,) positions (integers or floats).
        dim: code width, even.
        base: wavelength base.

    Returns:
        (n, dim) float64 codes.
    """
    check_positions(positions, "positions")
    check_positive_int(dim, "dim")
    if dim % 2:
        raise ValueError(f"dim must be even, got {dim}")
    omega = base ** (-torch.arange(dim // 2, dtype=torch.float64) / (dim // 2))  # (k,)
    angles = positions.to(torch.float64)[:, None] * omega[None, :]  # (n, k)
    return torch.cat([angles.sin(), angles.cos()], dim=-1)  # (n, dim)


def sincos_2d(grid_h: int, grid_w: int, dim: int, base: float = ROPE_BASE) -> Tensor:
    """2D sine-cosine code of a (grid_h, grid_w) patch grid, flattened row by row.

    The first ``dim / 2`` channels are ``sincos_1d`` of the row index, the last
    ``dim / 2`` channels ``sincos_1d`` of the column index.

    Args:
        grid_h: number of patch rows.
        grid_w: number of patch columns.
        dim: code width, a multiple of 4.
        base: wavelength base.

    Returns:
        (grid_h * grid_w, dim) float64 codes; row ``r * grid_w + c`` is patch (r, c).
    """
    check_positive_int(grid_h, "grid_h")
    check_positive_int(grid_w, "grid_w")
    check_positive_int(dim, "dim")
    if dim % 4:
        raise ValueError(f"dim must be a multiple of 4, got {dim}")
    rows, cols = grid_positions(grid_h, grid_w)  # (h*w,), (h*w,)
    return torch.cat([sincos_1d(rows, dim // 2, base), sincos_1d(cols, dim // 2, base)], dim=-1)
# --8<-- [end:sincos]


def grid_positions(grid_h: int, grid_w: int) -> tuple[Tensor, Tensor]:
    """Row and column index of every patch of a grid, in row-major (raster) order.

    Args:
        grid_h: number of rows.
        grid_w: number of columns.

    Returns:
        ``(rows, cols)``, two (grid_h * grid_w,) int64 tensors.
    """
    check_positive_int(grid_h, "grid_h")
    check_positive_int(grid_w, "grid_w")
    rows = repeat(torch.arange(grid_h), "h -> (h w)", w=grid_w)
    cols = repeat(torch.arange(grid_w), "w -> (h w)", h=grid_h)
    return rows, cols


# --8<-- [start:rope]
def rotate_half(x: Tensor) -> Tensor:
    """(x1, x2) -> (-x2, x1) on the two halves of the last axis."""
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([-x2, x1], dim=-1)


def rope_angles(positions: Tensor, dim: int, base: float = ROPE_BASE) -> Tensor:
    """Rotation angle p·θ_i of every position and frequency pair, θ_i = base^(-2i / dim).

    Args:
        positions: (n,) positions.
        dim: rotated width, even.
        base: RoPE base.

    Returns:
        (n, dim / 2) float64 angles.
    """
    check_positions(positions, "positions")
    check_positive_int(dim, "dim")
    if dim % 2:
        raise ValueError(f"dim must be even, got {dim}")
    theta = base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim)  # (dim/2,)
    return positions.to(torch.float64)[:, None] * theta[None, :]  # (n, dim/2)


def rotate(x: Tensor, angles: Tensor) -> Tensor:
    """Rotate channel pairs (i, i + d/2) of ``x`` by ``angles``.

    Args:
        x: (..., n, d).
        angles: (n, d / 2).

    Returns:
        (..., n, d), same dtype as ``x``.
    """
    cos = torch.cat([angles.cos(), angles.cos()], dim=-1).to(x.dtype)  # (n, d)
    sin = torch.cat([angles.sin(), angles.sin()], dim=-1).to(x.dtype)  # (n, d)
    return x * cos + rotate_half(x) * sin


def apply_rope(x: Tensor, positions: Tensor, base: float = ROPE_BASE) -> Tensor:
    """Ordinary 1D rotary position embedding.

    Args:
        x: queries or keys, (..., n, d) with d even.
        positions: (n,) position of each token.
        base: RoPE base.

    Returns:
        (..., n, d) rotated tensor.
    """
    check_rope_input(x, positions, "positions", 2)
    return rotate(x, rope_angles(positions, x.shape[-1], base))


def apply_rope_2d(x: Tensor, rows: Tensor, cols: Tensor, base: float = ROPE_BASE) -> Tensor:
    """2D rotary embedding: the first half of the channels rotates with the row, the second with the column.

    Args:
        x: queries or keys, (..., n, d) with d a multiple of 4.
        rows: (n,) row of each token.
        cols: (n,) column of each token.
        base: RoPE base.

    Returns:
        (..., n, d) rotated tensor; ⟨q(r, c), k(r', c')⟩ depends on (r - r', c - c') only.
    """
    check_rope_input(x, rows, "rows", 4)
    check_rope_input(x, cols, "cols", 4)
    x_row, x_col = x.chunk(2, dim=-1)  # (..., n, d/2) each
    return torch.cat([apply_rope(x_row, rows, base), apply_rope(x_col, cols, base)], dim=-1)
# --8<-- [end:rope]


def check_rope_input(x: Tensor, positions: Tensor, name: str, multiple: int) -> None:
    """Raise unless ``x`` is (..., n, d) with d a multiple of ``multiple`` and ``positions`` is (n,)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() < 2:
        raise ValueError(f"x must have shape (..., n, d), got {tuple(x.shape)}")
    if x.shape[-1] % multiple:
        raise ValueError(f"x's last dim must be a multiple of {multiple}, got {x.shape[-1]}")
    check_positions(positions, name)
    if positions.shape[0] != x.shape[-2]:
        raise ValueError(f"{name} must have one entry per token ({x.shape[-2]}), got {positions.shape[0]}")


# --8<-- [start:mrope_ids]
def mrope_position_ids(segments: Sequence[int | tuple[int, int, int]]) -> Tensor:
    """Qwen2-VL's (t, h, w) position ids for an interleaved text + image/video sequence.

    Rules (transformers ``Qwen2VLModel.get_rope_index``):

    * a text token gets the same id on all three axes, one more than the previous
      token's largest id, so pure text gets 0, 1, 2, ... exactly as 1D RoPE;
    * a visual block of ``(t, h, w)`` LLM tokens (the grid after 2x2 merging) gets
      ``start + (frame, row, column)`` where ``start`` is one more than the largest id
      so far, in (t, h, w) raster order;
    * the text after a visual block continues from that block's largest id + 1, so
      a 32 x 32 image advances the counter by 32, not by 1024.

    Args:
        segments: in sequence order, an int ``n`` for n text tokens or a tuple
            ``(t, h, w)`` for a visual block of t·h·w tokens.

    Returns:
        (3, L) int64 ids, rows (temporal, height, width), L the total token count.
    """
    if isinstance(segments, (str, bytes)) or not isinstance(segments, Sequence):
        raise TypeError(f"segments must be a sequence of ints and (t, h, w) tuples, got {type(segments).__name__}")
    blocks, start = [], 0
    for i, segment in enumerate(segments):
        if isinstance(segment, int) and not isinstance(segment, bool):
            if segment < 0:
                raise ValueError(f"segments[{i}]: a text length must be >= 0, got {segment}")
            text = repeat(torch.arange(segment) + start, "n -> three n", three=3)  # (3, n)
            blocks.append(text)
            start += segment
        elif isinstance(segment, tuple) and len(segment) == 3:
            for size in segment:
                if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                    raise ValueError(f"segments[{i}]: a visual grid needs three ints >= 1, got {segment}")
            t, h, w = segment
            grid = torch.stack(torch.meshgrid(torch.arange(t), torch.arange(h), torch.arange(w), indexing="ij"))
            vision = rearrange(grid, "k t h w -> k (t h w)") + start  # (3, t*h*w)
            blocks.append(vision)
            start = int(vision.max()) + 1
        else:
            raise TypeError(f"segments[{i}] must be an int or a (t, h, w) tuple of ints, got {segment!r}")
    if not blocks:
        return torch.zeros(3, 0, dtype=torch.long)
    return torch.cat(blocks, dim=1)  # (3, L)
# --8<-- [end:mrope_ids]


# --8<-- [start:mrope]
def apply_mrope(
    x: Tensor,
    position_ids: Tensor,
    sections: Sequence[int] = QWEN2_VL_MROPE_SECTION,
    base: float = ROPE_BASE,
) -> Tensor:
    """Multimodal RoPE: frequency pairs are split in three sections driven by t, h and w ids.

    The angles of every pair are computed for all three id rows; pair ``i`` then
    takes its angle from the temporal row if it lies in the first section, from the
    height row in the second and from the width row in the third.

    Args:
        x: queries or keys, (..., n, d).
        position_ids: (3, n) ids from :func:`mrope_position_ids`.
        sections: pairs per axis; must sum to d / 2 (Qwen2-VL: 16 + 24 + 24 = 64).
        base: RoPE base.

    Returns:
        (..., n, d) rotated tensor. With equal ids on the three rows this is
        exactly :func:`apply_rope`.
    """
    if not isinstance(position_ids, Tensor) or position_ids.dim() != 2 or position_ids.shape[0] != 3:
        shape = tuple(position_ids.shape) if isinstance(position_ids, Tensor) else type(position_ids).__name__
        raise ValueError(f"position_ids must have shape (3, n), got {shape}")
    check_rope_input(x, position_ids[0], "position_ids", 2)
    if len(sections) != 3 or sum(sections) != x.shape[-1] // 2:
        raise ValueError(f"sections must be three sizes summing to d / 2 = {x.shape[-1] // 2}, got {tuple(sections)}")
    per_axis = torch.stack([rope_angles(ids, x.shape[-1], base) for ids in position_ids])  # (3, n, d/2)
    chunks = per_axis.split(list(sections), dim=-1)  # three (3, n, section)
    angles = torch.cat([chunk[axis] for axis, chunk in enumerate(chunks)], dim=-1)  # (n, d/2)
    return rotate(x, angles)
# --8<-- [end:mrope]


if __name__ == "__main__":
    ids = mrope_position_ids([3, (1, 2, 3), 2])
    print(ids)
