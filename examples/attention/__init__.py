"""Attention from scratch (R2-4) and chunked attention with an online softmax (R2-2); video patterns are in examples.video."""

from examples.attention.multi_head import MultiHeadAttention
from examples.attention.scaled_dot_product import attention_weights, scaled_dot_product_attention
from examples.attention.chunked import chunked_attention

__all__ = [
    "attention_weights",
    "chunked_attention",
    "MultiHeadAttention",
    "scaled_dot_product_attention",
]
