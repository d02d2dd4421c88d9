"""A decoder's causal self-attention layer as production code writes it (R2-4 follow-ups).

One fused QKV projection, grouped-query attention, RoPE on queries and keys, and a KV
cache for generation. Every call treats its T tokens as the *last* T of the sequence
(bottom-right causal alignment), so the same code serves the prompt (prefill: all
tokens at once) and each generated token (decode: T = 1, attending to every cached key).
"""

from __future__ import annotations

# --8<-- [start:imports]
import torch
from einops import rearrange
from torch import Tensor, nn

from examples._checks import check_positive_int
from examples.attention.fused_qkv import split_qkv
from examples.attention.grouped_query import grouped_query_attention
from examples.attention.kv_cache import KVCache
from examples.attention.rotary import apply_rope
# --8<-- [end:imports]


# --8<-- [start:layer]
class CausalSelfAttention(nn.Module):
    """Causal self-attention with GQA, RoPE, a fused QKV projection and an optional KV cache.

    Args:
        embed_dim: E.
        num_heads: H query heads of D = E / H channels.
        num_kv_heads: G key/value heads; H must be a multiple of G.
        rope_base: RoPE's wavelength base.
    """

    def __init__(self, embed_dim: int, num_heads: int, num_kv_heads: int, rope_base: float = 10000.0) -> None:
        super().__init__()
        for value, name in ((embed_dim, "embed_dim"), (num_heads, "num_heads"), (num_kv_heads, "num_kv_heads")):
            check_positive_int(value, name)
        if embed_dim % num_heads or num_heads % num_kv_heads:
            raise ValueError(
                f"embed_dim ({embed_dim}) must be divisible by num_heads ({num_heads}), "
                f"and num_heads by num_kv_heads ({num_kv_heads})"
            )
        self.num_heads, self.num_kv_heads = num_heads, num_kv_heads
        self.head_dim, self.rope_base = embed_dim // num_heads, rope_base
        q_dim, kv_dim = num_heads * self.head_dim, num_kv_heads * self.head_dim
        self.qkv_proj = nn.Linear(embed_dim, q_dim + 2 * kv_dim, bias=False)  # one matmul for q, k and v
        self.out_proj = nn.Linear(q_dim, embed_dim, bias=False)

    def forward(self, x: Tensor, cache: KVCache | None = None) -> Tensor:
        """Attend from the T tokens of ``x`` to themselves and to every cached token before them.

        Args:
            x: (B, T, E), the next T tokens.
            cache: keys and values of the tokens before ``x``; ``x``'s are appended to it.

        Returns:
            (B, T, E).
        """
        embed_dim = self.qkv_proj.in_features
        if not isinstance(x, Tensor) or x.dim() != 3 or x.shape[-1] != embed_dim:
            raise ValueError(f"x must be a (batch, tokens, {embed_dim}) tensor, got {getattr(x, 'shape', type(x).__name__)}")
        start = 0 if cache is None else len(cache)
        q_dim, kv_dim = self.num_heads * self.head_dim, self.num_kv_heads * self.head_dim
        q, k, v = split_qkv(self.qkv_proj(x), q_dim, kv_dim)  # (B, T, H·D), (B, T, G·D), (B, T, G·D)
        q = rearrange(q, "b t (h d) -> b h t d", h=self.num_heads)  # (B, H, T, D)
        k = rearrange(k, "b t (g d) -> b g t d", g=self.num_kv_heads)  # (B, G, T, D)
        v = rearrange(v, "b t (g d) -> b g t d", g=self.num_kv_heads)  # (B, G, T, D)
        positions = torch.arange(start, start + x.shape[1], device=x.device)  # (T,)
        q, k = apply_rope(q, positions, self.rope_base), apply_rope(k, positions, self.rope_base)
        if cache is not None:
            k, v = cache.append(k, v)  # (B, G, S, D) each, S = start + T
        out = grouped_query_attention(q, k, v, is_causal=True, causal_alignment="bottom_right")  # (B, H, T, D)
        return self.out_proj(rearrange(out, "b h t d -> b t (h d)"))  # (B, T, E)
# --8<-- [end:layer]


# --8<-- [start:decode]
def prefill_then_decode(layer: CausalSelfAttention, x: Tensor, prompt_len: int) -> Tensor:
    """Run ``x`` through ``layer`` as generation does: the prompt at once, then one token per step.

    Args:
        layer: the attention layer.
        x: (B, T, E), the whole sequence (in generation, token t + 1 is made from output t).
        prompt_len: tokens processed in the first call, 1 <= prompt_len <= T.

    Returns:
        (B, T, E), equal to ``layer(x)`` up to rounding.
    """
    check_positive_int(prompt_len, "prompt_len")
    if prompt_len > x.shape[1]:
        raise ValueError(f"prompt_len ({prompt_len}) exceeds the sequence length ({x.shape[1]})")
    cache = KVCache(x.shape[0], layer.num_kv_heads, x.shape[1], layer.head_dim, dtype=x.dtype, device=x.device)
    outputs = [layer(x[:, :prompt_len], cache)]  # prefill: (B, prompt_len, E)
    for t in range(prompt_len, x.shape[1]):
        outputs.append(layer(x[:, t:t + 1], cache))  # decode: one query, S = t + 1 keys
    return torch.cat(outputs, dim=1)  # (B, T, E)
# --8<-- [end:decode]
