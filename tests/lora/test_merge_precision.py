"""merge_round_trip against a direct computation of the rounding, dtype by dtype."""

from __future__ import annotations

import pytest
import torch

from examples.lora.merge_precision import merge_round_trip


def test_float64_still_changes_entries_but_by_rounding_only():
    trip = merge_round_trip(64, 64, 4, torch.float64)
    assert 0 < trip.changed_fraction < 1
    assert trip.max_relative_error < 1e-15


def test_bf16_changes_are_one_rounding_step_of_bf16():
    bf16 = merge_round_trip(256, 256, 8, torch.bfloat16)
    fp32 = merge_round_trip(256, 256, 8, torch.float32)
    assert bf16.changed_fraction > 0.05
    assert abs(bf16.changed_fraction - fp32.changed_fraction) < 0.02  # the share is a property of rounding itself
    assert 2**-10 < bf16.max_relative_error <= 2**-7  # about one bf16 ulp (2^-8 relative) of the largest entries
    assert fp32.max_relative_error <= 2**-22
    assert bf16.max_relative_error > 1e4 * fp32.max_relative_error


def test_matches_the_rounding_done_by_hand():
    """Redo the same arithmetic without LoRALinear: W' = (W + D) - D in bf16."""
    trip = merge_round_trip(32, 48, 4, torch.bfloat16, update_scale=0.5, seed=3)
    gen = torch.Generator().manual_seed(3)
    w = (torch.randn(32, 48, generator=gen) / 48**0.5).to(torch.bfloat16)
    a = (torch.randn(4, 48, generator=gen) / 48**0.5).to(torch.bfloat16)
    b = (torch.randn(32, 4, generator=gen) * 0.5 / 2).to(torch.bfloat16)
    d = b @ a  # s = 1
    after = (w + d) - d
    assert trip.changed_fraction == pytest.approx((after != w).float().mean().item())


def test_bigger_updates_change_more_entries():
    shares = [merge_round_trip(128, 128, 8, torch.bfloat16, update_scale=s).changed_fraction for s in (0.01, 0.1, 1.0)]
    assert shares == sorted(shares) and shares[0] < shares[-1] / 3


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"r": 0}, ValueError, "^r must be >= 1"),
        ({"out_features": 2.0}, TypeError, "^out_features must be an int"),
        ({"update_scale": 0.0}, ValueError, "^update_scale must be > 0"),
    ],
)
def test_bad_input(kwargs, error, match):
    args = {"out_features": 8, "in_features": 8, "r": 2, "dtype": torch.float32} | kwargs
    with pytest.raises(error, match=match):
        merge_round_trip(**args)
