"""Projector connectors: map ViT patch features to LLM token embeddings (R1-4, R1-6).

Every connector takes patch features ``(b, n, vision_dim)`` laid out row by row on a
``(grid_h, grid_w)`` grid (``n = grid_h * grid_w``; a square grid is inferred when no
grid is given) and returns ``(b, m, llm_dim)`` tokens for the LLM:

* ``LinearProjector``: LLaVA (``linear``), m = n;
* ``MLPProjector``: LLaVA-1.5 (``mlp2x_gelu``), m = n;
* ``PoolingProjector``: DeCo (2D adaptive average pooling, then the MLP), m = out_side²;
* ``PixelShuffleProjector``: InternVL (pixel shuffle, then LayerNorm-Linear-GELU-Linear), m = n / factor².

Sources: haotian-liu/LLaVA ``llava/model/multimodal_projector/builder.py``; DeCo
(arXiv 2405.20985); OpenGVLab/InternVL
``internvl_chat/internvl/model/internvl_chat/modeling_internvl_chat.py``
(``pixel_shuffle`` and ``mlp1`` = LayerNorm, Linear, GELU, Linear).
"""

from __future__ import annotations

import math

from einops import rearrange
from torch import Tensor, nn
from torch.nn import functional as F

from examples._checks import check_positive_int


# --8<-- [start:grid]
def infer_grid(num_patches: int, grid: tuple[int, int] | None = None) -> tuple[int, int]:
    """The (grid_h, grid_w) of ``num_patches`` patches: ``grid`` if given, else a square.

    Args:
        num_patches: n, the number of patch features.
        grid: optional explicit (grid_h, grid_w).

    Returns:
        ``(grid_h, grid_w)`` with ``grid_h * grid_w == num_patches``.
    """
    if grid is None:
        side = math.isqrt(num_patches)
        if side * side != num_patches or side == 0:
            raise ValueError(f"grid must be given: {num_patches} patches do not form a square grid")
        return side, side
    if not (isinstance(grid, tuple) and len(grid) == 2):
        raise TypeError(f"grid must be a (grid_h, grid_w) tuple, got {grid!r}")
    grid_h, grid_w = check_positive_int(grid[0], "grid[0]"), check_positive_int(grid[1], "grid[1]")
    if grid_h * grid_w != num_patches:
        raise ValueError(f"grid {grid} holds {grid_h * grid_w} patches, but x has {num_patches}")
    return grid_h, grid_w


