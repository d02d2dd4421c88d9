"""Projector connectors against explicit formulas, brute-force pooling and PyTorch's pixel_unshuffle."""

from __future__ import annotations

import math

import pytest
import torch
from einops import rearrange
from hypothesis import given, settings, strategies as st
from torch.nn import functional as F

from examples.mllm import LinearProjector, MLPProjector, PixelShuffleProjector, PoolingProjector, infer_grid, pixel_shuffle

DTYPE = torch.float64


def gelu(x: torch.Tensor) -> torch.Tensor:
    """Exact GELU written from its definition, x Φ(x)."""
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def brute_adaptive_pool(x: torch.Tensor, grid_h: int, grid_w: int, side: int) -> torch.Tensor:
    """Average of each adaptive bin [floor(i H / s), ceil((i + 1) H / s)), patch by patch."""
    b, _, c = x.shape
    out = torch.zeros(b, side * side, c, dtype=x.dtype)
    for i in range(side):
        r0, r1 = (i * grid_h) // side, -(-((i + 1) * grid_h) // side)
        for j in range(side):
            c0, c1 = (j * grid_w) // side, -(-((j + 1) * grid_w) // side)
            cells = [x[:, r * grid_w + col] for r in range(r0, r1) for col in range(c0, c1)]
            out[:, i * side + j] = torch.stack(cells).mean(dim=0)
    return out


grids = st.tuples(st.integers(1, 6), st.integers(1, 6))


@settings(max_examples=25)
@given(grids, st.integers(1, 3), st.integers(1, 8), st.integers(1, 8))
def test_linear_and_mlp_keep_every_patch(grid, b, vision_dim, llm_dim):
    grid_h, grid_w = grid
    x = torch.randn(b, grid_h * grid_w, vision_dim, dtype=DTYPE)
    linear = LinearProjector(vision_dim, llm_dim).to(DTYPE)
    mlp = MLPProjector(vision_dim, llm_dim).to(DTYPE)
    expected_linear = x @ linear.net.weight.T + linear.net.bias
    first, second = mlp.net[0], mlp.net[2]
    expected_mlp = gelu(x @ first.weight.T + first.bias) @ second.weight.T + second.bias
    torch.testing.assert_close(linear(x, grid), expected_linear)
    torch.testing.assert_close(mlp(x, grid), expected_mlp)
    assert linear.num_tokens(grid_h, grid_w) == mlp.num_tokens(grid_h, grid_w) == grid_h * grid_w


def test_mlp_is_linear_gelu_linear_as_llava_mlp2x_gelu():
    mlp = MLPProjector(1024, 4096)
    layers = list(mlp.net)
    assert [type(layer).__name__ for layer in layers] == ["Linear", "GELU", "Linear"]
    assert (layers[0].in_features, layers[0].out_features, layers[2].out_features) == (1024, 4096, 4096)


@settings(max_examples=25)
@given(grids, st.integers(1, 3), st.integers(1, 2))
def test_pooling_matches_brute_force_bins(grid, side, b):
    grid_h, grid_w = grid
    side = min(side, grid_h, grid_w)
    x = torch.randn(b, grid_h * grid_w, 4, dtype=DTYPE)
    proj = PoolingProjector(4, 6, out_side=side).to(DTYPE)
    expected = proj.mlp(brute_adaptive_pool(x, grid_h, grid_w, side))
    torch.testing.assert_close(proj(x, grid), expected)
    assert proj.num_tokens(grid_h, grid_w) == side * side == proj(x, grid).shape[1]


def test_deco_pooling_576_to_64():
    """DeCo pools LLaVA-1.5's 24 x 24 patches down to 8 x 8 = 64 tokens; each is a 3 x 3 block mean."""
    x = torch.randn(1, 576, 4, dtype=DTYPE)
    proj = PoolingProjector(4, 8, out_side=8).to(DTYPE)
    assert proj(x).shape == (1, 64, 8)
    blocks = rearrange(x, "b (h p1 w p2) c -> b (h w) (p1 p2) c", p1=3, p2=3, h=8, w=8).mean(dim=2)
    torch.testing.assert_close(proj(x), proj.mlp(blocks))


