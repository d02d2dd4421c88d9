"""Token counts of video clips and the cost of attending over them (R2-2).

FLOPs count a multiply-add as 2. The attention *core* is the two attention matmuls
(scores q kᵀ and the weighted sum of values): for P attended (query, key) pairs and
width D, 2·P·D + 2·P·D = 4·P·D. :func:`layer_flops` adds the rest of a transformer
layer (q/k/v/output projections and the MLP), which grows with L·D² instead of L²·D.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import Tensor

from examples._checks import check_positive_int
from examples.video.masks import Grid, check_divides, check_shift, check_triple
# --8<-- [end:imports]




# --8<-- [start:tokens]
def video_tokens(frames: int, height: int, width: int, patch: int, tubelet: int = 1) -> int:
    """Tokens of a clip cut into patch × patch squares (and tubelets of frames).

    Args:
        frames: frames sampled from the video.
        height: frame height in pixels.
        width: frame width in pixels.
        patch: patch side in pixels; must divide height and width.
        tubelet: frames per token (ViViT tubelets, Qwen2-VL's temporal patch 2).

    Returns:
        (frames / tubelet) · (height / patch) · (width / patch).
    """
    for name, value in (("frames", frames), ("height", height), ("width", width), ("patch", patch), ("tubelet", tubelet)):
        check_positive_int(value, name)
    if height % patch or width % patch:
        raise ValueError(f"patch {patch} must divide height {height} and width {width}")
    if frames % tubelet:
        raise ValueError(f"tubelet {tubelet} must divide frames {frames}")
    return (frames // tubelet) * (height // patch) * (width // patch)


def latent_video_tokens(
    frames: int, height: int, width: int, vae_time: int = 4, vae_space: int = 8, patch: int = 2
) -> int:
    """Tokens a latent video diffusion transformer attends over (HunyuanVideo-style).

    A causal 3D VAE keeps the first frame and compresses the rest ``vae_time`` times
    in time and ``vae_space`` times in space; the transformer then patchifies the
    latent with ``patch`` × ``patch`` patches.

    Args:
        frames: pixel frames, of the form vae_time · k + 1.
        height: pixels; divisible by vae_space · patch.
        width: pixels; divisible by vae_space · patch.
        vae_time: temporal compression of the VAE.
        vae_space: spatial compression of the VAE.
        patch: spatial patch of the transformer, in latent pixels.

    Returns:
        ((frames - 1) / vae_time + 1) · (height / (vae_space·patch)) · (width / (vae_space·patch)).
    """
    for name, value in (("frames", frames), ("height", height), ("width", width), ("vae_time", vae_time),
                        ("vae_space", vae_space), ("patch", patch)):
        check_positive_int(value, name)
    if (frames - 1) % vae_time:
        raise ValueError(f"frames must be vae_time·k + 1, got frames={frames}, vae_time={vae_time}")
    stride = vae_space * patch
    if height % stride or width % stride:
        raise ValueError(f"height {height} and width {width} must be divisible by vae_space·patch = {stride}")
    return ((frames - 1) // vae_time + 1) * (height // stride) * (width // stride)
# --8<-- [end:tokens]


# --8<-- [start:full_cost]
def attention_flops(pairs: int, width: int) -> int:
    """FLOPs of q kᵀ plus weights·v over ``pairs`` (query, key) pairs: 4 · pairs · width.

    Args:
        pairs: attended (query, key) pairs, summed over the sequence (L² for full attention).
        width: model width D = heads · head_dim.

    Returns:
        FLOPs, a multiply-add counted as 2.
    """
    check_positive_int(width, "width")
    if isinstance(pairs, bool) or not isinstance(pairs, int) or pairs < 0:
        raise ValueError(f"pairs must be a non-negative int, got {pairs!r}")
    return 4 * pairs * width


def full_attention_flops(tokens: int, width: int) -> int:
    """FLOPs of one full self-attention over ``tokens`` tokens: 4 · L² · D.

    Args:
        tokens: L.
        width: D = heads · head_dim.

    Returns:
        FLOPs of the two attention matmuls.
    """
    check_positive_int(tokens, "tokens")
    return attention_flops(tokens * tokens, width)


def score_matrix_bytes(tokens: int, heads: int, bytes_per_element: int = 2) -> int:
    """Bytes of the L×L attention scores of one layer if they are materialised.

    Args:
        tokens: L.
        heads: one L×L matrix per head.
        bytes_per_element: 2 for bf16/fp16, 4 for fp32.

    Returns:
        heads · L² · bytes_per_element.
    """
    for name, value in (("tokens", tokens), ("heads", heads), ("bytes_per_element", bytes_per_element)):
        check_positive_int(value, name)
    return heads * tokens * tokens * bytes_per_element
# --8<-- [end:full_cost]


# --8<-- [start:layer_cost]
def layer_flops(tokens: int, width: int, mlp_ratio: int = 4) -> dict[str, int]:
    """Forward FLOPs of one transformer layer over ``tokens`` tokens, by part.

    Args:
        tokens: L.
        width: D = heads · head_dim.
        mlp_ratio: hidden width of the MLP over D (4 in ViT, DiT and HunyuanVideo).

    Returns:
        ``{"attention": 4·L²·D, "projections": 8·L·D², "mlp": 4·mlp_ratio·L·D²}``:
        the attention core, the q/k/v and output projections (four D×D matmuls)
        and the two MLP matmuls. Norms, softmax and activations are left out.
    """
    check_positive_int(tokens, "tokens")
    check_positive_int(width, "width")
    check_positive_int(mlp_ratio, "mlp_ratio")
    return {
        "attention": full_attention_flops(tokens, width),
        "projections": 4 * 2 * tokens * width * width,
        "mlp": 2 * 2 * tokens * width * (mlp_ratio * width),
    }


def attention_share(tokens: int, width: int, mlp_ratio: int = 4) -> float:
    """Fraction of a layer's FLOPs spent in the attention core: L / (L + (2 + mlp_ratio)·D)."""
    parts = layer_flops(tokens, width, mlp_ratio)
    return parts["attention"] / sum(parts.values())


def attention_crossover_tokens(width: int, mlp_ratio: int = 4) -> int:
    """Token count at which the attention core costs as much as projections and MLP together.

    4·L²·D = (8 + 4·mlp_ratio)·L·D², so L = (2 + mlp_ratio)·D: 6·D for the usual MLP.

    Args:
        width: D.
        mlp_ratio: hidden width of the MLP over D.

    Returns:
        L at the crossover; below it the linear layers dominate, above it attention does.
    """
    check_positive_int(width, "width")
    check_positive_int(mlp_ratio, "mlp_ratio")
    return (2 + mlp_ratio) * width
# --8<-- [end:layer_cost]


# --8<-- [start:pattern_pairs]
def spatial_pairs(grid: Grid) -> int:
    """Attended pairs of spatial-only attention: t · (h·w)²."""
    t, h, w = check_triple(grid, "grid")
    return t * (h * w) ** 2


def temporal_pairs(grid: Grid) -> int:
    """Attended pairs of temporal-only attention: h·w · t²."""
    t, h, w = check_triple(grid, "grid")
    return h * w * t**2


def divided_pairs(grid: Grid) -> int:
    """Attended pairs of divided space-time attention: both steps together."""
    return temporal_pairs(grid) + spatial_pairs(grid)


def window_pairs(grid: Grid, window: Grid, shift: Grid = (0, 0, 0)) -> int:
    """Attended pairs of (shifted) window attention: Π over axes of Σ group size².

    Args:
        grid: (t, h, w).
        window: window size per axis, dividing the grid.
        shift: per-axis shift; shifted windows split into groups of s, w, ..., w, w - s.
    """
    grid = check_triple(grid, "grid")
    window = check_triple(window, "window")
    check_divides(grid, window, "window")
    shift = check_shift(shift, window)
    total = 1
    for n, w, s in zip(grid, window, shift):
        sizes = [w] * (n // w) if s == 0 else [s] + [w] * (n // w - 1) + [w - s]
        total *= sum(size * size for size in sizes)
    return total


def sliding_window_pairs(grid: Grid, window: Grid) -> int:
    """Attended pairs of a clamped sliding window: L · Π min(window, axis)."""
    grid = check_triple(grid, "grid")
    window = check_triple(window, "window")
    return math.prod(grid) * math.prod(min(w, n) for w, n in zip(window, grid))


def tile_pairs(tile: Grid, keep: Tensor) -> int:
    """Attended pairs of tile-sparse attention: kept tile pairs · (tile volume)²."""
    tile = check_triple(tile, "tile")
    if not isinstance(keep, Tensor) or keep.dtype != torch.bool:
        raise TypeError(f"keep must be a bool tensor, got {type(keep).__name__}")
    return int(keep.sum()) * math.prod(tile) ** 2
# --8<-- [end:pattern_pairs]


def format_bytes(n: int | float, digits: int = 1) -> str:
    """Bytes as a short binary-unit string, e.g. 1536 -> '1.5 KiB'.

    Args:
        n: a byte count, >= 0.
        digits: decimals shown.

    Returns:
        The number with B, KiB, MiB, GiB, TiB or PiB.
    """
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    value, unit = float(n), 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    return f"{value:.{digits}f} {units[unit]}" if unit else f"{int(value)} B"


if __name__ == "__main__":
    print(video_tokens(96, 224, 224, 16), latent_video_tokens(117, 768, 1280))
