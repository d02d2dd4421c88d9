"""Scaled dot-product attention written out step by step (R2-4).

Same contract as ``torch.nn.functional.scaled_dot_product_attention`` for the
arguments it shares, with one deliberate difference: a query whose keys are all
masked out gets an output of zeros instead of NaN.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import Tensor
# --8<-- [end:imports]


# --8<-- [start:mask]
def additive_mask(
    attn_mask: Tensor | None,
    is_causal: bool,
    q_len: int,
    k_len: int,
    dtype: torch.dtype,
    device: torch.device | None = None,
) -> Tensor | None:
    """Turn a boolean or float mask, and/or causality, into one additive float mask.

    Args:
        attn_mask: ``None``, a bool tensor broadcastable to (..., L, S) where True
            means "may attend", or a float tensor added to the scores.
        is_causal: if True, query i may attend to keys 0..i (top-left aligned).
        q_len: L, the number of queries.
        k_len: S, the number of keys.
        dtype: floating dtype of the scores.
        device: device of the scores.

    Returns:
        ``None`` when nothing is masked, else a float tensor broadcastable to
        (..., L, S) holding 0 where attention is allowed and -inf where it is not.
    """
    if attn_mask is not None and is_causal:
        raise ValueError("attn_mask and is_causal cannot both be set")
    if is_causal:
        allowed = torch.ones(q_len, k_len, dtype=torch.bool, device=device).tril()  # (L, S)
        attn_mask = allowed
    if attn_mask is None:
        return None
    if attn_mask.dtype == torch.bool:
        zeros = torch.zeros(attn_mask.shape, dtype=dtype, device=attn_mask.device)
        return zeros.masked_fill(~attn_mask, float("-inf"))  # True = may attend
    if not attn_mask.is_floating_point():
        raise TypeError(f"attn_mask must be bool or floating point, got {attn_mask.dtype}")
    return attn_mask.to(dtype)
# --8<-- [end:mask]


# --8<-- [start:safe_softmax]
def safe_softmax(scores: Tensor, dim: int = -1) -> Tensor:
    """Softmax that returns zeros, not NaN, for a row that is entirely -inf.

    Args:
        scores: any shape; typically (..., L, S) attention scores.
        dim: the axis to normalise over (the key axis).

    Returns:
        A tensor of the same shape whose slices along ``dim`` sum to 1, or are
        all zero where every score was -inf.
    """
    row_max = scores.amax(dim=dim, keepdim=True)  # (..., L, 1)
    row_max = torch.where(torch.isneginf(row_max), torch.zeros_like(row_max), row_max)
    exp = torch.exp(scores - row_max)  # exp(-inf) = 0 for masked keys
    total = exp.sum(dim=dim, keepdim=True)  # (..., L, 1)
    return exp / torch.where(total == 0, torch.ones_like(total), total)
# --8<-- [end:safe_softmax]


# --8<-- [start:sdpa]
def attention_weights(
    q: Tensor,
    k: Tensor,
    attn_mask: Tensor | None = None,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(q kᵀ · scale + mask) over the keys: who attends to whom, and how much.

    Args:
        q: queries, (..., L, E).
        k: keys, (..., S, E).
        attn_mask: bool (True = may attend) or float (added to the scores),
            broadcastable to (..., L, S).
        is_causal: apply a top-left aligned causal mask; not with ``attn_mask``.
        scale: multiplier of the scores; defaults to 1 / sqrt(E).

    Returns:
        Weights (..., L, S); each row sums to 1, or is all zeros when every key
        of that query is masked out.
    """
    q_len, k_len, head_dim = q.shape[-2], k.shape[-2], q.shape[-1]
    if scale is None:
        scale = 1.0 / math.sqrt(head_dim)  # keeps the score variance ~1 when q, k ~ N(0, 1)
    scores = q @ k.transpose(-2, -1) * scale  # (..., L, S)
    mask = additive_mask(attn_mask, is_causal, q_len, k_len, q.dtype, q.device)
    if mask is not None:
        scores = scores + mask  # broadcast to (..., L, S)
    return safe_softmax(scores, dim=-1)  # (..., L, S)


def scaled_dot_product_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    attn_mask: Tensor | None = None,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(q kᵀ · scale + mask) v, with masked-out rows returning zeros.

    Args:
        q: queries, (..., L, E).
        k: keys, (..., S, E).
        v: values, (..., S, Ev).
        attn_mask: bool (True = may attend) or float (added to the scores),
            broadcastable to (..., L, S).
        is_causal: apply a top-left aligned causal mask; not with ``attn_mask``.
        scale: multiplier of the scores; defaults to 1 / sqrt(E).

    Returns:
        The attended values, (..., L, Ev).
    """
    check_qkv(q, k, v)
    weights = attention_weights(q, k, attn_mask, is_causal, scale)  # (..., L, S)
    return weights @ v  # (..., L, Ev)
# --8<-- [end:sdpa]


# --8<-- [start:check]
def check_qkv(q: Tensor, k: Tensor, v: Tensor) -> None:
    """Raise a clear error when q, k and v cannot be attended together.

    Args:
        q: (..., L, E).
        k: (..., S, E).
        v: (..., S, Ev).
    """
    for name, t in (("q", q), ("k", k), ("v", v)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
        if t.dim() < 2:
            raise ValueError(f"{name} must have at least 2 dims (..., length, dim), got {tuple(t.shape)}")
        if not t.is_floating_point():
            raise TypeError(f"{name} must be floating point, got {t.dtype}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must share the last dim, got {q.shape[-1]} and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same length, got {k.shape[-2]} and {v.shape[-2]}")
# --8<-- [end:check]
