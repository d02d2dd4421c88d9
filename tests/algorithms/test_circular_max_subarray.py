"""Tests for examples.algorithms.circular_max_subarray (LeetCode 918)."""

import pytest
from hypothesis import given, settings, strategies as st

from examples.algorithms import max_circular_subarray_sum, max_subarray_sum
from tests.algorithms import brute_force


@settings(max_examples=300, deadline=None)
@given(nums=st.lists(st.integers(-20, 20), min_size=1, max_size=20))
def test_matches_brute_force(nums):
    assert max_circular_subarray_sum(nums) == brute_force.max_circular_sum(nums)


@settings(max_examples=100, deadline=None)
@given(nums=st.lists(st.integers(-20, -1), min_size=1, max_size=20))
def test_all_negative_gives_the_largest_element(nums):
    assert max_circular_subarray_sum(nums) == max(nums)


@settings(max_examples=100, deadline=None)
@given(nums=st.lists(st.integers(-20, 20), min_size=1, max_size=20))
def test_never_below_the_straight_answer(nums):
    assert max_circular_subarray_sum(nums) >= max_subarray_sum(nums)


@pytest.mark.parametrize(
    ("nums", "expected"),
    [([1, -2, 3, -2], 3), ([5, -3, 5], 10), ([-3, -2, -3], -2)],
)
def test_leetcode_918_examples(nums, expected):
    assert max_circular_subarray_sum(nums) == expected == brute_force.max_circular_sum(nums)


def test_each_element_at_most_once():
    # all positive: the whole array, not the array twice
    assert max_circular_subarray_sum([1, 2, 3]) == 6
    assert max_circular_subarray_sum([0]) == 0


def test_empty_input():
    with pytest.raises(ValueError, match="nums must contain at least one number"):
        max_circular_subarray_sum([])


@pytest.mark.parametrize("nums", [None, 3, "12", iter([1]), [1, 2.5]])
def test_bad_input(nums):
    with pytest.raises(TypeError, match="nums"):
        max_circular_subarray_sum(nums)
