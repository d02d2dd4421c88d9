"""Rotary position embedding (RoPE), applied to queries and keys (R2-4).

RoFormer (Su et al., arXiv 2104.09864) rotates each pair of channels (2i, 2i + 1) of a
query or key at position m by the angle m·θ_i, with θ_i = base^(-2i / D). A rotation
keeps lengths, and the dot product of a query rotated by m·θ and a key rotated by n·θ
depends on m - n only: attention scores see relative positions, while each vector
carries its absolute position. Values are not rotated.

This module uses the interleaved pairs of the paper. Many Llama-style code bases pair
channel i with channel i + D/2 instead ("rotate half"); that is the same rotation on a
permuted channel order, so checkpoints are not interchangeable without permuting.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from einops import rearrange
from torch import Tensor

from examples.attention.scaled_dot_product import accumulation_dtype
# --8<-- [end:imports]


# --8<-- [start:rope]
def rope_angles(positions: Tensor, head_dim: int, base: float = 10000.0) -> Tensor:
    """The rotation angle of every channel pair at every position.

    Args:
        positions: (T,) integer positions.
        head_dim: D, even.
        base: the wavelength base; pair i turns by base^(-2i / D) radians per position.

    Returns:
        (T, D / 2) float64 angles m·θ_i.
    """
    if isinstance(head_dim, bool) or not isinstance(head_dim, int) or head_dim < 2 or head_dim % 2:
        raise ValueError(f"head_dim must be an even int >= 2, got {head_dim!r}")
    if not isinstance(positions, Tensor) or positions.dim() != 1 or positions.is_floating_point():
        raise TypeError("positions must be a 1-D integer tensor")
    if base <= 1:
        raise ValueError(f"base must be > 1, got {base}")
    pair = torch.arange(head_dim // 2, dtype=torch.float64, device=positions.device)  # (D/2,)
    theta = base ** (-2.0 * pair / head_dim)  # (D/2,), from 1 rad/position down to ~1/base
    return positions.to(torch.float64)[:, None] * theta[None, :]  # (T, D/2)


def apply_rope(x: Tensor, positions: Tensor, base: float = 10000.0) -> Tensor:
    """Rotate each channel pair (2i, 2i + 1) of ``x`` by position × θ_i.

    Args:
        x: queries or keys, (..., T, D) with D even, e.g. (B, H, T, D).
        positions: (T,) integer position of each of the T rows.
        base: see ``rope_angles``.

    Returns:
        Tensor of x's shape and dtype (the angles and the rotation run in at least float32).
    """
    if not isinstance(x, Tensor) or x.dim() < 2 or not x.is_floating_point():
        raise TypeError("x must be a floating-point tensor of shape (..., T, D)")
    angles = rope_angles(positions, x.shape[-1], base)  # (T, D/2)
    if angles.shape[0] != x.shape[-2]:
        raise ValueError(f"positions has {angles.shape[0]} entries, x has {x.shape[-2]} rows")
    work = accumulation_dtype(x.dtype)
    cos, sin = angles.cos().to(work), angles.sin().to(work)  # (T, D/2) each
    pairs = rearrange(x.to(work), "... t (i two) -> ... t i two", two=2)  # (..., T, D/2, 2)
    even, odd = pairs[..., 0], pairs[..., 1]  # (..., T, D/2) each
    rotated = torch.stack((even * cos - odd * sin, even * sin + odd * cos), dim=-1)  # (..., T, D/2, 2)
    return rearrange(rotated, "... t i two -> ... t (i two)").to(x.dtype)  # (..., T, D)
# --8<-- [end:rope]
