"""DoRALinear against PyTorch's own weight normalisation (torch.nn.utils.parametrizations.weight_norm)."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.lora.dora import DoRALinear

DTYPE = torch.float64


def make(d_in: int, d_out: int, r: int, alpha: float = 4.0, bias: bool = True, detach_norm: bool = True) -> DoRALinear:
    torch.manual_seed(0)
    return DoRALinear(nn.Linear(d_in, d_out, bias=bias, dtype=DTYPE), r, alpha, detach_norm=detach_norm)


def train_like(layer: DoRALinear, seed: int = 1) -> None:
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        layer.lora_B.copy_(torch.randn(layer.lora_B.shape, generator=gen, dtype=DTYPE))
        layer.magnitude.mul_(1 + 0.5 * torch.rand(layer.magnitude.shape, generator=gen, dtype=DTYPE))


def weight_norm_oracle(layer: DoRALinear) -> nn.Linear:
    """nn.Linear whose weight is g · v / ‖v‖ (PyTorch's weight_norm, dim=0) with v = W + s B A and g = m."""
    base = layer.base
    plain = nn.Linear(base.in_features, base.out_features, bias=base.bias is not None, dtype=DTYPE)
    with torch.no_grad():
        plain.weight.copy_(base.weight + layer.scaling * layer.lora_B @ layer.lora_A)
        if base.bias is not None:
            plain.bias.copy_(base.bias)
    plain = nn.utils.parametrizations.weight_norm(plain, dim=0)
    with torch.no_grad():
        plain.parametrizations.weight.original0.copy_(layer.magnitude[:, None])
    return plain


@settings(max_examples=25)
@given(st.integers(1, 10), st.integers(1, 10), st.booleans(), st.data())
def test_equals_the_base_layer_at_init(d_in, d_out, bias, data):
    r = data.draw(st.integers(1, min(d_in, d_out)))
    layer = make(d_in, d_out, r, bias=bias)
    x = torch.randn(3, d_in, dtype=DTYPE)
    torch.testing.assert_close(layer(x), layer.base(x))
    torch.testing.assert_close(layer.magnitude, layer.base.weight.norm(dim=1))
    assert torch.equal(layer.lora_B, torch.zeros_like(layer.lora_B))


@settings(max_examples=25)
@given(st.integers(1, 10), st.integers(1, 10), st.booleans(), st.data())
def test_matches_pytorch_weight_norm_after_training(d_in, d_out, bias, data):
    r = data.draw(st.integers(1, min(d_in, d_out)))
    layer = make(d_in, d_out, r, bias=bias)
    train_like(layer)
    x = torch.randn(2, 3, d_in, dtype=DTYPE)
    torch.testing.assert_close(layer(x), weight_norm_oracle(layer)(x))


def test_magnitude_and_direction_decompose_the_weight():
    layer = make(12, 6, 3)
    train_like(layer)
    direction = layer.direction()
    torch.testing.assert_close(direction.norm(dim=1), torch.ones(6, dtype=DTYPE))  # unit rows
    torch.testing.assert_close(layer.weight.norm(dim=1), layer.magnitude)  # row norms are m
    torch.testing.assert_close(layer.weight, layer.magnitude[:, None] * direction)


def test_only_magnitude_and_adapter_train():
    layer = make(8, 4, 2)
    trainable = {n for n, p in layer.named_parameters() if p.requires_grad}
    assert trainable == {"magnitude", "lora_A", "lora_B"}
    layer(torch.randn(5, 8, dtype=DTYPE)).square().sum().backward()
    assert layer.magnitude.grad.abs().sum() > 0 and layer.lora_B.grad.abs().sum() > 0
    assert layer.base.weight.grad is None


def test_detaching_the_norm_changes_gradients_not_values():
    x = torch.randn(5, 8, dtype=DTYPE)
    grads, outs = [], []
    for detach in (True, False):
        layer = make(8, 4, 2, detach_norm=detach)
        train_like(layer)
        out = layer(x)
        out.square().sum().backward()
        outs.append(out.detach())
        grads.append(layer.lora_B.grad)
    torch.testing.assert_close(outs[0], outs[1])
    assert not torch.allclose(grads[0], grads[1])


def test_full_gradient_matches_the_oracle_when_not_detached():
    layer = make(8, 4, 2, detach_norm=False)
    train_like(layer)
    x = torch.randn(5, 8, dtype=DTYPE)
    layer(x).square().sum().backward()
    a = layer.lora_A.detach().clone().requires_grad_(True)
    b = layer.lora_B.detach().clone().requires_grad_(True)
    v = layer.base.weight + layer.scaling * b @ a
    w = layer.magnitude.detach()[:, None] * v / v.norm(dim=1, keepdim=True)
    (x @ w.T + layer.base.bias).square().sum().backward()
    torch.testing.assert_close(layer.lora_B.grad, b.grad)
    torch.testing.assert_close(layer.lora_A.grad, a.grad)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"r": 0}, ValueError, "^r must be >= 1"),
        ({"r": 9}, ValueError, "^r must be <= min"),
        ({"alpha": 0.0}, ValueError, "^alpha must be"),
        ({"base": nn.Conv1d(2, 2, 1)}, ValueError, "^base must be an nn.Linear"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    args = {"base": nn.Linear(8, 8), "r": 2, "alpha": 4.0} | kwargs
    with pytest.raises(error, match=match):
        DoRALinear(**args)
