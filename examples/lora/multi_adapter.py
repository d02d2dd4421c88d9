"""Serving many LoRA adapters in one batch: one base matmul, a gathered adapter per request (R1-9).

This is the computation that S-LoRA (arXiv 2311.03285) and Punica's SGMV kernel
(arXiv 2310.18547) run on the GPU: the frozen base weight is shared by every
request, and each request adds ``s_i · B_i A_i x`` from its own adapter, so a
batch can mix adapters instead of serving one merged model per adapter.
"""

from __future__ import annotations

# --8<-- [start:multi_adapter]
import torch
from einops import einsum
from torch import Tensor
from torch.nn import functional as F


def multi_adapter_linear(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None,
    lora_A: Tensor,
    lora_B: Tensor,
    scaling: Tensor,
    adapter_ids: Tensor,
) -> Tensor:
    """Apply a shared linear layer plus, for each request, its own LoRA update.

    Args:
        x: (batch, tokens, in), one row per request.
        weight: the shared base weight W, (out, in).
        bias: the shared bias, (out,), or None.
        lora_A: every adapter's A stacked, (adapters, r, in).
        lora_B: every adapter's B stacked, (adapters, out, r).
        scaling: each adapter's s, (adapters,).
        adapter_ids: which adapter each request uses, (batch,) integers.

    Returns:
        (batch, tokens, out): ``x W^T + b + s_i B_i A_i x`` for request i.
    """
    if x.dim() != 3:
        raise ValueError(f"x must have shape (batch, tokens, in), got {tuple(x.shape)}")
    if adapter_ids.dim() != 1 or adapter_ids.shape[0] != x.shape[0] or adapter_ids.is_floating_point():
        raise ValueError(f"adapter_ids must be {x.shape[0]} integers, one per request, got {tuple(adapter_ids.shape)}")
    if lora_A.dim() != 3 or lora_B.dim() != 3 or scaling.dim() != 1:
        raise ValueError("lora_A and lora_B must be 3-D stacks and scaling 1-D, one entry per adapter")
    if len({lora_A.shape[0], lora_B.shape[0], scaling.shape[0]}) != 1:
        raise ValueError("lora_A, lora_B and scaling must stack the same number of adapters")
    if lora_A.shape[2] != x.shape[2] or lora_B.shape[1] != weight.shape[0] or lora_A.shape[1] != lora_B.shape[2]:
        raise ValueError(
            f"adapter shapes {tuple(lora_A.shape)} and {tuple(lora_B.shape)} do not fit in={x.shape[2]}, out={weight.shape[0]}"
        )
    if adapter_ids.numel() and not 0 <= int(adapter_ids.min()) <= int(adapter_ids.max()) < lora_A.shape[0]:
        raise ValueError(f"adapter_ids must lie in [0, {lora_A.shape[0]}), got {adapter_ids.tolist()}")
    shared = F.linear(x, weight, bias)  # (batch, tokens, out): one matmul for the whole batch
    a, b = lora_A[adapter_ids], lora_B[adapter_ids]  # (batch, r, in), (batch, out, r): gathered per request
    down = einsum(x, a, "batch t i, batch r i -> batch t r")  # (batch, tokens, r)
    up = einsum(down, b, "batch t r, batch o r -> batch t o")  # (batch, tokens, out)
    return shared + scaling[adapter_ids][:, None, None] * up
# --8<-- [end:multi_adapter]


if __name__ == "__main__":
    x = torch.randn(3, 5, 16)
    out = multi_adapter_linear(
        x, torch.randn(8, 16), None, torch.randn(2, 4, 16), torch.randn(2, 8, 4), torch.ones(2), torch.tensor([0, 1, 0])
    )
    print(out.shape)
