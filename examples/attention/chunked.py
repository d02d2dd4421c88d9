"""Exact attention in chunks with an online softmax: the idea behind FlashAttention (R2-2).

Queries and keys are processed in blocks of ``chunk_size``. For each query block the
key blocks stream past once; a running row maximum ``m``, a running softmax
denominator ``l`` and a running weighted sum ``acc`` are rescaled whenever the
maximum grows, so the result is exactly softmax(q kᵀ · scale) v while the largest
temporary is one (chunk × chunk) score block: memory is linear in the sequence length.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import Tensor

from examples.attention.scaled_dot_product import check_qkv
# --8<-- [end:imports]


# --8<-- [start:chunked]
def chunked_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    chunk_size: int = 1024,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(q kᵀ · scale) v computed block by block, never holding L×S scores.

    Args:
        q: (..., L, E), e.g. (B, heads, L, E).
        k: (..., S, E).
        v: (..., S, Ev).
        chunk_size: rows of q and of k per block.
        is_causal: query i sees keys 0..i (top-left aligned, as in
            ``F.scaled_dot_product_attention``); key blocks wholly in the
            future are skipped, not masked.
        scale: multiplier of the scores; defaults to 1 / sqrt(E).

    Returns:
        (..., L, Ev), equal to ``F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)``.
    """
    check_qkv(q, k, v)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int):
        raise TypeError(f"chunk_size must be an int, got {type(chunk_size).__name__}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be positive, got {chunk_size}")
    if q.shape[:-2] != k.shape[:-2] or k.shape[:-2] != v.shape[:-2]:
        raise ValueError(f"q, k and v must share leading dims, got {tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}")
    q_len, k_len = q.shape[-2], k.shape[-2]
    if k_len == 0:
        raise ValueError("k must hold at least one key")
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    out = q.new_empty(*q.shape[:-1], v.shape[-1])  # (..., L, Ev)
    for q_start in range(0, q_len, chunk_size):
        q_end = min(q_start + chunk_size, q_len)
        q_block = q[..., q_start:q_end, :] * scale  # (..., cq, E)
        row_max = q.new_full((*q_block.shape[:-1], 1), float("-inf"))  # m: (..., cq, 1)
        row_sum = q.new_zeros(*q_block.shape[:-1], 1)  # l: (..., cq, 1)
        acc = q.new_zeros(*q_block.shape[:-1], v.shape[-1])  # (..., cq, Ev)
        k_stop = min(k_len, q_end) if is_causal else k_len  # causal: later key blocks are all masked
        for k_start in range(0, k_stop, chunk_size):
            k_end = min(k_start + chunk_size, k_stop)
            scores = q_block @ k[..., k_start:k_end, :].transpose(-2, -1)  # (..., cq, ck)
            if is_causal and k_end - 1 > q_start:  # the block straddles the diagonal
                rows = torch.arange(q_start, q_end, device=q.device)[:, None]
                cols = torch.arange(k_start, k_end, device=q.device)[None, :]
                scores = scores.masked_fill(cols > rows, float("-inf"))
            new_max = torch.maximum(row_max, scores.amax(dim=-1, keepdim=True))  # (..., cq, 1)
            probs = torch.exp(scores - new_max)  # (..., cq, ck), unnormalised
            rescale = torch.exp(row_max - new_max)  # shrink what was summed under the old max
            row_sum = row_sum * rescale + probs.sum(dim=-1, keepdim=True)
            acc = acc * rescale + probs @ v[..., k_start:k_end, :]  # (..., cq, Ev)
            row_max = new_max
        out[..., q_start:q_end, :] = acc / row_sum
    return out
# --8<-- [end:chunked]


if __name__ == "__main__":
    torch.manual_seed(0)
    x = torch.randn(1, 2, 100, 16)
    ref = torch.nn.functional.scaled_dot_product_attention(x, x, x, is_causal=True)
    print((chunked_attention(x, x, x, chunk_size=32, is_causal=True) - ref).abs().max())
