"""Tests for examples.algorithms.longest_subarray (R1-11)."""

import pytest
from hypothesis import given, settings, strategies as st

from examples.algorithms import (
    longest_subarray_at_most,
    longest_subarray_at_most_any,
    longest_subarray_at_most_linear,
)

ALL = [longest_subarray_at_most, longest_subarray_at_most_any, longest_subarray_at_most_linear]


def brute_force_longest(nums: list[int], s: int) -> int:
    """O(n^2) oracle: try every (start, stop) pair with a running sum."""
    best = 0
    for start in range(len(nums)):
        total = 0
        for stop in range(start + 1, len(nums) + 1):
            total += nums[stop - 1]
            if total <= s:
                best = max(best, stop - start)
    return best


non_negative = st.lists(st.integers(0, 20), max_size=30)
any_sign = st.lists(st.integers(-20, 20), max_size=30)


@settings(max_examples=200, deadline=None)
@given(nums=non_negative, s=st.integers(0, 60))
def test_window_matches_brute_force(nums, s):
    assert longest_subarray_at_most(nums, s) == brute_force_longest(nums, s)


@settings(max_examples=200, deadline=None)
@given(nums=non_negative, s=st.integers(0, 60))
def test_any_agrees_with_window_on_non_negative_input(nums, s):
    assert longest_subarray_at_most_any(nums, s) == longest_subarray_at_most(nums, s)


@settings(max_examples=300, deadline=None)
@given(nums=any_sign, s=st.integers(-40, 40))
def test_any_matches_brute_force_with_negative_numbers(nums, s):
    assert longest_subarray_at_most_any(nums, s) == brute_force_longest(nums, s)


@settings(max_examples=300, deadline=None)
@given(nums=any_sign, s=st.integers(-40, 40))
def test_linear_matches_brute_force_with_negative_numbers(nums, s):
    assert longest_subarray_at_most_linear(nums, s) == brute_force_longest(nums, s)


@settings(max_examples=100, deadline=None)
@given(nums=st.lists(st.integers(-10**12, 10**12), max_size=30), s=st.integers(-10**12, 10**12))
def test_linear_and_any_agree_on_large_values(nums, s):
    assert longest_subarray_at_most_linear(nums, s) == longest_subarray_at_most_any(nums, s)


def test_linear_worked_examples():
    assert longest_subarray_at_most_linear([2, 3, 1, 2, 4, 3], 7) == 3
    assert longest_subarray_at_most_linear([8, -6, 2, 3], 7) == 4
    assert longest_subarray_at_most_linear([1, -3, 1, 1], -2) == 2
    assert longest_subarray_at_most_linear([1, 2], -1) == 0
    assert longest_subarray_at_most_linear([5, -5, 5, -5, 9], 0) == 4  # [5, -5, 5, -5] sums to 0


def test_question_example():
    nums = [2, 3, 1, 2, 4, 3]
    assert longest_subarray_at_most(nums, 7) == 3
    assert longest_subarray_at_most_any(nums, 7) == 3
    assert longest_subarray_at_most_linear(nums, 7) == 3
    assert brute_force_longest(nums, 7) == 3


def test_negative_counterexample_needs_the_any_variant():
    nums, s = [8, -6, 2, 3], 7  # the whole array sums to 7
    assert longest_subarray_at_most_any(nums, s) == 4 == brute_force_longest(nums, s)
    with pytest.raises(ValueError, match="nums"):
        longest_subarray_at_most(nums, s)


@pytest.mark.parametrize("func", ALL)
def test_empty_and_none(func):
    assert func([], 5) == 0
    assert func([], 0) == 0
    assert func([9, 8], 7) == 0
    assert func((1, 2, 3), 6) == 3  # tuples are sequences too
    assert func(range(1, 4), 3) == 2


@pytest.mark.parametrize("func", [longest_subarray_at_most_any, longest_subarray_at_most_linear])
def test_any_with_negative_bound(func):
    # only [1, -3] and [-3, 1] sum to <= -2; every longer subarray sums to more
    assert func([1, -3, 1, 1], -2) == 2
    assert func([1, 2], -1) == 0


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("nums", [None, 5, "123", b"12", {1, 2}, iter([1, 2])])
def test_nums_not_a_sequence(func, nums):
    with pytest.raises(TypeError, match="nums"):
        func(nums, 3)


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("bad", [1.0, "1", None, True])
def test_nums_with_a_non_integer(func, bad):
    with pytest.raises(TypeError, match=r"nums\[1\]"):
        func([1, bad, 2], 3)


@pytest.mark.parametrize("func", ALL)
@pytest.mark.parametrize("s", [3.0, "3", None, False])
def test_s_not_an_integer(func, s):
    with pytest.raises(TypeError, match="s must"):
        func([1, 2], s)


def test_window_rejects_negative_s():
    with pytest.raises(ValueError, match="s must be non-negative"):
        longest_subarray_at_most([1, 2], -1)


def test_window_rejects_negative_number():
    with pytest.raises(ValueError, match=r"nums\[2\]"):
        longest_subarray_at_most([1, 2, -1], 3)
