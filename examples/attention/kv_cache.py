"""The KV cache of autoregressive decoding: what it stores, its size, and what a decode step costs (R2-4).

When a decoder generates token t, the keys and values of tokens 0..t-1 do not change
(causal attention: earlier positions never see later ones), so each layer keeps them and
computes only the new token's query, key and value. The cache grows by one key and one
value vector per key/value head, per layer, per token.
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from torch import Tensor

from examples._checks import check_positive_int
# --8<-- [end:imports]


# --8<-- [start:sizes]
def bytes_per_value(dtype: torch.dtype) -> int:
    """Bytes of one element of a floating ``dtype`` (2 for bf16/fp16, 4 for float32)."""
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
    return torch.finfo(dtype).bits // 8


def kv_cache_bytes_per_token(num_layers: int, num_kv_heads: int, head_dim: int, dtype: torch.dtype = torch.bfloat16) -> int:
    """Cache bytes added by one token: a key and a value vector per key/value head and layer.

    Args:
        num_layers: attention layers.
        num_kv_heads: G (= H for multi-head, 1 for multi-query attention).
        head_dim: D.
        dtype: the cache's dtype.

    Returns:
        2 · layers · G · D · bytes per value.
    """
    for value, name in ((num_layers, "num_layers"), (num_kv_heads, "num_kv_heads"), (head_dim, "head_dim")):
        check_positive_int(value, name)
    return 2 * num_layers * num_kv_heads * head_dim * bytes_per_value(dtype)


def mla_cache_bytes_per_token(num_layers: int, latent_dim: int, rope_dim: int, dtype: torch.dtype = torch.bfloat16) -> int:
    """Cache bytes per token of multi-head latent attention (DeepSeek-V2, arXiv 2405.04434).

    MLA caches, per layer, one compressed latent vector c (from which every head's key
    and value are re-projected) and one RoPE key shared by all heads.

    Args:
        num_layers: attention layers.
        latent_dim: d_c, the width of the compressed key/value latent.
        rope_dim: d_h^R, the width of the shared rotary key.
        dtype: the cache's dtype.

    Returns:
        layers · (d_c + d_h^R) · bytes per value.
    """
    for value, name in ((num_layers, "num_layers"), (latent_dim, "latent_dim"), (rope_dim, "rope_dim")):
        check_positive_int(value, name)
    return num_layers * (latent_dim + rope_dim) * bytes_per_value(dtype)


def decode_flops_per_byte(num_heads: int, num_kv_heads: int, dtype: torch.dtype = torch.bfloat16) -> float:
    """Arithmetic intensity of one decode step's attention over a cache of S tokens.

    The new token's H query heads each score S keys and average S values: 4·H·S·D
    FLOPs. The cache read is 2·G·S·D values. S and D cancel.

    Args:
        num_heads: H, query heads.
        num_kv_heads: G, key/value heads.
        dtype: the cache's dtype.

    Returns:
        FLOPs per byte read from the cache: 2·H / (G · bytes per value).
    """
    check_positive_int(num_heads, "num_heads")
    check_positive_int(num_kv_heads, "num_kv_heads")
    return 2 * num_heads / (num_kv_heads * bytes_per_value(dtype))
# --8<-- [end:sizes]


# --8<-- [start:cache]
class KVCache:
    """Keys and values of the tokens seen so far, for one attention layer, in preallocated buffers.

    Args:
        batch: B.
        num_kv_heads: G.
        max_len: the most tokens the cache can hold.
        head_dim: D.
        dtype: dtype of the buffers.
        device: where the buffers live.
    """

    def __init__(
        self, batch: int, num_kv_heads: int, max_len: int, head_dim: int,
        dtype: torch.dtype = torch.float32, device: torch.device | None = None,
    ) -> None:
        for value, name in ((batch, "batch"), (num_kv_heads, "num_kv_heads"), (max_len, "max_len"), (head_dim, "head_dim")):
            check_positive_int(value, name)
        self.keys = torch.zeros(batch, num_kv_heads, max_len, head_dim, dtype=dtype, device=device)  # (B, G, max, D)
        self.values = torch.zeros_like(self.keys)  # (B, G, max, D)
        self.length = 0

    def __len__(self) -> int:
        """The number of cached tokens."""
        return self.length

    def append(self, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        """Store the keys and values of T new tokens; return all S cached so far.

        Args:
            k: (B, G, T, D), new keys.
            v: (B, G, T, D), new values.

        Returns:
            Keys and values of every cached token, (B, G, S, D) each, S = previous length + T.
        """
        expected = (*self.keys.shape[:2], k.shape[-2], self.keys.shape[-1])
        for name, t in (("k", k), ("v", v)):
            if tuple(t.shape) != expected:
                raise ValueError(f"{name} must have shape {expected}, got {tuple(t.shape)}")
        end = self.length + k.shape[-2]
        if end > self.keys.shape[-2]:
            raise ValueError(f"the cache holds {self.keys.shape[-2]} tokens; {end} would not fit")
        self.keys[:, :, self.length:end] = k
        self.values[:, :, self.length:end] = v
        self.length = end
        return self.keys[:, :, :end], self.values[:, :, :end]  # (B, G, S, D) each
# --8<-- [end:cache]
