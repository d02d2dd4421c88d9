"""Tests for examples.algorithms.shortest_subarray (LeetCode 209)."""

import pytest
from hypothesis import given, settings, strategies as st

from examples.algorithms import (
    longest_subarray_at_most,
    shortest_subarray_at_least,
    shortest_subarray_at_least_any,
)
from tests.algorithms import brute_force


def brute_force_shortest(nums: list[int], target: int) -> int:
    """O(n^2) oracle: try every (start, stop) pair with a running sum."""
    best = 0
    for start in range(len(nums)):
        total = 0
        for stop in range(start + 1, len(nums) + 1):
            total += nums[stop - 1]
            if total >= target and (best == 0 or stop - start < best):
                best = stop - start
    return best


@settings(max_examples=300, deadline=None)
@given(nums=st.lists(st.integers(0, 20), max_size=30), target=st.integers(1, 120))
def test_matches_brute_force(nums, target):
    assert shortest_subarray_at_least(nums, target) == brute_force_shortest(nums, target)


@pytest.mark.parametrize(
    ("target", "nums", "expected"),
    [
        (7, [2, 3, 1, 2, 4, 3], 2),
        (4, [1, 4, 4], 1),
        (11, [1, 1, 1, 1, 1, 1, 1, 1], 0),
    ],
)
def test_leetcode_209_examples(target, nums, expected):
    assert shortest_subarray_at_least(nums, target) == expected
    assert brute_force_shortest(nums, target) == expected


def test_same_example_as_r1_11_gives_a_different_answer():
    nums = [2, 3, 1, 2, 4, 3]
    assert shortest_subarray_at_least(nums, 7) == 2  # shortest with sum >= 7: [4, 3]
    assert longest_subarray_at_most(nums, 7) == 3  # longest with sum <= 7


def test_empty_and_edges():
    assert shortest_subarray_at_least([], 1) == 0
    assert shortest_subarray_at_least([0, 0], 1) == 0
    assert shortest_subarray_at_least((5,), 5) == 1
    assert shortest_subarray_at_least([1, 2, 3], 6) == 3


@pytest.mark.parametrize("nums", [None, 7, "12", b"12", {1: 2}, iter([1])])
def test_nums_not_a_sequence(nums):
    with pytest.raises(TypeError, match="nums"):
        shortest_subarray_at_least(nums, 3)


@pytest.mark.parametrize("bad", [2.5, "2", None, True])
def test_nums_with_a_non_integer(bad):
    with pytest.raises(TypeError, match=r"nums\[0\]"):
        shortest_subarray_at_least([bad], 3)


@pytest.mark.parametrize("target", [3.0, "3", None, True])
def test_target_not_an_integer(target):
    with pytest.raises(TypeError, match="target"):
        shortest_subarray_at_least([1, 2], target)


@pytest.mark.parametrize("target", [0, -4])
def test_target_not_positive(target):
    with pytest.raises(ValueError, match="target must be positive"):
        shortest_subarray_at_least([1, 2], target)


def test_negative_number():
    with pytest.raises(ValueError, match=r"nums\[1\]"):
        shortest_subarray_at_least([1, -2, 3], 3)


# --- LeetCode 862: any signs, monotonic deque --------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(nums=st.lists(st.integers(-20, 20), max_size=30), target=st.integers(-40, 80))
def test_any_matches_brute_force_with_negative_numbers(nums, target):
    assert shortest_subarray_at_least_any(nums, target) == brute_force.shortest_at_least(nums, target)


@settings(max_examples=200, deadline=None)
@given(nums=st.lists(st.integers(0, 20), max_size=30), target=st.integers(1, 120))
def test_any_agrees_with_the_window_on_non_negative_input(nums, target):
    assert shortest_subarray_at_least_any(nums, target) == shortest_subarray_at_least(nums, target)


@pytest.mark.parametrize(
    ("nums", "k", "leetcode_answer"),
    [([1], 1, 1), ([1, 2], 4, -1), ([2, -1, 2], 3, 3)],
)
def test_leetcode_862_examples(nums, k, leetcode_answer):
    # LeetCode 862 answers -1 when there is no such subarray; this package answers 0, like 209
    assert (shortest_subarray_at_least_any(nums, k) or -1) == leetcode_answer


def test_any_where_the_window_would_be_wrong():
    # [84, -37, 32, 40, 95], k = 167: [32, 40, 95] sums to exactly 167
    assert shortest_subarray_at_least_any([84, -37, 32, 40, 95], 167) == 3
    assert shortest_subarray_at_least_any([], 1) == 0
    assert shortest_subarray_at_least_any([-1, -2], 0) == 0
    assert shortest_subarray_at_least_any([-1, -2], -1) == 1  # non-positive targets work too


@pytest.mark.parametrize("nums", [None, 7, "12", b"12", {1: 2}, iter([1])])
def test_any_nums_not_a_sequence(nums):
    with pytest.raises(TypeError, match="nums"):
        shortest_subarray_at_least_any(nums, 3)


@pytest.mark.parametrize("target", [3.0, "3", None, True])
def test_any_target_not_an_integer(target):
    with pytest.raises(TypeError, match="target"):
        shortest_subarray_at_least_any([1, 2], target)


def test_any_nums_with_a_non_integer():
    with pytest.raises(TypeError, match=r"nums\[1\]"):
        shortest_subarray_at_least_any([1, 2.0], 3)
