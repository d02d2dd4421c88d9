"""Attention from scratch (R2-4) and its sparse and chunked variants for video (R2-2)."""

from examples.attention.multi_head import MultiHeadAttention
from examples.attention.scaled_dot_product import attention_weights, scaled_dot_product_attention

__all__ = ["MultiHeadAttention", "attention_weights", "scaled_dot_product_attention"]
