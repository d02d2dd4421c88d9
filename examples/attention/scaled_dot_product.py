"""Scaled dot-product attention written out step by step (R2-4).

Same contract as ``torch.nn.functional.scaled_dot_product_attention`` for the
arguments it shares, with two additions: a query whose keys are all masked out
gets an output of zeros instead of NaN, and the causal mask can be aligned to the
bottom-right corner (what a decode step with a KV cache needs) as well as to the
top-left one. 16-bit inputs are computed in float32 and the result cast back.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import Tensor
# --8<-- [end:imports]


# --8<-- [start:causal]
CAUSAL_ALIGNMENTS = ("top_left", "bottom_right")


def causal_mask(q_len: int, k_len: int, alignment: str = "top_left", device: torch.device | None = None) -> Tensor:
    """Which keys each query may see under a causal mask, for L queries and S keys.

    Args:
        q_len: L, the number of queries.
        k_len: S, the number of keys.
        alignment: ``"top_left"``: query i sees keys 0..i, the diagonal starts in
            the top-left corner (``F.scaled_dot_product_attention(is_causal=True)``,
            ``torch.nn.attention.bias.causal_upper_left``). ``"bottom_right"``:
            query i sees keys 0..i + S - L, so the last query sees every key
            (``causal_lower_right``); the queries are the *last* L positions of
            the sequence, as in a decode step with a KV cache.
        device: where to build the mask.

    Returns:
        Bool (L, S), True = may attend. The two alignments agree when L = S.
    """
    if alignment not in CAUSAL_ALIGNMENTS:
        raise ValueError(f"causal_alignment must be one of {CAUSAL_ALIGNMENTS}, got {alignment!r}")
    offset = 0 if alignment == "top_left" else k_len - q_len  # the diagonal's shift to the right
    return torch.ones(q_len, k_len, dtype=torch.bool, device=device).tril(diagonal=offset)  # (L, S)
# --8<-- [end:causal]


# --8<-- [start:precision]
def accumulation_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype to compute attention in: float32 for 16-bit floats, else ``dtype`` itself.

    FlashAttention also keeps scores, softmax statistics and the output
    accumulator in float32 for fp16/bf16 inputs and rounds once at the end.
    """
    return torch.promote_types(dtype, torch.float32)
# --8<-- [end:precision]


# --8<-- [start:mask]
def additive_mask(
    attn_mask: Tensor | None,
    is_causal: bool,
    q_len: int,
    k_len: int,
    dtype: torch.dtype,
    device: torch.device | None = None,
    causal_alignment: str = "top_left",
) -> Tensor | None:
    """Turn a boolean or float mask, and/or causality, into one additive float mask.

    Args:
        attn_mask: ``None``, a bool tensor broadcastable to (..., L, S) where True
            means "may attend", or a float tensor added to the scores.
        is_causal: if True, apply ``causal_mask(q_len, k_len, causal_alignment)``.
        q_len: L, the number of queries.
        k_len: S, the number of keys.
        dtype: floating dtype of the scores.
        device: device of the scores.
        causal_alignment: ``"top_left"`` or ``"bottom_right"``, see ``causal_mask``.

    Returns:
        ``None`` when nothing is masked, else a float tensor broadcastable to
        (..., L, S) holding 0 where attention is allowed and -inf where it is not.
    """
    if attn_mask is not None and is_causal:
        raise ValueError("attn_mask and is_causal cannot both be set")
    if is_causal:
        attn_mask = causal_mask(q_len, k_len, causal_alignment, device)  # (L, S)
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
    causal_alignment: str = "top_left",
) -> Tensor:
    """softmax(q kᵀ · scale + mask) over the keys: who attends to whom, and how much.

    Args:
        q: queries, (..., L, E).
        k: keys, (..., S, E).
        attn_mask: bool (True = may attend) or float (added to the scores),
            broadcastable to (..., L, S).
        is_causal: apply a causal mask; not with ``attn_mask``.
        scale: multiplier of the scores; defaults to 1 / sqrt(E).
        causal_alignment: ``"top_left"`` (PyTorch's ``is_causal``) or
            ``"bottom_right"`` (queries are the last L of S positions).

    Returns:
        Weights (..., L, S) in q's dtype (computed in float32 for 16-bit inputs);
        each row sums to 1, or is all zeros when every key of that query is masked out.
    """
    q_len, k_len, head_dim = q.shape[-2], k.shape[-2], q.shape[-1]
    if scale is None:
        scale = 1.0 / math.sqrt(head_dim)  # keeps the score variance ~1 when q, k ~ N(0, 1)
    work = accumulation_dtype(q.dtype)
    scores = q.to(work) @ k.to(work).transpose(-2, -1) * scale  # (..., L, S)
    mask = additive_mask(attn_mask, is_causal, q_len, k_len, work, q.device, causal_alignment)
    if mask is not None:
        scores = scores + mask  # broadcast to (..., L, S)
    return safe_softmax(scores, dim=-1).to(q.dtype)  # (..., L, S)


def scaled_dot_product_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    attn_mask: Tensor | None = None,
    is_causal: bool = False,
    scale: float | None = None,
    causal_alignment: str = "top_left",
) -> Tensor:
    """softmax(q kᵀ · scale + mask) v, with masked-out rows returning zeros.

    Args:
        q: queries, (..., L, E).
        k: keys, (..., S, E).
        v: values, (..., S, Ev).
        attn_mask: bool (True = may attend) or float (added to the scores),
            broadcastable to (..., L, S).
        is_causal: apply a causal mask; not with ``attn_mask``.
        scale: multiplier of the scores; defaults to 1 / sqrt(E).
        causal_alignment: ``"top_left"`` (PyTorch's ``is_causal``) or
            ``"bottom_right"`` (queries are the last L of S positions).

    Returns:
        The attended values, (..., L, Ev), in q's dtype. For fp16/bf16 inputs the
        scores, the softmax and the weighted sum run in float32 and are rounded once.
    """
    check_qkv(q, k, v)
    work = accumulation_dtype(q.dtype)  # float32 for fp16/bf16
    weights = attention_weights(q.to(work), k.to(work), attn_mask, is_causal, scale, causal_alignment)  # (..., L, S)
    return (weights @ v.to(work)).to(q.dtype)  # (..., L, Ev)
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
    if not q.dtype == k.dtype == v.dtype:
        raise TypeError(f"q, k and v must share a dtype, got {q.dtype}, {k.dtype} and {v.dtype}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must share the last dim, got {q.shape[-1]} and {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same length, got {k.shape[-2]} and {v.shape[-2]}")
# --8<-- [end:check]
