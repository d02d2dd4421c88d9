"""Prefill FLOPs against PyTorch's FLOP counter on a tiny LLaMA-style decoder; token counts against the modules."""

from __future__ import annotations

import pytest
import torch
from einops import rearrange
from hypothesis import given, settings, strategies as st
from torch import nn
from torch.nn import functional as F
from torch.utils.flop_counter import FlopCounterMode

from examples.mllm import (
    CrossAttentionAdapter,
    DecoderShape,
    LinearProjector,
    MLPProjector,
    PixelShuffleProjector,
    PoolingProjector,
    connector_cost_table,
    connector_tokens,
    prefill_flops,
)
from examples.mllm.prefill_cost import VICUNA_7B


class TinyLayer(nn.Module):
    """One decoder block's matmuls: q, k, v, o projections, full attention, SwiGLU."""

    def __init__(self, d: int, d_kv: int, f: int, heads: int) -> None:
        super().__init__()
        self.heads, self.kv_heads = heads, heads * d_kv // d
        self.q, self.o = nn.Linear(d, d, bias=False), nn.Linear(d, d, bias=False)
        self.k, self.v = nn.Linear(d, d_kv, bias=False), nn.Linear(d, d_kv, bias=False)
        self.gate, self.up, self.down = nn.Linear(d, f, bias=False), nn.Linear(d, f, bias=False), nn.Linear(f, d, bias=False)

    def forward(self, x):
        q = rearrange(self.q(x), "b n (h e) -> b h n e", h=self.heads)
        k = rearrange(self.k(x), "b n (h e) -> b h n e", h=self.kv_heads).repeat_interleave(self.heads // self.kv_heads, 1)
        v = rearrange(self.v(x), "b n (h e) -> b h n e", h=self.kv_heads).repeat_interleave(self.heads // self.kv_heads, 1)
        weights = (q @ k.transpose(-2, -1)).softmax(-1)
        x = x + self.o(rearrange(weights @ v, "b h n e -> b n (h e)"))
        return x + self.down(F.silu(self.gate(x)) * self.up(x))


@settings(max_examples=15)
@given(st.integers(1, 20), st.integers(1, 3), st.sampled_from([(16, 16, 4), (16, 8, 4), (8, 8, 1)]), st.integers(1, 40))
def test_prefill_flops_match_flop_counter(n, layers, dims, f):
    d, d_kv, heads = dims
    model = nn.Sequential(*[TinyLayer(d, d_kv, f, heads) for _ in range(layers)])
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(torch.randn(1, n, d))
    shape = DecoderShape(layers=layers, hidden=d, intermediate=f, kv_hidden=d_kv)
    assert prefill_flops(n, shape) == counter.get_total_flops()


def test_quadratic_term_grows_faster():
    """Four times the tokens costs a little more than four times the FLOPs (the n² attention term)."""
    ratio = prefill_flops(2304) / prefill_flops(576)
    assert 4 < ratio < 4.5


def make(kind, param):
    if kind == "linear":
        return LinearProjector(4, 8)
    if kind == "mlp":
        return MLPProjector(4, 8)
    if kind == "pooling":
        return PoolingProjector(4, 8, out_side=param)
    if kind == "pixel-shuffle":
        return PixelShuffleProjector(4, 8, factor=param)
    return CrossAttentionAdapter(4, 8, num_queries=param, num_heads=1)


@pytest.mark.parametrize(
    ("kind", "param", "grid"),
    [("linear", None, (6, 4)), ("mlp", None, (3, 3)), ("pooling", 2, (6, 4)), ("pixel-shuffle", 2, (6, 4)),
     ("pixel-shuffle", 3, (6, 3)), ("resampler", 9, (6, 4))],
)
def test_connector_tokens_match_module_outputs(kind, param, grid):
    module = make(kind, param)
    out = module(torch.randn(1, grid[0] * grid[1], 4), grid)
    assert connector_tokens(kind, *grid, param) == out.shape[1] == module.num_tokens(*grid)


def test_llava_numbers():
    assert connector_tokens("mlp", 24, 24) == 576
    assert connector_tokens("mlp", 48, 48) == 2304
    assert connector_tokens("resampler", 48, 48) == 64


def test_table():
    table = connector_cost_table(
        [("MLP", "mlp", None), ("Resampler", "resampler", 64)], [336, 672], "Connector", "tok@{side}", "TF@{side}"
    )
    lines = table.splitlines()
    assert lines[0] == "| Connector | tok@336 | TF@336 | tok@672 | TF@672 |"
    assert lines[2] == f"| MLP | 576 | {prefill_flops(576) / 1e12:.1f} | 2,304 | {prefill_flops(2304) / 1e12:.1f} |"
    assert lines[3].startswith("| Resampler | 64 |")
    with_text = connector_cost_table([("MLP", "mlp", None)], [336], "c", "t", "f", text_tokens=100)
    assert with_text.splitlines()[2] == f"| MLP | 576 | {prefill_flops(676, VICUNA_7B) / 1e12:.1f} |"


def test_bad_inputs():
    with pytest.raises(ValueError, match="num_tokens"):
        prefill_flops(0)
    with pytest.raises(ValueError, match="kind"):
        connector_tokens("q-former", 24, 24)
    with pytest.raises(ValueError, match="param"):
        connector_tokens("mlp", 24, 24, 2)
    with pytest.raises(ValueError, match="param"):
        connector_tokens("pooling", 24, 24)
    with pytest.raises(ValueError, match="param"):
        connector_tokens("pooling", 4, 4, 5)
    with pytest.raises(ValueError, match="param"):
        connector_tokens("pixel-shuffle", 5, 4)
    with pytest.raises(ValueError, match="grid_h"):
        connector_tokens("mlp", 0, 4)
    with pytest.raises(ValueError, match="sides"):
        connector_cost_table([("MLP", "mlp", None)], [330], "c", "t", "f")
    with pytest.raises(ValueError, match="text_tokens"):
        connector_cost_table([("MLP", "mlp", None)], [336], "c", "t", "f", text_tokens=-1)
    with pytest.raises(ValueError, match="rows"):
        connector_cost_table([], [336], "c", "t", "f")
