"""Batched multi-adapter LoRA against one LoRALinear per request."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.lora import LoRALinear
from examples.lora.multi_adapter import multi_adapter_linear

DTYPE = torch.float64


def make_adapters(base: nn.Linear, ranks: list[int], alphas: list[float], seed: int = 0) -> list[LoRALinear]:
    """One LoRALinear per adapter, all sharing ``base``, with trained-looking B."""
    gen = torch.Generator().manual_seed(seed)
    layers = []
    for r, alpha in zip(ranks, alphas):
        layer = LoRALinear(base, r, alpha)
        with torch.no_grad():
            layer.lora_A.copy_(torch.randn(layer.lora_A.shape, generator=gen, dtype=DTYPE))
            layer.lora_B.copy_(torch.randn(layer.lora_B.shape, generator=gen, dtype=DTYPE))
        layers.append(layer)
    return layers


@settings(max_examples=30)
@given(
    st.integers(2, 10), st.integers(2, 10), st.integers(1, 4), st.integers(1, 5), st.integers(1, 3), st.booleans(), st.data()
)
def test_batched_equals_one_request_at_a_time(d_in, d_out, adapters, batch, tokens, bias, data):
    r = data.draw(st.integers(1, min(d_in, d_out)))
    alphas = data.draw(st.lists(st.floats(0.5, 16.0), min_size=adapters, max_size=adapters))
    ids = data.draw(st.lists(st.integers(0, adapters - 1), min_size=batch, max_size=batch))
    torch.manual_seed(0)
    base = nn.Linear(d_in, d_out, bias=bias, dtype=DTYPE)
    layers = make_adapters(base, [r] * adapters, alphas)
    x = torch.randn(batch, tokens, d_in, dtype=DTYPE)
    got = multi_adapter_linear(
        x,
        base.weight,
        base.bias,
        torch.stack([l.lora_A for l in layers]),
        torch.stack([l.lora_B for l in layers]),
        torch.tensor([l.scaling for l in layers], dtype=DTYPE),
        torch.tensor(ids),
    )
    want = torch.stack([layers[i](x[b]) for b, i in enumerate(ids)])  # per request, its own adapter
    torch.testing.assert_close(got, want)


def test_a_merged_model_per_adapter_gives_the_same_rows():
    torch.manual_seed(1)
    base = nn.Linear(6, 4, dtype=DTYPE)
    layers = make_adapters(base, [2, 2], [4.0, 8.0])
    x = torch.randn(3, 2, 6, dtype=DTYPE)
    ids = torch.tensor([1, 0, 1])
    got = multi_adapter_linear(
        x, base.weight, base.bias, torch.stack([l.lora_A for l in layers]), torch.stack([l.lora_B for l in layers]),
        torch.tensor([l.scaling for l in layers], dtype=DTYPE), ids,
    )
    for b, i in enumerate(ids.tolist()):
        merged = base.weight + layers[i].delta_weight()
        torch.testing.assert_close(got[b], x[b] @ merged.T + base.bias)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"x": torch.zeros(2, 6)}, "^x must have shape"),
        ({"adapter_ids": torch.tensor([0])}, "^adapter_ids must be 2 integers"),
        ({"adapter_ids": torch.tensor([0.0, 1.0])}, "^adapter_ids must be 2 integers"),
        ({"adapter_ids": torch.tensor([0, 2])}, r"^adapter_ids must lie in \[0, 2\)"),
        ({"adapter_ids": torch.tensor([-1, 0])}, r"^adapter_ids must lie in \[0, 2\)"),
        ({"scaling": torch.ones(3)}, "^lora_A, lora_B and scaling must stack the same number"),
        ({"lora_A": torch.zeros(2, 2, 5)}, "^adapter shapes"),
        ({"lora_B": torch.zeros(2, 4, 3)}, "^adapter shapes"),
        ({"lora_A": torch.zeros(2, 6)}, "^lora_A and lora_B must be 3-D"),
    ],
)
def test_bad_input(change, match):
    args = {
        "x": torch.zeros(2, 1, 6),
        "weight": torch.zeros(4, 6),
        "bias": None,
        "lora_A": torch.zeros(2, 2, 6),
        "lora_B": torch.zeros(2, 4, 2),
        "scaling": torch.ones(2),
        "adapter_ids": torch.tensor([0, 1]),
    } | change
    with pytest.raises(ValueError, match=match):
        multi_adapter_linear(**args)
