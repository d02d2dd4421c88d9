"""Multi-head attention as an ``nn.Module`` (R2-4), checked against ``torch.nn.MultiheadAttention``.

Batch-first by default: tensors are (B, L, E), or (L, B, E) with ``batch_first=False``.
Boolean masks follow ``nn.MultiheadAttention`` (True = masked out), the opposite of
``F.scaled_dot_product_attention``.
"""

# --8<-- [start:imports]
from __future__ import annotations  # the return annotation of from_torch names the class itself

import math

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import Tensor, nn

from examples._checks import check_positive_int
from examples.attention.scaled_dot_product import accumulation_dtype, attention_weights, causal_mask
# --8<-- [end:imports]


# --8<-- [start:masks]
def padding_mask_to_additive(key_padding_mask: Tensor, batch: int, k_len: int, dtype: torch.dtype) -> Tensor:
    """(B, S) padding mask, bool True = padding (ignored) or float (added), as (B, 1, 1, S) additive."""
    if tuple(key_padding_mask.shape) != (batch, k_len):
        raise ValueError(f"key_padding_mask must have shape {(batch, k_len)}, got {tuple(key_padding_mask.shape)}")
    if key_padding_mask.dtype == torch.bool:
        additive = torch.zeros(batch, k_len, dtype=dtype, device=key_padding_mask.device)
        additive = additive.masked_fill(key_padding_mask, float("-inf"))  # True = padding
    elif key_padding_mask.is_floating_point():
        additive = key_padding_mask.to(dtype)
    else:
        raise TypeError(f"key_padding_mask must be bool or floating point, got {key_padding_mask.dtype}")
    return rearrange(additive, "b s -> b 1 1 s")


def attn_mask_to_additive(attn_mask: Tensor, batch: int, heads: int, q_len: int, k_len: int, dtype: torch.dtype) -> Tensor:
    """(L, S) or (B·H, L, S) mask, bool True = masked out or float (added), as additive (1|B, 1|H, L, S)."""
    if attn_mask.dim() == 2 and tuple(attn_mask.shape) == (q_len, k_len):
        attn_mask = rearrange(attn_mask, "l s -> 1 1 l s")
    elif attn_mask.dim() == 3 and tuple(attn_mask.shape) == (batch * heads, q_len, k_len):
        attn_mask = rearrange(attn_mask, "(b h) l s -> b h l s", b=batch, h=heads)
    else:
        raise ValueError(
            f"attn_mask must have shape {(q_len, k_len)} or {(batch * heads, q_len, k_len)}, got {tuple(attn_mask.shape)}"
        )
    if attn_mask.dtype == torch.bool:
        return torch.zeros(attn_mask.shape, dtype=dtype, device=attn_mask.device).masked_fill(attn_mask, float("-inf"))
    if attn_mask.is_floating_point():
        return attn_mask.to(dtype)
    raise TypeError(f"attn_mask must be bool or floating point, got {attn_mask.dtype}")
# --8<-- [end:masks]


