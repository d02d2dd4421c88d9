"""Sequence parallelism for long videos, simulated on one process (R2-2).

When one clip's tokens do not fit one device, the sequence is cut into ``devices``
equal shards. Two exact schemes, written here with lists of tensors standing in for
devices so that each can be checked against full attention:

- **Ring attention** (Liu, Zaharia, Abbeel, arXiv 2310.01889): every device keeps
  its query shard; the key/value shards travel round a ring, and each device merges
  the partial result of every visiting shard with the online-softmax rule (log-sum-
  exp of the scores). Works for any head count.
- **DeepSpeed-Ulysses** (Jacobs et al., arXiv 2309.14509): an all-to-all turns
  "all heads, a shard of the tokens" into "all tokens, a shard of the heads"; each
  device runs ordinary full attention for its heads; a second all-to-all turns it
  back. Needs the head count divisible by the device count.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
import torch.nn.functional as F
from einops import einsum
from torch import Tensor

from examples._checks import check_positive_int
from examples.attention.scaled_dot_product import check_qkv
# --8<-- [end:imports]


# --8<-- [start:shards]
def check_self_attention(q: Tensor, k: Tensor, v: Tensor, devices: int) -> None:
    """Raise unless q, k, v are (B, heads, L, E) self-attention inputs that ``devices`` shards can split."""
    check_qkv(q, k, v)
    check_positive_int(devices, "devices")
    if q.dim() != 4 or q.shape[:3] != k.shape[:3] or q.shape[:3] != v.shape[:3]:
        raise ValueError(
            f"q, k and v must be (batch, heads, tokens, dim) with equal (batch, heads, tokens), got "
            f"{tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}"
        )
    if q.shape[2] % devices:
        raise ValueError(f"devices {devices} must divide the number of tokens {q.shape[2]}")


def shard(x: Tensor, devices: int, dim: int = 2) -> list[Tensor]:
    """Cut ``x`` into ``devices`` equal pieces along ``dim`` (the token axis of (B, heads, L, E) by default).

    Args:
        x: any tensor.
        devices: number of pieces; must divide ``x.shape[dim]``.
        dim: the axis to cut.

    Returns:
        ``devices`` tensors, piece i for device i.
    """
    check_positive_int(devices, "devices")
    if x.shape[dim] % devices:
        raise ValueError(f"devices {devices} must divide the size {x.shape[dim]} of dimension {dim}")
    return list(x.chunk(devices, dim=dim))


def all_to_all(pieces: list[Tensor], split_dim: int, concat_dim: int) -> list[Tensor]:
    """Simulated all-to-all: device j receives piece j of every device's tensor, in device order.

    Args:
        pieces: one tensor per device, same shape.
        split_dim: the axis each device cuts into ``len(pieces)`` parts to send.
        concat_dim: the axis along which each device joins what it receives.

    Returns:
        One tensor per device.
    """
    devices = len(pieces)
    sent = [shard(x, devices, split_dim) for x in pieces]  # sent[i][j]: from device i to device j
    return [torch.cat([sent[i][j] for i in range(devices)], dim=concat_dim) for j in range(devices)]
# --8<-- [end:shards]


# --8<-- [start:ring]
def partial_attention(q: Tensor, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
    """Attention of ``q`` over one block of keys, with the log-sum-exp of its scores.

    Args:
        q: (B, heads, Lq, E).
        k: (B, heads, Lk, E).
        v: (B, heads, Lk, Ev).

    Returns:
        ``(out, lse)``: (B, heads, Lq, Ev), normalised over this block only, and
        (B, heads, Lq, 1), the log of the block's softmax denominator.
    """
    scores = einsum(q, k, "b m i e, b m j e -> b m i j") / math.sqrt(q.shape[-1])  # (B, heads, Lq, Lk)
    lse = torch.logsumexp(scores, dim=-1, keepdim=True)  # (B, heads, Lq, 1)
    return torch.exp(scores - lse) @ v, lse


def merge_partials(out_a: Tensor, lse_a: Tensor, out_b: Tensor, lse_b: Tensor) -> tuple[Tensor, Tensor]:
    """Combine two block results of the same queries into the result over both blocks of keys.

    Each output is weighted by its block's share of the joint softmax denominator,
    exp(lse_block - lse_joint): the online-softmax rescale, written with log-sum-exps.
    """
    lse = torch.logaddexp(lse_a, lse_b)  # (B, heads, Lq, 1)
    return torch.exp(lse_a - lse) * out_a + torch.exp(lse_b - lse) * out_b, lse


def ring_attention(q: Tensor, k: Tensor, v: Tensor, devices: int) -> Tensor:
    """Full (non-causal) attention computed as ring attention over ``devices`` simulated devices.

    Device i holds query shard i and starts with key/value shard i. At every step it
    attends to the shard it holds, merges the result, and passes the shard to device
    i + 1; after ``devices`` steps every device has seen every shard once.

    Args:
        q: (B, heads, L, E).
        k: (B, heads, L, E).
        v: (B, heads, L, Ev).
        devices: number of shards; must divide L.

    Returns:
        (B, heads, L, Ev), equal to ``F.scaled_dot_product_attention(q, k, v)``.
    """
    check_self_attention(q, k, v, devices)
    queries = shard(q, devices)
    held = list(zip(shard(k, devices), shard(v, devices)))  # held[i]: the (k, v) shard on device i now
    results: list[tuple[Tensor, Tensor] | None] = [None] * devices
    for _ in range(devices):
        for i in range(devices):
            out, lse = partial_attention(queries[i], *held[i])
            results[i] = (out, lse) if results[i] is None else merge_partials(*results[i], out, lse)
        held = held[-1:] + held[:-1]  # pass round the ring: device i receives device i - 1's shard
    return torch.cat([out for out, _ in results], dim=2)
# --8<-- [end:ring]


# --8<-- [start:ulysses]
def ulysses_attention(q: Tensor, k: Tensor, v: Tensor, devices: int) -> Tensor:
    """Full attention computed DeepSpeed-Ulysses style over ``devices`` simulated devices.

    Args:
        q: (B, heads, L, E).
        k: (B, heads, L, E).
        v: (B, heads, L, Ev).
        devices: must divide both L and the head count.

    Returns:
        (B, heads, L, Ev), equal to ``F.scaled_dot_product_attention(q, k, v)``.
    """
    check_self_attention(q, k, v, devices)
    if q.shape[1] % devices:
        raise ValueError(f"devices {devices} must divide the number of heads {q.shape[1]}")
    by_tokens = [shard(x, devices) for x in (q, k, v)]  # device i: (B, heads, L / devices, E)
    by_heads = [all_to_all(pieces, split_dim=1, concat_dim=2) for pieces in by_tokens]  # (B, heads / devices, L, E)
    outs = [F.scaled_dot_product_attention(qi, ki, vi) for qi, ki, vi in zip(*by_heads)]  # local full attention
    back = all_to_all(outs, split_dim=2, concat_dim=1)  # device i: (B, heads, L / devices, Ev)
    return torch.cat(back, dim=2)
# --8<-- [end:ulysses]


if __name__ == "__main__":
    x = torch.randn(1, 4, 64, 8, dtype=torch.float64)
    print(torch.allclose(ring_attention(x, x, x, 4), F.scaled_dot_product_attention(x, x, x)))
    print(torch.allclose(ulysses_attention(x, x, x, 4), F.scaled_dot_product_attention(x, x, x)))
