"""LoRALinear against the explicit formula W + s·B A and the reference initialisations."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.lora import LoRALinear

DTYPE = torch.float64


def make_base(d_in: int, d_out: int, bias: bool = True, seed: int = 0) -> nn.Linear:
    torch.manual_seed(seed)
    return nn.Linear(d_in, d_out, bias=bias, dtype=DTYPE)


def randomise_adapter(layer: LoRALinear, seed: int = 1) -> None:
    """Give B (and A) random values so the update is not zero."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        layer.lora_A.copy_(torch.randn(layer.lora_A.shape, generator=gen, dtype=DTYPE))
        layer.lora_B.copy_(torch.randn(layer.lora_B.shape, generator=gen, dtype=DTYPE))


def explicit(x: torch.Tensor, weight, bias, a, b, s: float) -> torch.Tensor:
    """The oracle: x (W + s B A)^T + bias, written with a dense matrix."""
    full = weight + s * (b @ a)  # (out, in)
    out = x @ full.T
    return out if bias is None else out + bias


@st.composite
def shapes(draw):
    """(in, out, r, batch, bias, rslora, alpha) with 1 <= r <= min(in, out)."""
    d_in, d_out = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    r = draw(st.integers(1, min(d_in, d_out, 6)))
    return d_in, d_out, r, draw(st.integers(1, 4)), draw(st.booleans()), draw(st.booleans()), draw(st.floats(0.5, 64.0))


def trained_layer_and_input(case: tuple) -> tuple[LoRALinear, torch.Tensor]:
    """A LoRALinear with a random (trained-looking) adapter for a ``shapes()`` case, and an input (batch, in)."""
    d_in, d_out, r, batch, bias, rslora, alpha = case
    layer = LoRALinear(make_base(d_in, d_out, bias), r, alpha, rslora=rslora)
    randomise_adapter(layer)
    return layer, torch.randn(batch, d_in, dtype=DTYPE)


@settings(max_examples=30)
@given(shapes())
def test_forward_matches_explicit_formula(case):
    d_in, d_out, r, batch, bias, rslora, alpha = case
    base = make_base(d_in, d_out, bias)
    weight = base.weight.detach().clone()
    bias_t = None if base.bias is None else base.bias.detach().clone()
    layer = LoRALinear(base, r, alpha, rslora=rslora)
    randomise_adapter(layer)
    s = alpha / (math.sqrt(r) if rslora else r)
    assert layer.scaling == pytest.approx(s)
    x = torch.randn(batch, 3, d_in, dtype=DTYPE)
    want = explicit(x, weight, bias_t, layer.lora_A.detach(), layer.lora_B.detach(), s)
    torch.testing.assert_close(layer(x), want)
    torch.testing.assert_close(layer.delta_weight(), s * layer.lora_B @ layer.lora_A)


@settings(max_examples=30)
@given(shapes())
def test_merge_unmerge_round_trip(case):
    layer, x = trained_layer_and_input(case)
    w0 = layer.base.weight.detach().clone()
    before = layer(x)
    layer.merge()
    assert layer.merged
    torch.testing.assert_close(layer.base.weight, w0 + layer.delta_weight())
    torch.testing.assert_close(layer(x), before)
    merged_w = layer.base.weight.detach().clone()
    layer.merge()  # idempotent
    assert torch.equal(layer.base.weight, merged_w)
    layer.unmerge()
    assert not layer.merged
    torch.testing.assert_close(layer.base.weight, w0)
    torch.testing.assert_close(layer(x), before)
    unmerged_w = layer.base.weight.detach().clone()
    layer.unmerge()  # idempotent
    assert torch.equal(layer.base.weight, unmerged_w)


def test_shapes_dtype_and_only_adapter_trains():
    layer = LoRALinear(make_base(7, 5), r=3, alpha=6)
    assert layer.lora_A.shape == (3, 7)
    assert layer.lora_B.shape == (5, 3)
    assert layer.lora_A.dtype == layer.lora_B.dtype == DTYPE
    assert layer.scaling == 2.0
    trainable = {n for n, p in layer.named_parameters() if p.requires_grad}
    assert trainable == {"lora_A", "lora_B"}
    assert not layer.base.weight.requires_grad and not layer.base.bias.requires_grad


