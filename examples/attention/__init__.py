"""Attention from scratch (R2-4) and its sparse and chunked variants for video (R2-2)."""

from examples.attention.multi_head import MultiHeadAttention
from examples.attention.scaled_dot_product import attention_weights, scaled_dot_product_attention
from examples.attention.chunked import chunked_attention
from examples.attention.video_sparse import (
    divided_space_time_attention,
    sliding_window_attention,
    spatial_attention,
    temporal_attention,
    tile_sparse_attention,
    window_attention,
)

__all__ = [
    "attention_weights",
    "chunked_attention",
    "divided_space_time_attention",
    "MultiHeadAttention",
    "scaled_dot_product_attention",
    "sliding_window_attention",
    "spatial_attention",
    "temporal_attention",
    "tile_sparse_attention",
    "window_attention",
]