def check_patches(x: Tensor, vision_dim: int) -> None:
    """Raise unless ``x`` is a float tensor of shape (b, n, vision_dim)."""
    if not isinstance(x, Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.dim() != 3 or x.shape[-1] != vision_dim:
        raise ValueError(f"x must have shape (b, n, {vision_dim}), got {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"x must be floating point, got {x.dtype}")
# --8<-- [end:grid]


# --8<-- [start:linear_mlp]
class PerPatchProjector(nn.Module):
    """A connector that maps every patch on its own: n tokens in, n tokens out.

    Args:
        vision_dim: width of the ViT features.
        net: the per-patch network, (..., vision_dim) -> (..., llm_dim).
    """

    def __init__(self, vision_dim: int, net: nn.Module) -> None:
        super().__init__()
        self.vision_dim = vision_dim
        self.net = net

    def num_tokens(self, grid_h: int, grid_w: int) -> int:
        """Tokens handed to the LLM for a (grid_h, grid_w) patch grid: every patch."""
        return check_positive_int(grid_h, "grid_h") * check_positive_int(grid_w, "grid_w")

    def forward(self, x: Tensor, grid: tuple[int, int] | None = None) -> Tensor:
        """(b, n, vision_dim) -> (b, n, llm_dim). ``grid`` is only checked."""
        check_patches(x, self.vision_dim)
        if grid is not None:
            infer_grid(x.shape[1], grid)
        return self.net(x)  # (b, n, llm_dim)


class LinearProjector(PerPatchProjector):
    """LLaVA's connector: one ``nn.Linear`` applied to every patch.

    Args:
        vision_dim: width of the ViT features.
        llm_dim: width of the LLM embeddings.
    """

    def __init__(self, vision_dim: int, llm_dim: int) -> None:
        check_positive_int(vision_dim, "vision_dim")
        super().__init__(vision_dim, nn.Linear(vision_dim, check_positive_int(llm_dim, "llm_dim")))


class MLPProjector(PerPatchProjector):
    """LLaVA-1.5's ``mlp2x_gelu``: Linear(vision_dim, llm_dim), GELU, Linear(llm_dim, llm_dim), per patch.

    Args:
        vision_dim: width of the ViT features.
        llm_dim: width of the LLM embeddings.
    """

    def __init__(self, vision_dim: int, llm_dim: int) -> None:
        check_positive_int(vision_dim, "vision_dim")
        llm_dim = check_positive_int(llm_dim, "llm_dim")
        super().__init__(vision_dim, nn.Sequential(nn.Linear(vision_dim, llm_dim), nn.GELU(), nn.Linear(llm_dim, llm_dim)))
# --8<-- [end:linear_mlp]


# --8<-- [start:pooling]
class PoolingProjector(nn.Module):
    """DeCo-style connector: 2D adaptive average pooling of the patch grid, then the MLP.

    Pooling has no parameters and keeps locality: output token (i, j) averages the
    patches of one rectangle of the image.

    Args:
        vision_dim: width of the ViT features.
        llm_dim: width of the LLM embeddings.
        out_side: the grid is pooled to (out_side, out_side); must not exceed the
            input grid's sides.
    """

    def __init__(self, vision_dim: int, llm_dim: int, out_side: int) -> None:
        super().__init__()
        self.vision_dim = check_positive_int(vision_dim, "vision_dim")
        self.out_side = check_positive_int(out_side, "out_side")
        self.mlp = MLPProjector(vision_dim, llm_dim)

    def num_tokens(self, grid_h: int, grid_w: int) -> int:
        """Tokens handed to the LLM: out_side², whatever the grid (checked to be large enough)."""
        self._check_grid(check_positive_int(grid_h, "grid_h"), check_positive_int(grid_w, "grid_w"))
        return self.out_side**2

    def _check_grid(self, grid_h: int, grid_w: int) -> None:
        if self.out_side > min(grid_h, grid_w):
            raise ValueError(f"out_side={self.out_side} is larger than the patch grid ({grid_h}, {grid_w})")

    def forward(self, x: Tensor, grid: tuple[int, int] | None = None) -> Tensor:
        """(b, grid_h * grid_w, vision_dim) -> (b, out_side², llm_dim)."""
        check_patches(x, self.vision_dim)
        grid_h, grid_w = infer_grid(x.shape[1], grid)
        self._check_grid(grid_h, grid_w)
        image = rearrange(x, "b (h w) c -> b c h w", h=grid_h, w=grid_w)  # (b, c, h, w)
        pooled = F.adaptive_avg_pool2d(image, self.out_side)  # (b, c, s, s)
        tokens = rearrange(pooled, "b c s1 s2 -> b (s1 s2) c")  # (b, s*s, c)
        return self.mlp(tokens)  # (b, s*s, llm_dim)
# --8<-- [end:pooling]


# --8<-- [start:pixel_shuffle]
def pixel_shuffle(x: Tensor, grid_h: int, grid_w: int, factor: int) -> Tensor:
    """Space-to-depth: each factor x factor block of patches becomes one token, channels stacked.

    Args:
        x: (b, grid_h * grid_w, c) patch features in raster order.
        grid_h: patch rows, divisible by ``factor``.
        grid_w: patch columns, divisible by ``factor``.
        factor: block side (InternVL: 2, its ``downsample_ratio`` 0.5).

    Returns:
        (b, (grid_h / factor) * (grid_w / factor), factor² · c); the channels of a
        token are ordered (row in block, column in block, channel).
    """
    check_positive_int(factor, "factor")
    if grid_h % factor or grid_w % factor:
        raise ValueError(f"the patch grid ({grid_h}, {grid_w}) must be divisible by factor={factor}")
    # a raster index (row, col) = (h·factor + p1, w·factor + p2) splits as (h p1 w p2)
    return rearrange(
        x, "b (h p1 w p2) c -> b (h w) (p1 p2 c)", h=grid_h // factor, w=grid_w // factor, p1=factor, p2=factor
    )  # (b, n / factor², factor² c)


class PixelShuffleProjector(nn.Module):
    """InternVL's connector: pixel shuffle (4 patches -> 1 token), then LayerNorm, Linear, GELU, Linear.

    InternVL's own ``pixel_shuffle`` reaches the same tokens through view/permute
    steps, with the stacked channels in another fixed order; the first Linear
    absorbs any fixed channel order.

    Args:
        vision_dim: width of the ViT features.
        llm_dim: width of the LLM embeddings.
        factor: block side; tokens shrink by factor².
    """

    def __init__(self, vision_dim: int, llm_dim: int, factor: int = 2) -> None:
        super().__init__()
        self.vision_dim = check_positive_int(vision_dim, "vision_dim")
        self.factor = check_positive_int(factor, "factor")
        llm_dim = check_positive_int(llm_dim, "llm_dim")
        stacked = vision_dim * factor**2
        self.mlp = nn.Sequential(
            nn.LayerNorm(stacked), nn.Linear(stacked, llm_dim), nn.GELU(), nn.Linear(llm_dim, llm_dim)
        )

    def num_tokens(self, grid_h: int, grid_w: int) -> int:
        """Tokens handed to the LLM: (grid_h / factor) · (grid_w / factor)."""
        grid_h, grid_w = check_positive_int(grid_h, "grid_h"), check_positive_int(grid_w, "grid_w")
        if grid_h % self.factor or grid_w % self.factor:
            raise ValueError(f"the patch grid ({grid_h}, {grid_w}) must be divisible by factor={self.factor}")
        return (grid_h // self.factor) * (grid_w // self.factor)

    def forward(self, x: Tensor, grid: tuple[int, int] | None = None) -> Tensor:
        """(b, grid_h * grid_w, vision_dim) -> (b, grid_h * grid_w / factor², llm_dim)."""
        check_patches(x, self.vision_dim)
        grid_h, grid_w = infer_grid(x.shape[1], grid)
        stacked = pixel_shuffle(x, grid_h, grid_w, self.factor)  # (b, n / f², f² c)
        return self.mlp(stacked)  # (b, n / f², llm_dim)
# --8<-- [end:pixel_shuffle]
