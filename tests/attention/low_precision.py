"""Shared check for fp16/bf16 attention: the result is the float64 one, correctly rounded.

Tolerance: |out - ref| <= eps/2 · |ref| + 1e-6, where ref is float64 attention on the
same (already rounded) 16-bit inputs and eps the dtype's machine epsilon. eps/2 · |ref|
is the error of rounding the exact result once; 1e-6 leaves room for float32 arithmetic
before that rounding. F.scaled_dot_product_attention's CPU kernel misses this bound, so
the tests also require a mean error no larger than its own.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

LOW_PRECISION = [torch.bfloat16, torch.float16]


def low_precision_inputs(dtype: torch.dtype, q_len: int = 300, k_len: int = 300, seed: int = 0) -> tuple[torch.Tensor, ...]:
    """Random (2, 4, L|S, 64) q, k, v, rounded to ``dtype``."""
    g = torch.Generator().manual_seed(seed)
    q = torch.randn(2, 4, q_len, 64, generator=g)
    k, v = (torch.randn(2, 4, k_len, 64, generator=g) for _ in range(2))
    return q.to(dtype), k.to(dtype), v.to(dtype)


def assert_correctly_rounded(out: torch.Tensor, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, is_causal: bool) -> None:
    """``out`` (16-bit) is float64 attention of q, k, v rounded once, and no worse than torch's on average."""
    assert out.dtype == q.dtype
    ref = F.scaled_dot_product_attention(q.double(), k.double(), v.double(), is_causal=is_causal)
    torch.testing.assert_close(out.double(), ref, rtol=torch.finfo(q.dtype).eps / 2, atol=1e-6)
    theirs = F.scaled_dot_product_attention(q, k, v, is_causal=is_causal)
    assert (out.double() - ref).abs().mean() <= (theirs.double() - ref).abs().mean()