# --8<-- [start:module]
class MultiHeadAttention(nn.Module):
    """Multi-head attention with padding, causal and arbitrary masks.

    Args:
        embed_dim: E, the model width; split into ``num_heads`` heads of E / H each.
        num_heads: H.
        bias: whether the four projections have a bias.
        dropout: probability of zeroing an attention weight in training mode
            (as ``nn.MultiheadAttention``'s ``dropout``).
        batch_first: inputs and output are (B, L, E) if True, else (L, B, E).
    """

    def __init__(
        self, embed_dim: int, num_heads: int, bias: bool = True, dropout: float = 0.0, batch_first: bool = True
    ) -> None:
        super().__init__()
        check_positive_int(embed_dim, "embed_dim")
        check_positive_int(num_heads, "num_heads")
        if embed_dim % num_heads != 0:
            raise ValueError(f"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads})")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be a number in [0, 1), got {dropout!r}")
        if not isinstance(batch_first, bool):
            raise TypeError(f"batch_first must be a bool, got {type(batch_first).__name__}")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.dropout, self.batch_first = float(dropout), batch_first
        self.head_dim = embed_dim // num_heads
        self.q_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.k_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.v_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)

    def forward(
        self,
        query: Tensor,
        key: Tensor | None = None,
        value: Tensor | None = None,
        key_padding_mask: Tensor | None = None,
        attn_mask: Tensor | None = None,
        is_causal: bool = False,
        need_weights: bool = False,
        causal_alignment: str = "top_left",
    ) -> Tensor | tuple[Tensor, Tensor]:
        """Attend from ``query`` to ``key``/``value`` (self-attention when they are omitted).

        Args:
            query: (B, L, E), or (L, B, E) when ``batch_first`` is False.
            key: (B, S, E) or (S, B, E); defaults to ``query``.
            value: like ``key``; defaults to ``key``.
            key_padding_mask: (B, S); bool True = padding to ignore, or float added.
            attn_mask: (L, S) or (B·H, L, S); bool True = not allowed, or float added.
            is_causal: apply a causal mask (a real one, not a hint); not with ``attn_mask``.
            need_weights: also return the per-head attention weights.
            causal_alignment: ``"top_left"``: query i sees keys 0..i.
                ``"bottom_right"``: query i sees keys 0..i + S - L (the queries are
                the last L positions, as when decoding with a KV cache).

        Returns:
            The output (B, L, E) or (L, B, E), or (output, weights (B, H, L, S)) when
            ``need_weights``. A query whose keys are all masked gets a zero context
            vector (so its output is ``out_proj``'s bias), never NaN.
        """
        key = query if key is None else key
        value = key if value is None else value
        self._check_inputs(query, key, value)
        if not self.batch_first:
            query, key, value = (rearrange(t, "l b e -> b l e") for t in (query, key, value))
        if attn_mask is not None and is_causal:
            raise ValueError("attn_mask and is_causal cannot both be set; put the causal pattern into attn_mask")
        batch, q_len, k_len = query.shape[0], query.shape[1], key.shape[1]

        q = rearrange(self.q_proj(query), "b l (h d) -> b h l d", h=self.num_heads)  # (B, H, L, D)
        k = rearrange(self.k_proj(key), "b s (h d) -> b h s d", h=self.num_heads)  # (B, H, S, D)
        v = rearrange(self.v_proj(value), "b s (h d) -> b h s d", h=self.num_heads)  # (B, H, S, D)

        work = accumulation_dtype(q.dtype)  # float32 for fp16/bf16 inputs
        mask = torch.zeros(1, 1, q_len, k_len, dtype=work, device=q.device)  # additive, (1, 1, L, S)
        if key_padding_mask is not None:
            mask = mask + padding_mask_to_additive(key_padding_mask, batch, k_len, work)
        if attn_mask is not None:
            mask = mask + attn_mask_to_additive(attn_mask, batch, self.num_heads, q_len, k_len, work)
        if is_causal:
            allowed = causal_mask(q_len, k_len, causal_alignment, q.device)  # (L, S), True = may attend
            mask = mask.masked_fill(~allowed, float("-inf"))

        scale = 1.0 / math.sqrt(self.head_dim)
        weights = attention_weights(q.to(work), k.to(work), attn_mask=mask, scale=scale)  # (B, H, L, S)
        weights = F.dropout(weights, p=self.dropout, training=self.training)
        context = (weights @ v.to(work)).to(q.dtype)  # (B, H, L, D)
        output = self.out_proj(rearrange(context, "b h l d -> b l (h d)"))  # (B, L, E)
        if not self.batch_first:
            output = rearrange(output, "b l e -> l b e")
        return (output, weights.to(q.dtype)) if need_weights else output

    def _check_inputs(self, query: Tensor, key: Tensor, value: Tensor) -> None:
        """Raise a clear error when the inputs do not fit (B, L, E) / (B, S, E), or (L, B, E) / (S, B, E)."""
        layout = "(batch, length, embed_dim)" if self.batch_first else "(length, batch, embed_dim)"
        for name, t in (("query", query), ("key", key), ("value", value)):
            if not isinstance(t, Tensor):
                raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}")
            if t.dim() != 3:
                raise ValueError(f"{name} must be {layout}, got shape {tuple(t.shape)}")
            if t.shape[-1] != self.embed_dim:
                raise ValueError(f"{name} has last dim {t.shape[-1]}, expected embed_dim={self.embed_dim}")
        b, n = (0, 1) if self.batch_first else (1, 0)  # the batch and length axes
        if key.shape[b] != query.shape[b] or value.shape[b] != query.shape[b]:
            raise ValueError(f"query, key and value must share the batch size, got {query.shape[b]}, {key.shape[b]}, {value.shape[b]}")
        if value.shape[n] != key.shape[n]:
            raise ValueError(f"key and value must have the same length, got {key.shape[n]} and {value.shape[n]}")

    @classmethod
    def from_torch(cls, m: nn.MultiheadAttention) -> MultiHeadAttention:
        """A copy of an ``nn.MultiheadAttention``: its weights, ``dropout``, ``batch_first`` and training mode.

        ``nn.MultiheadAttention`` stores the three input projections stacked in
        ``in_proj_weight`` (3E, E) in the order q, k, v.

        Args:
            m: the PyTorch module; extra key/value biases, zero attention and
                separate key/value widths (kdim, vdim) are refused with a ValueError.
        """
        if not isinstance(m, nn.MultiheadAttention):
            raise TypeError(f"m must be an nn.MultiheadAttention, got {type(m).__name__}")
        if not m._qkv_same_embed_dim or m.bias_k is not None or m.add_zero_attn:
            raise ValueError("m must use one in_proj_weight, no bias_k/bias_v and no add_zero_attn")
        ours = cls(m.embed_dim, m.num_heads, bias=m.in_proj_bias is not None, dropout=m.dropout, batch_first=m.batch_first)
        ours = ours.to(device=m.in_proj_weight.device, dtype=m.in_proj_weight.dtype).train(m.training)
        with torch.no_grad():
            w_q, w_k, w_v = m.in_proj_weight.chunk(3, dim=0)  # three (E, E)
            for proj, weight in ((ours.q_proj, w_q), (ours.k_proj, w_k), (ours.v_proj, w_v)):
                proj.weight.copy_(weight)
            ours.out_proj.weight.copy_(m.out_proj.weight)
            if m.in_proj_bias is not None:
                for proj, b in zip((ours.q_proj, ours.k_proj, ours.v_proj), m.in_proj_bias.chunk(3)):
                    proj.bias.copy_(b)
                ours.out_proj.bias.copy_(m.out_proj.bias)
        return ours
# --8<-- [end:module]