@settings(max_examples=25)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(1, 5))
def test_pixel_shuffle_matches_torch_pixel_unshuffle(h, w, factor, c):
    grid_h, grid_w = h * factor, w * factor
    x = torch.randn(2, grid_h * grid_w, c, dtype=DTYPE)
    image = rearrange(x, "b (h w) c -> b c h w", h=grid_h)
    unshuffled = F.pixel_unshuffle(image, factor)  # (b, c·f·f, h, w), channels ordered (c, p1, p2)
    expected = rearrange(unshuffled, "b (c p1 p2) h w -> b (h w) (p1 p2 c)", p1=factor, p2=factor)
    torch.testing.assert_close(pixel_shuffle(x, grid_h, grid_w, factor), expected)


def test_pixel_shuffle_brute_force_small():
    grid_h, grid_w, f = 4, 6, 2
    x = torch.arange(grid_h * grid_w * 3, dtype=DTYPE).reshape(1, grid_h * grid_w, 3)
    out = pixel_shuffle(x, grid_h, grid_w, f)
    for i in range(grid_h // f):
        for j in range(grid_w // f):
            expected = torch.cat([x[0, (i * f + p1) * grid_w + j * f + p2] for p1 in range(f) for p2 in range(f)])
            assert torch.equal(out[0, i * (grid_w // f) + j], expected)


def internvl_style_shuffle(x: torch.Tensor, side: int) -> torch.Tensor:
    """The view/permute route of InternVL's pixel_shuffle (scale 0.5), written independently."""
    n, _, c = x.shape
    grid = x.reshape(n, side, side, c)
    grid = grid.reshape(n, side, side // 2, c * 2).permute(0, 2, 1, 3)
    grid = grid.reshape(n, side // 2, side // 2, c * 4).permute(0, 2, 1, 3)
    return grid.reshape(n, -1, c * 4)


def test_same_blocks_as_internvl_up_to_channel_order():
    side, c = 8, 3
    x = torch.arange(side * side * c, dtype=DTYPE).reshape(1, side * side, c)  # every value distinct
    ours = pixel_shuffle(x, side, side, 2)
    theirs = internvl_style_shuffle(x, side)
    assert ours.shape == theirs.shape == (1, 16, 12)
    torch.testing.assert_close(ours.sort(dim=-1).values, theirs.sort(dim=-1).values)


def test_internvl_448_tile_gives_256_tokens():
    proj = PixelShuffleProjector(8, 16, factor=2)
    x = torch.randn(1, (448 // 14) ** 2, 8)
    assert proj(x).shape == (1, 256, 16)
    assert proj.num_tokens(32, 32) == 256
    assert [type(layer).__name__ for layer in proj.mlp] == ["LayerNorm", "Linear", "GELU", "Linear"]


def test_rectangular_grid_needs_explicit_grid():
    x = torch.randn(1, 12, 4)
    assert infer_grid(16) == (4, 4)
    assert infer_grid(12, (3, 4)) == (3, 4)
    assert PixelShuffleProjector(4, 8)(x, (2, 6)).shape == (1, 3, 8)
    with pytest.raises(ValueError, match="grid"):
        PixelShuffleProjector(4, 8)(x)


def test_bad_inputs():
    with pytest.raises(ValueError, match="vision_dim"):
        LinearProjector(0, 4)
    with pytest.raises(TypeError, match="llm_dim"):
        MLPProjector(4, "8")
    with pytest.raises(ValueError, match="out_side"):
        PoolingProjector(4, 4, out_side=0)
    with pytest.raises(ValueError, match="factor"):
        PixelShuffleProjector(4, 4, factor=0)
    with pytest.raises(ValueError, match="x must have shape"):
        LinearProjector(4, 4)(torch.randn(2, 9, 5))
    with pytest.raises(TypeError, match="x must be floating point"):
        MLPProjector(4, 4)(torch.ones(1, 4, 4, dtype=torch.long))
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        MLPProjector(4, 4)([[0.0] * 4])
    with pytest.raises(ValueError, match="grid"):
        LinearProjector(4, 4)(torch.randn(1, 9, 4), grid=(2, 4))
    with pytest.raises(TypeError, match="grid"):
        infer_grid(9, [3, 3])
    with pytest.raises(ValueError, match="out_side"):
        PoolingProjector(4, 4, out_side=5)(torch.randn(1, 16, 4))
    with pytest.raises(ValueError, match="factor"):
        PixelShuffleProjector(4, 4, factor=2)(torch.randn(1, 9, 4))
    with pytest.raises(ValueError, match="factor"):
        PixelShuffleProjector(4, 4, factor=2).num_tokens(3, 4)