def test_rslora_scaling():
    assert LoRALinear(make_base(16, 16), r=16, alpha=8, rslora=True).scaling == 2.0
    assert LoRALinear(make_base(16, 16), r=16, alpha=8).scaling == 0.5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_kaiming_init_matches_reference_calls(seed):
    base = make_base(9, 4)
    torch.manual_seed(seed)
    layer = LoRALinear(base, r=3, alpha=3)
    torch.manual_seed(seed)
    want = nn.init.kaiming_uniform_(torch.empty(3, 9, dtype=DTYPE), a=math.sqrt(5))
    assert torch.equal(layer.lora_A, want)
    assert torch.equal(layer.lora_B, torch.zeros(4, 3, dtype=DTYPE))
    assert layer.lora_A.abs().max() <= 1 / math.sqrt(9)  # the nn.Linear bound U(-1/sqrt(in), 1/sqrt(in))


def test_gaussian_init_matches_reference_calls():
    base = make_base(9, 4)
    torch.manual_seed(5)
    layer = LoRALinear(base, r=4, alpha=4, init="gaussian")
    torch.manual_seed(5)
    want = nn.init.normal_(torch.empty(4, 9, dtype=DTYPE), std=1 / 4)
    assert torch.equal(layer.lora_A, want)
    assert torch.equal(layer.lora_B, torch.zeros(4, 4, dtype=DTYPE))


@pytest.mark.parametrize("init", ["kaiming", "gaussian"])
def test_output_is_exactly_the_base_at_init(init):
    base = make_base(6, 5)
    x = torch.randn(4, 6, dtype=DTYPE)
    want = base(x)
    assert torch.equal(LoRALinear(base, 2, 8, init=init)(x), want)


@settings(max_examples=25)
@given(st.integers(1, 10), st.integers(1, 10), st.data())
def test_pissa_invariants(d_in, d_out, data):
    r = data.draw(st.integers(1, min(d_in, d_out)))
    alpha = data.draw(st.floats(0.5, 32.0))
    base = make_base(d_in, d_out)
    w = base.weight.detach().clone()
    x = torch.randn(3, d_in, dtype=DTYPE)
    want = base(x)
    layer = LoRALinear(base, r, alpha, init="pissa")
    torch.testing.assert_close(layer(x), want)  # output unchanged at init
    torch.testing.assert_close(layer.base.weight + layer.delta_weight(), w)
    sigma = torch.linalg.svdvals(w)
    # Eckart-Young: the adapter is the best rank-r approximation, the residual keeps the tail.
    residual = torch.linalg.svdvals(layer.base.weight)
    torch.testing.assert_close(residual[: len(sigma) - r], sigma[r:])
    torch.testing.assert_close(torch.linalg.svdvals(layer.delta_weight())[:r], sigma[:r])
    # A and B share the singular values evenly: s·BᵀB = s·A Aᵀ = diag(sigma_r).
    s = layer.scaling
    torch.testing.assert_close(s * layer.lora_B.T @ layer.lora_B, torch.diag(sigma[:r]))
    torch.testing.assert_close(s * layer.lora_A @ layer.lora_A.T, torch.diag(sigma[:r]))


def test_pissa_keeps_a_float32_base_close():
    torch.manual_seed(3)
    base = nn.Linear(32, 16)
    x = torch.randn(5, 32)
    want = base(x)
    layer = LoRALinear(base, 4, 4, init="pissa")
    torch.testing.assert_close(layer(x), want, atol=1e-5, rtol=1e-5)
    assert layer.base.weight.dtype == layer.lora_A.dtype == torch.float32


