"""Grouped-query and multi-query attention: several query heads share one key/value head (R2-4).

With H query heads and G key/value heads (G divides H), query head h reads key/value
head h // (H / G). G = H is ordinary multi-head attention, G = 1 is multi-query
attention (Shazeer, arXiv 1911.02150) and 1 < G < H is grouped-query attention
(Ainslie et al., arXiv 2305.13245). The keys and values, and so the KV cache, shrink
by H / G; the number of query heads, and the FLOPs, stay the same.
"""

from __future__ import annotations

# --8<-- [start:imports]
from einops import rearrange
from torch import Tensor

from examples.attention.scaled_dot_product import check_qkv, scaled_dot_product_attention
# --8<-- [end:imports]


# --8<-- [start:gqa]
def grouped_query_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    is_causal: bool = False,
    scale: float | None = None,
    causal_alignment: str = "top_left",
) -> Tensor:
    """Attention where each group of H / G query heads shares one key/value head.

    The shared keys and values are broadcast, not copied: the query heads are
    regrouped as (G, H / G) and the key/value heads get a size-1 axis instead.

    Args:
        q: (B, H, L, D).
        k: (B, G, S, D), with H divisible by G.
        v: (B, G, S, Dv).
        is_causal: apply a causal mask.
        scale: multiplier of the scores; defaults to 1 / sqrt(D).
        causal_alignment: ``"top_left"`` or ``"bottom_right"`` (see ``causal_mask``).

    Returns:
        (B, H, L, Dv), equal to
        ``F.scaled_dot_product_attention(q, k, v, is_causal=is_causal, enable_gqa=True)``.
    """
    check_qkv(q, k, v)
    for name, t in (("q", q), ("k", k), ("v", v)):
        if t.dim() != 4:
            raise ValueError(f"{name} must be (batch, heads, length, dim), got shape {tuple(t.shape)}")
    if not q.shape[0] == k.shape[0] == v.shape[0]:
        raise ValueError(f"q, k and v must share the batch size, got {q.shape[0]}, {k.shape[0]} and {v.shape[0]}")
    heads, groups = q.shape[1], k.shape[1]
    if v.shape[1] != groups:
        raise ValueError(f"k and v must have the same number of heads, got {groups} and {v.shape[1]}")
    if heads % groups != 0:
        raise ValueError(f"the query heads ({heads}) must be a multiple of the key/value heads ({groups})")
    q_grouped = rearrange(q, "b (g r) l d -> b g r l d", g=groups)  # (B, G, H/G, L, D)
    k_shared = rearrange(k, "b g s d -> b g 1 s d")  # (B, G, 1, S, D): broadcast over the group
    v_shared = rearrange(v, "b g s d -> b g 1 s d")  # (B, G, 1, S, Dv)
    out = scaled_dot_product_attention(
        q_grouped, k_shared, v_shared, is_causal=is_causal, scale=scale, causal_alignment=causal_alignment
    )  # (B, G, H/G, L, Dv)
    return rearrange(out, "b g r l d -> b (g r) l d")  # (B, H, L, Dv)
# --8<-- [end:gqa]
