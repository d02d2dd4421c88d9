"""Token counts and attention costs: worked examples, and pair counts against the masks."""

from __future__ import annotations

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode
from hypothesis import given, settings
from hypothesis import strategies as st

from examples.video.costs import (
    attention_crossover_tokens,
    attention_flops,
    attention_share,
    divided_pairs,
    format_bytes,
    full_attention_flops,
    latent_video_tokens,
    layer_flops,
    score_matrix_bytes,
    sliding_window_pairs,
    spatial_pairs,
    temporal_pairs,
    tile_pairs,
    video_tokens,
    window_pairs,
)
from examples.video.masks import (
    sliding_tile_keep,
    sliding_window_mask,
    spatial_mask,
    temporal_mask,
    tile_mask,
    window_mask,
)
from examples.attention.scaled_dot_product import scaled_dot_product_attention
from tests.video.strategies import grid_window_shift


def test_worked_token_counts():
    assert video_tokens(8, 224, 224, 16) == 8 * 14 * 14 == 1_568  # TimeSformer default clip
    assert video_tokens(96, 224, 224, 16) == 18_816  # TimeSformer-L
    assert video_tokens(16, 224, 224, 16, tubelet=2) == 8 * 196  # ViViT tubelets of 2 frames
    # HunyuanVideo as run by Sliding Tile Attention: 117 frames at 768×1280 -> latent 30×48×80
    assert latent_video_tokens(117, 768, 1280) == 30 * 48 * 80 == 115_200


def test_full_attention_costs():
    assert full_attention_flops(10, 3) == 4 * 100 * 3
    assert attention_flops(7, 2) == 56
    assert score_matrix_bytes(18_816, 12, 4) == 12 * 18_816**2 * 4


@settings(max_examples=40, deadline=None)
@given(gws=grid_window_shift(), slide=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)))
def test_pair_counts_equal_mask_sums(gws, slide):
    grid, window, shift = gws
    assert spatial_pairs(grid) == int(spatial_mask(grid).sum())
    assert temporal_pairs(grid) == int(temporal_mask(grid).sum())
    assert divided_pairs(grid) == int(spatial_mask(grid).sum() + temporal_mask(grid).sum())
    assert window_pairs(grid, window) == int(window_mask(grid, window).sum())
    assert window_pairs(grid, window, shift) == int(window_mask(grid, window, shift).sum())
    assert sliding_window_pairs(grid, slide) == int(sliding_window_mask(grid, slide).sum())
    keep = sliding_tile_keep(grid, window, slide)
    assert tile_pairs(window, keep) == int(tile_mask(grid, window, keep).sum())


def test_format_bytes():
    assert format_bytes(512) == "512 B"
    assert format_bytes(1536) == "1.5 KiB"
    assert format_bytes(3 * 2**30, digits=0) == "3 GiB"


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: video_tokens(8, 224, 224, 15), "patch"),
        (lambda: video_tokens(7, 224, 224, 16, tubelet=2), "tubelet"),
        (lambda: video_tokens(0, 224, 224, 16), "frames"),
        (lambda: latent_video_tokens(118, 768, 1280), "frames"),
        (lambda: latent_video_tokens(117, 700, 1280), "height"),
        (lambda: full_attention_flops(0, 8), "tokens"),
        (lambda: attention_flops(-1, 8), "pairs"),
        (lambda: score_matrix_bytes(10, 0), "heads"),
        (lambda: window_pairs((4, 4, 4), (3, 2, 2)), "window"),
        (lambda: window_pairs((4, 4, 4), (2, 2, 2), (0, 2, 0)), "shift"),
        (lambda: format_bytes(-1), "n"),
    ],
)
def test_bad_arguments_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_types_raise_type_error():
    with pytest.raises(TypeError, match="height"):
        video_tokens(8, 224.0, 224, 16)
    with pytest.raises(TypeError, match="keep"):
        tile_pairs((1, 1, 1), torch.ones(2, 2))


def counted_flops(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


@pytest.mark.parametrize(("tokens", "width", "heads"), [(10, 16, 2), (37, 24, 4), (64, 8, 1)])
def test_layer_flops_against_pytorchs_flop_counter(tokens, width, heads):
    """Projections and MLP from a PyTorch encoder layer, the attention core from the explicit attention."""
    layer = torch.nn.TransformerEncoderLayer(width, heads, dim_feedforward=4 * width, dropout=0.0, batch_first=True)
    x = torch.randn(1, tokens, width)
    parts = layer_flops(tokens, width)
    # FlopCounterMode counts the layer's linear maps (addmm) but not the fused CPU attention kernel
    assert counted_flops(lambda: layer(x)) == parts["projections"] + parts["mlp"]
    q = torch.randn(1, heads, tokens, width // heads)
    assert counted_flops(lambda: scaled_dot_product_attention(q, q, q)) == parts["attention"]


def test_layer_flops_worked_examples():
    assert layer_flops(1, 1) == {"attention": 4, "projections": 8, "mlp": 16}
    assert layer_flops(100, 10, mlp_ratio=2)["mlp"] == 8 * 100 * 10 * 10
    assert attention_crossover_tokens(768) == 6 * 768 == 4_608
    assert attention_crossover_tokens(3072) == 18_432  # HunyuanVideo's width
    assert attention_crossover_tokens(10, mlp_ratio=2) == 40
    assert attention_share(4_608, 768) == 0.5  # at the crossover, half
    assert attention_share(115_200, 3072) == pytest.approx(115_200 / (115_200 + 18_432))


@given(tokens=st.integers(1, 10**6), width=st.integers(1, 10**4), mlp_ratio=st.integers(1, 8))
def test_crossover_splits_the_layer_in_half(tokens, width, mlp_ratio):
    crossover = attention_crossover_tokens(width, mlp_ratio)
    parts = layer_flops(crossover, width, mlp_ratio)
    assert parts["attention"] == parts["projections"] + parts["mlp"]
    share = attention_share(tokens, width, mlp_ratio)
    assert (share > 0.5) == (tokens > crossover) and (share < 0.5) == (tokens < crossover)


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: layer_flops(0, 8), ValueError),
        (lambda: layer_flops(8, 8, mlp_ratio=0), ValueError),
        (lambda: attention_crossover_tokens(-1), ValueError),
        (lambda: attention_share(8, 2.5), (TypeError, ValueError)),
    ],
)
def test_layer_cost_bad_input(call, error):
    with pytest.raises(error):
        call()
