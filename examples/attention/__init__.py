"""Attention from scratch (R2-4) and chunked attention with an online softmax (R2-2); video patterns are in examples.video."""

from examples.attention.multi_head import MultiHeadAttention
from examples.attention.scaled_dot_product import attention_weights, scaled_dot_product_attention
from examples.attention.chunked import chunked_attention
from examples.attention.causal_self_attention import CausalSelfAttention, prefill_then_decode
from examples.attention.fused_qkv import fuse_qkv, split_qkv
from examples.attention.grouped_query import grouped_query_attention
from examples.attention.kv_cache import KVCache, kv_cache_bytes_per_token
from examples.attention.rotary import apply_rope
from examples.attention.scaled_dot_product import causal_mask

__all__ = [
    "apply_rope",
    "attention_weights",
    "CausalSelfAttention",
    "causal_mask",
    "chunked_attention",
    "fuse_qkv",
    "grouped_query_attention",
    "KVCache",
    "kv_cache_bytes_per_token",
    "MultiHeadAttention",
    "prefill_then_decode",
    "scaled_dot_product_attention",
    "split_qkv",
]
