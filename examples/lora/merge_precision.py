"""What one merge + unmerge does to a low-precision base weight (R1-9).

``W + s·B A - s·B A`` is ``W`` only in exact arithmetic. With the weight in
bf16, each of the two additions rounds to 8 significant bits, so the weight that
comes back differs from the original in many entries.
"""

from __future__ import annotations

# --8<-- [start:round_trip]
from typing import NamedTuple

import torch
from torch import nn

from examples._checks import check_positive_int
from examples.lora.lora_linear import LoRALinear


class RoundTrip(NamedTuple):
    """Damage done to W by one merge() + unmerge()."""

    changed_fraction: float  # share of the entries of W that are not bit-identical afterwards
    max_relative_error: float  # max |W_after - W| / max |W|


def merge_round_trip(
    out_features: int,
    in_features: int,
    r: int,
    dtype: torch.dtype,
    update_scale: float = 0.1,
    seed: int = 0,
) -> RoundTrip:
    """Merge a trained-looking adapter into a random base weight and take it out again.

    The share of changed entries hardly depends on the dtype (a sum is rounded
    in fp32 too); the size of each change does: one unit in the last place,
    up to 2^-7 of the entry in bf16 against 2^-23 in fp32.

    Args:
        out_features: rows of W.
        in_features: columns of W.
        r: adapter rank.
        dtype: dtype of the base weight and the adapter (torch.bfloat16, float32, ...).
        update_scale: rough size of s·B A relative to W's entries (fine-tuning
            updates are small).
        seed: random seed.

    Returns:
        ``RoundTrip(changed_fraction, max_relative_error)`` of W after versus before.
    """
    for name, value in (("out_features", out_features), ("in_features", in_features), ("r", r)):
        check_positive_int(value, name)
    if not update_scale > 0:
        raise ValueError(f"update_scale must be > 0, got {update_scale}")
    generator = torch.Generator().manual_seed(seed)
    base = nn.Linear(in_features, out_features, bias=False, dtype=dtype)
    with torch.no_grad():
        base.weight.copy_(torch.randn(out_features, in_features, generator=generator) / in_features**0.5)
    before = base.weight.detach().clone()
    layer = LoRALinear(base, r=r, alpha=r)  # s = 1
    with torch.no_grad():  # a trained adapter: s·B A with entries about update_scale · |W|
        layer.lora_A.copy_(torch.randn(r, in_features, generator=generator) / in_features**0.5)
        layer.lora_B.copy_(torch.randn(out_features, r, generator=generator) * update_scale / r**0.5)
    layer.merge()
    layer.unmerge()
    after = layer.base.weight.detach()
    changed = (after != before).float().mean().item()
    error = ((after.float() - before.float()).abs().max() / before.float().abs().max()).item()
    return RoundTrip(changed_fraction=changed, max_relative_error=error)
# --8<-- [end:round_trip]


if __name__ == "__main__":
    for dtype in (torch.bfloat16, torch.float16, torch.float32):
        print(dtype, merge_round_trip(1024, 1024, 16, dtype))
