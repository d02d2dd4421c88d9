"""RoPE against a complex-number reference, and its relative-position property."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, strategies as st

from examples.attention import apply_rope
from examples.attention.rotary import rope_angles


def complex_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Reference: channel pairs as complex numbers, multiplied by exp(i · m · θ_j), θ_j = base^(-2j/D)."""
    dim = x.shape[-1]
    theta = base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim)  # (D/2,)
    rotation = torch.polar(torch.ones(len(positions), dim // 2, dtype=torch.float64), positions.double()[:, None] * theta)
    as_complex = torch.view_as_complex(x.double().reshape(*x.shape[:-1], dim // 2, 2).contiguous())
    return torch.view_as_real(as_complex * rotation).reshape(x.shape)


@given(st.integers(1, 8), st.integers(1, 6), st.integers(0, 5000), st.integers(0, 2**16))
def test_matches_complex_reference(half_dim, length, start, seed) -> None:
    x = torch.randn(2, 3, length, 2 * half_dim, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    positions = torch.arange(start, start + length)
    torch.testing.assert_close(apply_rope(x, positions), complex_rope(x, positions))


@given(st.integers(0, 3000), st.integers(0, 3000), st.integers(-1000, 1000), st.integers(0, 2**16))
def test_scores_depend_on_relative_position_only(m, n, shift, seed) -> None:
    g = torch.Generator().manual_seed(seed)
    q, k = torch.randn(1, 16, generator=g, dtype=torch.float64), torch.randn(1, 16, generator=g, dtype=torch.float64)
    shift = max(shift, -min(m, n))  # positions stay >= 0

    def score(i: int, j: int) -> torch.Tensor:
        return (apply_rope(q, torch.tensor([i])) * apply_rope(k, torch.tensor([j]))).sum()

    torch.testing.assert_close(score(m, n), score(m + shift, n + shift))


def test_rotation_keeps_norms_and_position_zero_is_identity() -> None:
    x = torch.randn(4, 7, 10, dtype=torch.float64)
    positions = torch.arange(7)
    torch.testing.assert_close(apply_rope(x, positions).norm(dim=-1), x.norm(dim=-1))
    torch.testing.assert_close(apply_rope(x[:, :1], torch.tensor([0])), x[:, :1])


def test_worked_example_first_pair_turns_one_radian_per_position() -> None:
    x = torch.tensor([[1.0, 0.0, 1.0, 0.0]], dtype=torch.float64)  # (T = 1, D = 4)
    out = apply_rope(x, torch.tensor([2]), base=100.0)  # θ = (1, 1/10): angles 2 and 0.2
    expected = torch.tensor([[torch.cos(torch.tensor(2.0)), torch.sin(torch.tensor(2.0)), torch.cos(torch.tensor(0.2)), torch.sin(torch.tensor(0.2))]], dtype=torch.float64)
    torch.testing.assert_close(out, expected)
    torch.testing.assert_close(rope_angles(torch.tensor([2]), 4, base=100.0), torch.tensor([[2.0, 0.2]], dtype=torch.float64))


def test_bf16_keeps_dtype_and_angles_stay_accurate_at_large_positions() -> None:
    x = torch.randn(3, 64, dtype=torch.float64)
    positions = torch.arange(100_000, 100_003)
    out = apply_rope(x.to(torch.bfloat16), positions)
    assert out.dtype == torch.bfloat16
    exact = complex_rope(x.to(torch.bfloat16), positions)
    torch.testing.assert_close(out.double(), exact, rtol=2**-8, atol=1e-5)  # one bf16 rounding, angles in float64


@pytest.mark.parametrize(
    ("x", "positions", "error", "match"),
    [
        (torch.randn(3, 5), torch.arange(3), ValueError, "head_dim must be an even int"),
        (torch.randn(3, 4), torch.arange(2), ValueError, "positions has 2 entries"),
        (torch.randn(3, 4), torch.arange(3.0), TypeError, "positions must be a 1-D integer tensor"),
        (torch.ones(3, 4, dtype=torch.long), torch.arange(3), TypeError, "x must be a floating-point tensor"),
    ],
)
def test_bad_input(x, positions, error, match) -> None:
    with pytest.raises(error, match=match):
        apply_rope(x, positions)