def loss_and_grads(layer: LoRALinear, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(8, layer.base.in_features, generator=gen, dtype=DTYPE)
    target = torch.randn(8, layer.base.out_features, generator=gen, dtype=DTYPE)
    layer.zero_grad()
    ((layer(x) - target) ** 2).mean().backward()
    return layer.lora_A.grad, layer.lora_B.grad


@pytest.mark.parametrize("init", ["kaiming", "gaussian"])
def test_step0_gradient_of_A_is_zero_and_of_B_is_not(init):
    layer = LoRALinear(make_base(6, 5), 2, 4, init=init)
    grad_a, grad_b = loss_and_grads(layer)
    assert torch.equal(grad_a, torch.zeros_like(grad_a))
    assert grad_b.abs().sum() > 0
    assert layer.base.weight.grad is None


def test_gradients_match_the_closed_form():
    """dL/dA = s Bᵀ G Xᵀ and dL/dB = s G (A X)ᵀ with G = dL/dh, checked on a random adapter."""
    layer = LoRALinear(make_base(6, 5), 2, 4)
    randomise_adapter(layer)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(8, 6, generator=gen, dtype=DTYPE)
    target = torch.randn(8, 5, generator=gen, dtype=DTYPE)
    h = layer(x)
    ((h - target) ** 2).mean().backward()
    g = 2 * (h.detach() - target) / h.numel()  # (n, out)
    s, a, b = layer.scaling, layer.lora_A.detach(), layer.lora_B.detach()
    torch.testing.assert_close(layer.lora_A.grad, s * b.T @ g.T @ x)
    torch.testing.assert_close(layer.lora_B.grad, s * g.T @ (x @ a.T))


def test_pissa_trains_both_factors_from_step0():
    layer = LoRALinear(make_base(6, 5), 2, 4, init="pissa")
    grad_a, grad_b = loss_and_grads(layer)
    assert grad_a.abs().sum() > 0 and grad_b.abs().sum() > 0


@pytest.mark.parametrize("opt", ["sgd", "adamw"])
def test_both_zero_never_trains(opt):
    layer = LoRALinear(make_base(6, 5), 2, 4)
    with torch.no_grad():
        layer.lora_A.zero_()
    params = [layer.lora_A, layer.lora_B]
    optim = torch.optim.SGD(params, lr=0.1) if opt == "sgd" else torch.optim.AdamW(params, lr=0.1)
    for step in range(20):
        optim.zero_grad()
        loss_and_grads(layer, seed=step)
        optim.step()
    assert torch.equal(layer.lora_A, torch.zeros_like(layer.lora_A))
    assert torch.equal(layer.lora_B, torch.zeros_like(layer.lora_B))


def test_b_zero_a_random_does_train_and_a_moves_after_step1():
    layer = LoRALinear(make_base(6, 5), 2, 4)
    a0 = layer.lora_A.detach().clone()
    optim = torch.optim.SGD([layer.lora_A, layer.lora_B], lr=0.1)
    loss_and_grads(layer, seed=0)
    optim.step()
    assert torch.equal(layer.lora_A, a0)  # step 1 only moved B
    assert layer.lora_B.abs().sum() > 0
    grad_a, _ = loss_and_grads(layer, seed=1)
    assert grad_a.abs().sum() > 0  # from step 2 on, A gets a gradient too


@pytest.mark.parametrize("merge_first", [False, True])
@pytest.mark.parametrize("init", ["kaiming", "pissa"])
def test_state_dict_round_trip(merge_first, init):
    layer = LoRALinear(make_base(6, 5, seed=0), 3, 6, init=init)
    randomise_adapter(layer)
    if merge_first:
        layer.merge()
    x = torch.randn(4, 6, dtype=DTYPE)
    want = layer(x)
    state = layer.state_dict()
    assert set(state) == {"base.weight", "base.bias", "lora_A", "lora_B", "_merged"}
    fresh = LoRALinear(make_base(6, 5, seed=9), 3, 6)
    fresh.load_state_dict(state)
    assert fresh.merged == merge_first
    torch.testing.assert_close(fresh(x), want)
    fresh.unmerge()
    layer.unmerge()
    torch.testing.assert_close(fresh.base.weight, layer.base.weight)


def test_dropout_only_touches_the_adapter_and_is_off_in_eval():
    layer = LoRALinear(make_base(16, 4), 2, 4, dropout=0.5)
    randomise_adapter(layer)
    x = torch.randn(32, 16, dtype=DTYPE)
    want = explicit(x, layer.base.weight, layer.base.bias, layer.lora_A, layer.lora_B, layer.scaling)
    layer.eval()
    torch.testing.assert_close(layer(x), want)
    layer.train()
    torch.manual_seed(0)
    noisy = layer(x)
    assert not torch.allclose(noisy, want)
    with torch.no_grad():
        layer.lora_B.zero_()
    torch.testing.assert_close(layer(x), layer.base(x))  # dropout never reaches the base path


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"r": 0}, ValueError, "^r must be >= 1"),
        ({"r": -2}, ValueError, "^r must be >= 1"),
        ({"r": 2.0}, TypeError, "^r must be an int"),
        ({"r": True}, TypeError, "^r must be an int"),
        ({"alpha": 0}, ValueError, "^alpha must be"),
        ({"alpha": -1.0}, ValueError, "^alpha must be"),
        ({"alpha": float("nan")}, ValueError, "^alpha must be"),
        ({"alpha": float("inf")}, ValueError, "^alpha must be"),
        ({"alpha": "8"}, TypeError, "^alpha must be"),
        ({"dropout": -0.1}, ValueError, "^dropout must be"),
        ({"dropout": 1.0}, ValueError, "^dropout must be"),
        ({"init": "xavier"}, ValueError, "^init must be one of"),
        ({"init": "pissa", "r": 6}, ValueError, "^r must be <= min"),
        ({"r": 6}, ValueError, r"^r must be <= min\(in_features, out_features\) = 5, got 6"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    args = {"base": make_base(8, 5), "r": 2, "alpha": 4.0} | kwargs
    with pytest.raises(error, match=match):
        LoRALinear(**args)


@pytest.mark.parametrize(
    ("base", "error"),
    [(nn.Conv1d(3, 3, 1), ValueError), (nn.Embedding(4, 3), ValueError), (None, TypeError), (torch.zeros(3, 3), TypeError)],
)
def test_base_must_be_linear(base, error):
    with pytest.raises(error, match="^base must be an nn.Linear"):
        LoRALinear(base, 2, 4.0)


@settings(max_examples=20)
@given(shapes())
def test_weight_property_is_the_effective_weight(case):
    layer, x = trained_layer_and_input(case)
    d_in, d_out = case[:2]
    want = layer.base.weight + layer.delta_weight()
    torch.testing.assert_close(layer.weight, want)
    torch.testing.assert_close(torch.nn.functional.linear(x, layer.weight, layer.bias), layer(x))
    assert (layer.in_features, layer.out_features) == (d_in, d_out)
    assert layer.bias is layer.base.bias
    layer.weight.sum().backward()  # the weight path trains A and B
    assert layer.lora_A.grad is not None and layer.lora_B.grad is not None
    layer.merge()
    assert layer.weight is layer.base.weight
    torch.testing.assert_close(layer.weight, want)


@pytest.mark.parametrize("init", ["kaiming", "gaussian", "pissa"])
def test_reset_while_merged_is_refused_and_changes_nothing(init):
    layer = LoRALinear(make_base(8, 6), 3, 6, init=init)
    randomise_adapter(layer)
    layer.merge()
    state = {k: v.clone() for k, v in layer.state_dict().items()}
    with pytest.raises(RuntimeError, match="^reset_lora_parameters: the adapter is merged"):
        layer.reset_lora_parameters()
    assert all(torch.equal(state[k], v) for k, v in layer.state_dict().items())


@pytest.mark.parametrize("init", ["kaiming", "gaussian"])
def test_reset_goes_back_to_the_base_function(init):
    base = make_base(8, 6)
    x = torch.randn(4, 8, dtype=DTYPE)
    want = base(x)
    layer = LoRALinear(base, 3, 6, init=init)
    randomise_adapter(layer)
    assert not torch.allclose(layer(x), want)
    layer.reset_lora_parameters()
    assert torch.equal(layer(x), want)


def test_pissa_reset_keeps_the_function_and_reextracts_the_principal_part():
    layer = LoRALinear(make_base(10, 7), 3, 6, init="pissa")
    randomise_adapter(layer)  # a trained state
    x = torch.randn(4, 10, dtype=DTYPE)
    before = layer(x)
    effective = layer.base.weight + layer.delta_weight()
    layer.reset_lora_parameters()
    torch.testing.assert_close(layer(x), before)  # same function
    torch.testing.assert_close(layer.base.weight + layer.delta_weight(), effective)
    sigma = torch.linalg.svdvals(effective)
    torch.testing.assert_close(torch.linalg.svdvals(layer.delta_weight())[:3], sigma[:3])
    layer.reset_lora_parameters()  # idempotent up to rounding
    torch.testing.assert_close(layer(x), before)


def test_pissa_constructor_leaves_no_garbage_in_the_weight():
    base = make_base(6, 6)
    w = base.weight.detach().clone()
    layer = LoRALinear(base, 2, 2, init="pissa")
    assert torch.isfinite(layer.base.weight).all()
    torch.testing.assert_close(layer.base.weight + layer.delta_weight(), w)
