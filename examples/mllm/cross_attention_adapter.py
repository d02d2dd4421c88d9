"""A Qwen-VL-style cross-attention adapter: any number of patches in, a fixed number of tokens out (R1-1).

Modelled on the ``Resampler`` of Qwen-VL (arXiv 2308.12966; ``visual.py`` of the
Qwen-VL release): ONE multi-head cross-attention layer whose queries are
``num_queries`` learned vectors and whose keys and values are the ViT patches.

* keys/values are first projected by ``kv_proj`` (a Linear without bias) and
  layer-normed; the queries are layer-normed too;
* a FIXED 2D sine-cosine code (not learned) is added to the queries (laid out on a
  sqrt(num_queries)-sided grid) and to the keys, after bicubic interpolation of the
  same code to the patch grid; the values get no position code;
* ``num_heads`` defaults to ``llm_dim // 128`` as in the release;
* the output goes through a LayerNorm and a bias-free projection (``ln_post`` and
  ``proj`` of the release's vision tower).

Qwen-VL interpolates to square grids only; this version accepts any (grid_h, grid_w).
"""

from __future__ import annotations

import math

import torch
from einops import rearrange, repeat
from torch import Tensor, nn
from torch.nn import functional as F

from examples.attention.scaled_dot_product import scaled_dot_product_attention
from examples.mllm.positions import sincos_2d
from examples._checks import check_positive_int
from examples.mllm.projectors import check_patches, infer_grid

QWEN_VL_NUM_QUERIES = 256
"""Learned queries, hence LLM tokens per image, in Qwen-VL."""


# --8<-- [start:interpolate]
def interpolate_pos_2d(pos: Tensor, src_grid: tuple[int, int], dst_grid: tuple[int, int]) -> Tensor:
    """Resize a 2D position code laid out on ``src_grid`` to ``dst_grid`` (bicubic, as Qwen-VL's ``get_abs_pos``).

    Args:
        pos: (src_h * src_w, d) codes in raster order.
        src_grid: (src_h, src_w).
        dst_grid: (dst_h, dst_w).

    Returns:
        (dst_h * dst_w, d) codes; ``pos`` itself when the grids are equal.
    """
    (src_h, src_w), (dst_h, dst_w) = src_grid, dst_grid
    if pos.dim() != 2 or pos.shape[0] != src_h * src_w:
        raise ValueError(f"pos must have shape ({src_h * src_w}, d) for src_grid {src_grid}, got {tuple(pos.shape)}")
    if (src_h, src_w) == (dst_h, dst_w):
        return pos
    image = rearrange(pos, "(h w) d -> 1 d h w", h=src_h, w=src_w)  # (1, d, src_h, src_w)
    resized = F.interpolate(image, size=(dst_h, dst_w), mode="bicubic", align_corners=False)  # (1, d, dst_h, dst_w)
    return rearrange(resized, "1 d h w -> (h w) d")  # (dst_h * dst_w, d)
# --8<-- [end:interpolate]


