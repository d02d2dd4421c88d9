"""Tests for examples.algorithms.count_subarrays (counting subarrays with sum <= s)."""

import pytest
from hypothesis import given, settings, strategies as st

from examples.algorithms import count_subarrays_at_most, count_subarrays_at_most_any
from tests.algorithms import brute_force

BOTH = [count_subarrays_at_most, count_subarrays_at_most_any]


@settings(max_examples=200, deadline=None)
@given(nums=st.lists(st.integers(0, 20), max_size=30), s=st.integers(0, 80))
def test_window_matches_brute_force(nums, s):
    assert count_subarrays_at_most(nums, s) == brute_force.count_at_most(nums, s)


@settings(max_examples=300, deadline=None)
@given(nums=st.lists(st.integers(-20, 20), max_size=30), s=st.integers(-40, 40))
def test_any_matches_brute_force_with_negative_numbers(nums, s):
    assert count_subarrays_at_most_any(nums, s) == brute_force.count_at_most(nums, s)


@settings(max_examples=100, deadline=None)
@given(nums=st.lists(st.integers(-3, 3), max_size=30), s=st.integers(-3, 3))
def test_any_with_many_equal_prefix_sums(nums, s):
    # small values: prefix sums repeat, which exercises the ties in the ranks
    assert count_subarrays_at_most_any(nums, s) == brute_force.count_at_most(nums, s)


def test_worked_examples():
    nums = [2, 3, 1, 2, 4, 3]  # 21 subarrays, 14 of them with sum <= 7
    assert count_subarrays_at_most(nums, 7) == count_subarrays_at_most_any(nums, 7) == 14
    assert count_subarrays_at_most_any([8, -6, 2, 3], 7) == 9  # all but [8]
    assert count_subarrays_at_most_any([1, 2], -1) == 0
    assert count_subarrays_at_most([0, 0, 0], 0) == 6  # every subarray


@pytest.mark.parametrize("func", BOTH)
def test_empty(func):
    assert func([], 3) == 0


@pytest.mark.parametrize("func", BOTH)
@pytest.mark.parametrize("nums", [None, 5, "123", {1, 2}, iter([1, 2])])
def test_nums_not_a_sequence(func, nums):
    with pytest.raises(TypeError, match="nums"):
        func(nums, 3)


@pytest.mark.parametrize("func", BOTH)
@pytest.mark.parametrize("s", [3.0, "3", None, True])
def test_s_not_an_integer(func, s):
    with pytest.raises(TypeError, match="s must"):
        func([1, 2], s)


@pytest.mark.parametrize("func", BOTH)
def test_nums_with_a_non_integer(func):
    with pytest.raises(TypeError, match=r"nums\[0\]"):
        func([0.5, 2], 3)


def test_window_refuses_negative_input():
    with pytest.raises(ValueError, match="s must be non-negative"):
        count_subarrays_at_most([1, 2], -1)
    with pytest.raises(ValueError, match=r"nums\[1\]"):
        count_subarrays_at_most([1, -2], 3)
