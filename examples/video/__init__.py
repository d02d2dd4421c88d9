"""Attention over video (R2-2): token counts and costs, sparse space-time patterns and their mask oracles."""

from examples.video.sparse import (
    divided_space_time_attention,
    sliding_window_attention,
    spatial_attention,
    temporal_attention,
    tile_sparse_attention,
    window_attention,
)

__all__ = [
    "divided_space_time_attention",
    "sliding_window_attention",
    "spatial_attention",
    "temporal_attention",
    "tile_sparse_attention",
    "window_attention",
]