# --8<-- [start:adapter]
class CrossAttentionAdapter(nn.Module):
    """Learned queries cross-attend to the patches: (b, n, vision_dim) -> (b, num_queries, llm_dim).

    Args:
        vision_dim: width of the ViT patch features.
        llm_dim: width of the adapter and of its output (the LLM's embedding width).
        num_queries: learned queries = output tokens; a perfect square (their 2D code
            is laid out on a square grid).
        num_heads: attention heads; defaults to ``max(1, llm_dim // 128)``.
    """

    def __init__(self, vision_dim: int, llm_dim: int, num_queries: int = QWEN_VL_NUM_QUERIES,
                 num_heads: int | None = None) -> None:
        super().__init__()
        self.vision_dim = check_positive_int(vision_dim, "vision_dim")
        self.llm_dim = check_positive_int(llm_dim, "llm_dim")
        self.num_queries = check_positive_int(num_queries, "num_queries")
        self.num_heads = max(1, llm_dim // 128) if num_heads is None else check_positive_int(num_heads, "num_heads")
        if llm_dim % self.num_heads:
            raise ValueError(f"llm_dim={llm_dim} must be divisible by num_heads={self.num_heads}")
        if llm_dim % 4:
            raise ValueError(f"llm_dim must be a multiple of 4 for the 2D sin-cos code, got {llm_dim}")
        side = math.isqrt(num_queries)
        if side * side != num_queries:
            raise ValueError(f"num_queries must be a perfect square, got {num_queries}")
        self.query_grid = (side, side)

        self.query = nn.Parameter(torch.empty(num_queries, llm_dim))  # (q, d)
        nn.init.trunc_normal_(self.query, std=0.02)
        self.register_buffer("pos", sincos_2d(side, side, llm_dim).float(), persistent=False)  # (q, d), fixed
        self.kv_proj = nn.Linear(vision_dim, llm_dim, bias=False)
        self.ln_q, self.ln_kv, self.ln_post = nn.LayerNorm(llm_dim), nn.LayerNorm(llm_dim), nn.LayerNorm(llm_dim)
        self.q_proj, self.k_proj, self.v_proj = (nn.Linear(llm_dim, llm_dim) for _ in range(3))
        self.out_proj = nn.Linear(llm_dim, llm_dim)
        self.proj = nn.Linear(llm_dim, llm_dim, bias=False)

    def num_tokens(self, grid_h: int, grid_w: int) -> int:
        """Tokens handed to the LLM: ``num_queries``, whatever the patch grid."""
        check_positive_int(grid_h, "grid_h")
        check_positive_int(grid_w, "grid_w")
        return self.num_queries

    def forward(self, x: Tensor, grid: tuple[int, int] | None = None, patch_mask: Tensor | None = None) -> Tensor:
        """Compress patches into ``num_queries`` tokens.

        Args:
            x: (b, n, vision_dim) patch features in raster order.
            grid: (grid_h, grid_w) with grid_h * grid_w = n; inferred if n is a square.
            patch_mask: optional (b, n), 1/True = use the patch, 0/False = ignore it.

        Returns:
            (b, num_queries, llm_dim).
        """
        check_patches(x, self.vision_dim)
        b, n, _ = x.shape
        grid_hw = infer_grid(n, grid)
        kv = self.ln_kv(self.kv_proj(x))  # (b, n, d)
        key_pos = interpolate_pos_2d(self.pos, self.query_grid, grid_hw).to(x.dtype)  # (n, d)
        q = repeat(self.ln_q(self.query) + self.pos.to(x.dtype), "q d -> b q d", b=b)  # (b, q, d)
        k = kv + key_pos  # positions on the keys ...
        v = kv  # ... but not on the values

        heads = self.num_heads
        q = rearrange(self.q_proj(q), "b q (h e) -> b h q e", h=heads)  # (b, h, q, e)
        k = rearrange(self.k_proj(k), "b n (h e) -> b h n e", h=heads)  # (b, h, n, e)
        v = rearrange(self.v_proj(v), "b n (h e) -> b h n e", h=heads)  # (b, h, n, e)
        mask = None
        if patch_mask is not None:
            if patch_mask.shape != (b, n):
                raise ValueError(f"patch_mask must have shape ({b}, {n}), got {tuple(patch_mask.shape)}")
            mask = rearrange(patch_mask.bool(), "b n -> b 1 1 n")  # (b, 1, 1, n), True = may attend
        out = scaled_dot_product_attention(q, k, v, attn_mask=mask)  # (b, h, q, e)
        out = self.out_proj(rearrange(out, "b h q e -> b q (h e)"))  # (b, q, d)
        return self.proj(self.ln_post(out))  # (b, q, llm_dim)
# --8<-- [end:adapter]


if __name__ == "__main__":
    adapter = CrossAttentionAdapter(vision_dim=32, llm_dim=64, num_queries=16, num_heads=4)
    for grid in [(16, 16), (32, 32), (12, 20)]:
        patches = torch.randn(2, grid[0] * grid[1], 32)
        print(grid, tuple(adapter(patches, grid).shape))
