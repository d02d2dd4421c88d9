"""Tests for examples.algorithms.max_product_subarray (LeetCode 152)."""

import pytest
from hypothesis import given, settings, strategies as st

from examples.algorithms import max_product_subarray
from tests.algorithms import brute_force


@settings(max_examples=300, deadline=None)
@given(nums=st.lists(st.integers(-10, 10), min_size=1, max_size=20))
def test_matches_brute_force(nums):
    assert max_product_subarray(nums) == brute_force.max_product(nums)


@settings(max_examples=100, deadline=None)
@given(nums=st.lists(st.sampled_from([-3, -2, -1, 0, 2]), min_size=1, max_size=20))
def test_matches_brute_force_with_many_signs_and_zeros(nums):
    assert max_product_subarray(nums) == brute_force.max_product(nums)


@pytest.mark.parametrize(("nums", "expected"), [([2, 3, -2, 4], 6), ([-2, 0, -1], 0)])
def test_leetcode_152_examples(nums, expected):
    assert max_product_subarray(nums) == expected == brute_force.max_product(nums)


def test_two_negatives_make_the_best_product():
    assert max_product_subarray([-2, 3, -4]) == 24  # the whole array
    assert max_product_subarray([-2]) == -2  # a single negative number is its own answer
    assert max_product_subarray([-2, 0]) == 0


def test_no_overflow():
    assert max_product_subarray([10] * 40) == 10**40  # beyond 64 bits, exact


def test_empty_input():
    with pytest.raises(ValueError, match="nums must contain at least one number"):
        max_product_subarray([])


@pytest.mark.parametrize("nums", [None, 3, "12", iter([1]), [1, 0.5]])
def test_bad_input(nums):
    with pytest.raises(TypeError, match="nums"):
        max_product_subarray(nums)
