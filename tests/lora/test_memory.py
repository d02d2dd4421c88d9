"""Optimizer-state bytes against Adam's documented state, and the per-parameter memory accounting."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings, strategies as st
from torch import nn

from examples.lora import count_parameters, inject_lora, memory_table, optimizer_state_bytes, training_memory


def one_step(model: nn.Module, optimizer: torch.optim.Optimizer, d_in: int) -> None:
    optimizer.zero_grad()
    model(torch.randn(4, d_in)).square().mean().backward()
    optimizer.step()


@settings(max_examples=20)
@given(st.integers(1, 16), st.integers(1, 16), st.booleans())
def test_adam_state_is_two_fp32_moments_per_parameter_plus_a_step(d_in, d_out, bias):
    model = nn.Linear(d_in, d_out, bias=bias)
    optimizer = torch.optim.Adam(model.parameters())
    assert optimizer_state_bytes(optimizer) == 0  # allocated lazily
    one_step(model, optimizer, d_in)
    n_tensors = 2 if bias else 1
    step_bytes = optimizer.state[model.weight]["step"].nbytes
    assert optimizer_state_bytes(optimizer) == 2 * 4 * count_parameters(model)[1] + n_tensors * step_bytes


def test_lora_shrinks_adam_state_by_the_parameter_ratio():
    torch.manual_seed(0)
    full = nn.Sequential(nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 32))
    lora = nn.Sequential(nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 32))
    inject_lora(lora, ["0", "2"], r=2, alpha=2)
    opt_full = torch.optim.Adam(full.parameters())
    opt_lora = torch.optim.Adam([p for p in lora.parameters() if p.requires_grad])
    one_step(full, opt_full, 32)
    one_step(lora, opt_lora, 32)
    step = 4  # one float32 scalar per parameter tensor
    assert optimizer_state_bytes(opt_full) == 8 * (2 * 32 * 32 + 2 * 32) + 4 * step
    assert optimizer_state_bytes(opt_lora) == 8 * (2 * 2 * (32 + 32)) + 4 * step


def test_plain_sgd_has_no_state_and_momentum_has_one_buffer():
    model = nn.Linear(5, 3)
    sgd = torch.optim.SGD(model.parameters(), lr=0.1)
    one_step(model, sgd, 5)
    assert optimizer_state_bytes(sgd) == 0
    momentum = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    one_step(model, momentum, 5)
    assert optimizer_state_bytes(momentum) == 4 * (15 + 3)


def test_optimizer_state_bytes_bad_input():
    with pytest.raises(TypeError, match="^optimizer must be"):
        optimizer_state_bytes({"state": {}})


@settings(max_examples=30)
@given(st.integers(0, 10**10), st.data(), st.integers(0, 8), st.integers(0, 8), st.integers(0, 16))
def test_training_memory_formula(total, data, w, g, o):
    trainable = data.draw(st.integers(0, total))
    mem = training_memory(total, trainable, w, g, o)
    assert mem.weights == total * w
    assert mem.gradients == trainable * g
    assert mem.optimizer == trainable * o
    assert mem.total == total * w + trainable * (g + o)


def test_training_memory_defaults_are_16_bytes_per_trained_parameter():
    assert training_memory(10, 10).total == 160
    assert training_memory(10, 0).total == 20
    assert training_memory(10, 2, weight_bytes=0.5).total == 5 + 2 * 14  # 4-bit frozen weights


def test_memory_table_rows_and_headers():
    table = memory_table(
        [("full", training_memory(10**9, 10**9)), ("frozen", training_memory(10**9, 0))],
        ["setup", "w", "g", "o", "total"],
    )
    assert table.splitlines() == [
        "| setup | w | g | o | total |",
        "|---|---:|---:|---:|---:|",
        "| full | 2.00 | 2.00 | 12.00 | 16.00 |",
        "| frozen | 2.00 | 0.00 | 0.00 | 2.00 |",
    ]


def test_memory_table_bad_input():
    with pytest.raises(ValueError, match="^headers must name 5 columns"):
        memory_table([("x", training_memory(1, 1))], ["a", "b"])
    with pytest.raises(ValueError, match="^rows must hold at least one"):
        memory_table([], ["a", "b", "c", "d", "e"])


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((-1, 0), ValueError, "^total_params must be >= 0"),
        ((5, -1), ValueError, "^trainable_params must be >= 0"),
        ((5, 6), ValueError, r"^trainable_params \(6\) must be <= total_params \(5\)"),
        ((5, 1, -2), ValueError, "^weight_bytes must be finite and >= 0"),
        ((5, 1, 2, -2), ValueError, "^grad_bytes must be finite and >= 0"),
        ((5, 1, 2, 2, -1), ValueError, "^optimizer_bytes must be finite and >= 0"),
        ((5, 1, float("nan")), ValueError, "^weight_bytes must be finite"),
        ((5, 1, "2"), TypeError, "^weight_bytes must be a real number"),
        ((5.0, 1), TypeError, "^total_params must be an int"),
        ((5, True), TypeError, "^trainable_params must be an int"),
    ],
)
def test_training_memory_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        training_memory(*args)
