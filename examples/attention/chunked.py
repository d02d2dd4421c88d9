"""Exact attention in chunks with an online softmax: the idea behind FlashAttention (R2-2).

Queries and keys are processed in blocks of ``chunk_size``. For each query block the
key blocks stream past once; a running row maximum ``m``, a running softmax
denominator ``l`` and a running weighted sum ``acc`` are rescaled whenever the
maximum grows, so the result is exactly softmax(q kᵀ · scale) v while the largest
temporary is one (chunk × chunk) score block: memory is linear in the sequence length.
As in FlashAttention, ``m``, ``l`` and ``acc`` are kept in float32 for fp16/bf16 inputs
and the output is rounded to the input dtype once, at the end.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import Tensor

from examples.attention.scaled_dot_product import CAUSAL_ALIGNMENTS, accumulation_dtype, check_qkv
# --8<-- [end:imports]


# --8<-- [start:chunked]
def chunked_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    chunk_size: int = 1024,
    is_causal: bool = False,
    scale: float | None = None,
    causal_alignment: str = "top_left",
) -> Tensor:
    """softmax(q kᵀ · scale) v computed block by block, never holding L×S scores.

    Args:
        q: (..., L, E), e.g. (B, heads, L, E).
        k: (..., S, E).
        v: (..., S, Ev).
        chunk_size: rows of q and of k per block.
        is_causal: query i sees keys 0..i + offset; key blocks wholly in the
            future are skipped, not masked.
        scale: multiplier of the scores; defaults to 1 / sqrt(E).
        causal_alignment: ``"top_left"`` (offset 0, as in
            ``F.scaled_dot_product_attention``) or ``"bottom_right"`` (offset S - L).

    Returns:
        (..., L, Ev) in q's dtype, equal to ``F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)``;
        a query that sees no key gets zeros.
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
    if causal_alignment not in CAUSAL_ALIGNMENTS:
        raise ValueError(f"causal_alignment must be one of {CAUSAL_ALIGNMENTS}, got {causal_alignment!r}")
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    offset = k_len - q_len if causal_alignment == "bottom_right" else 0  # query i sees keys 0..i + offset
    work = accumulation_dtype(q.dtype)  # float32 statistics and accumulator for fp16/bf16
    out = q.new_empty(*q.shape[:-1], v.shape[-1])  # (..., L, Ev), in q's dtype
    for q_start in range(0, q_len, chunk_size):
        q_end = min(q_start + chunk_size, q_len)
        q_block = q[..., q_start:q_end, :].to(work) * scale  # (..., cq, E)
        row_max = torch.full((*q_block.shape[:-1], 1), float("-inf"), dtype=work, device=q.device)  # m: (..., cq, 1)
        row_sum = torch.zeros_like(row_max)  # l: (..., cq, 1)
        acc = q_block.new_zeros(*q_block.shape[:-1], v.shape[-1])  # (..., cq, Ev)
        k_stop = min(k_len, max(0, q_end + offset)) if is_causal else k_len  # causal: later key blocks are all masked
        for k_start in range(0, k_stop, chunk_size):
            k_end = min(k_start + chunk_size, k_stop)
            scores = q_block @ k[..., k_start:k_end, :].to(work).transpose(-2, -1)  # (..., cq, ck)
            if is_causal and k_end - 1 > q_start + offset:  # the block straddles the diagonal
                rows = torch.arange(q_start, q_end, device=q.device)[:, None]
                cols = torch.arange(k_start, k_end, device=q.device)[None, :]
                scores = scores.masked_fill(cols > rows + offset, float("-inf"))
            new_max = torch.maximum(row_max, scores.amax(dim=-1, keepdim=True))  # (..., cq, 1)
            shift = torch.where(torch.isneginf(new_max), torch.zeros_like(new_max), new_max)  # rows with no key yet
            probs = torch.exp(scores - shift)  # (..., cq, ck), unnormalised
            rescale = torch.exp(row_max - shift)  # shrink what was summed under the old max
            row_sum = row_sum * rescale + probs.sum(dim=-1, keepdim=True)
            acc = acc * rescale + probs @ v[..., k_start:k_end, :].to(work)  # (..., cq, Ev)
            row_max = new_max
        out[..., q_start:q_end, :] = acc / torch.where(row_sum == 0, torch.ones_like(row_sum), row_sum)
    return out
# --8<-- [end:chunked]


if __name__ == "__main__":
    torch.manual_seed(0)
    x = torch.randn(1, 2, 100, 16)
    ref = torch.nn.functional.scaled_dot_product_attention(x, x, x, is_causal=True)
    print((chunked_attention(x, x, x, chunk_size=32, is_causal=True) - ref).abs().max())
