"""One fused QKV projection instead of three (R2-4).

Three ``nn.Linear`` layers on the same input are one linear layer whose weight is the
three weights stacked along the output axis: one matrix multiply and one kernel launch
instead of three, the same numbers out. ``nn.MultiheadAttention`` stores its
``in_proj_weight`` this way. With grouped-query attention the key and value blocks are
narrower than the query block.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch import Tensor, nn
# --8<-- [end:imports]


# --8<-- [start:fused]
def fuse_qkv(q_proj: nn.Linear, k_proj: nn.Linear, v_proj: nn.Linear) -> nn.Linear:
    """One ``nn.Linear`` computing the three projections side by side.

    Args:
        q_proj: (E → H·D).
        k_proj: (E → G·D).
        v_proj: (E → G·Dv); all three read the same E and all or none have a bias.

    Returns:
        An ``nn.Linear`` (E → H·D + G·D + G·Dv) whose output is
        ``cat([q_proj(x), k_proj(x), v_proj(x)], dim=-1)``; split it with ``split_qkv``.
    """
    layers = (q_proj, k_proj, v_proj)
    for name, layer in zip(("q_proj", "k_proj", "v_proj"), layers):
        if not isinstance(layer, nn.Linear):
            raise TypeError(f"{name} must be an nn.Linear, got {type(layer).__name__}")
    if len({layer.in_features for layer in layers}) != 1:
        raise ValueError(f"the projections must read the same width, got {[layer.in_features for layer in layers]}")
    if len({layer.bias is None for layer in layers}) != 1:
        raise ValueError("either all three projections have a bias or none has")
    weight = q_proj.weight
    fused = nn.Linear(
        q_proj.in_features, sum(layer.out_features for layer in layers), bias=q_proj.bias is not None,
        device=weight.device, dtype=weight.dtype,
    )
    with torch.no_grad():
        fused.weight.copy_(torch.cat([layer.weight for layer in layers], dim=0))  # (H·D + G·D + G·Dv, E)
        if fused.bias is not None:
            fused.bias.copy_(torch.cat([layer.bias for layer in layers]))
    return fused


def split_qkv(qkv: Tensor, q_dim: int, k_dim: int, v_dim: int | None = None) -> tuple[Tensor, Tensor, Tensor]:
    """Split a fused projection's output (..., q_dim + k_dim + v_dim) into q, k and v.

    Args:
        qkv: (..., q_dim + k_dim + v_dim).
        q_dim: H·D.
        k_dim: G·D.
        v_dim: G·Dv; defaults to ``k_dim``.

    Returns:
        Views (..., q_dim), (..., k_dim), (..., v_dim).
    """
    v_dim = k_dim if v_dim is None else v_dim
    if qkv.shape[-1] != q_dim + k_dim + v_dim:
        raise ValueError(f"qkv has last dim {qkv.shape[-1]}, expected {q_dim} + {k_dim} + {v_dim}")
    q, k, v = torch.split(qkv, [q_dim, k_dim, v_dim], dim=-1)
    return q, k, v
# --8<-- [end:fused]
