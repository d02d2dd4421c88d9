"""Tests for examples.algorithms.max_subarray (R2-5, LeetCode 53)."""

import pytest
from hypothesis import given, settings, strategies as st

from examples.algorithms import max_subarray, max_subarray_sum, max_subarray_sum_divide, max_subarray_sum_prefix


def brute_force_all(nums: list[int]) -> list[tuple[int, int, int]]:
    """O(n^3) oracle: (sum, start, stop) of every non-empty subarray, summed from scratch."""
    return [
        (sum(nums[start:stop]), start, stop)
        for start in range(len(nums))
        for stop in range(start + 1, len(nums) + 1)
    ]


def brute_force_max(nums: list[int]) -> int:
    return max(total for total, _, _ in brute_force_all(nums))


any_sign = st.lists(st.integers(-20, 20), min_size=1, max_size=25)
SUM_FUNCTIONS = [max_subarray_sum, max_subarray_sum_prefix, max_subarray_sum_divide]


@settings(max_examples=200, deadline=None)
@given(nums=any_sign)
def test_sums_match_brute_force(nums):
    expected = brute_force_max(nums)
    for func in SUM_FUNCTIONS:
        assert func(nums) == expected


@settings(max_examples=200, deadline=None)
@given(nums=any_sign)
def test_indices_are_the_first_ending_longest_best(nums):
    best, start, stop = max_subarray(nums)
    assert 0 <= start < stop <= len(nums)
    assert sum(nums[start:stop]) == best == brute_force_max(nums)
    # documented tie-break: smallest stop, then smallest start
    winners = [(b, a) for total, a, b in brute_force_all(nums) if total == best]
    assert (stop, start) == min(winners)


@settings(max_examples=100, deadline=None)
@given(nums=st.lists(st.integers(-20, -1), min_size=1, max_size=20))
def test_all_negative_gives_the_largest_element(nums):
    for func in SUM_FUNCTIONS:
        assert func(nums) == max(nums)
    best, start, stop = max_subarray(nums)
    assert best == max(nums) and stop - start == 1 and nums[start] == best


@pytest.mark.parametrize(
    ("nums", "expected"),
    [
        ([-2, 1, -3, 4, -1, 2, 1, -5, 4], 6),
        ([1], 1),
        ([5, 4, -1, 7, 8], 23),
    ],
)
def test_leetcode_53_examples(nums, expected):
    for func in SUM_FUNCTIONS:
        assert func(nums) == expected
    assert max_subarray(nums)[0] == expected
    assert brute_force_max(nums) == expected


@settings(max_examples=50, deadline=None)
@given(nums=st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=300))
def test_divide_and_conquer_on_longer_input(nums):
    # longer than the brute force can afford: Kadane is the oracle here, itself checked above
    assert max_subarray_sum_divide(nums) == max_subarray_sum(nums)


def test_divide_and_conquer_split_points():
    # the best subarray crosses the first split, lies left of it, right of it
    assert max_subarray_sum_divide([-1, 3, 4, -1]) == 7
    assert max_subarray_sum_divide([5, 1, -9, -9]) == 6
    assert max_subarray_sum_divide([-9, -9, 2, 2]) == 4


def test_indices_of_the_examples():
    assert max_subarray([-2, 1, -3, 4, -1, 2, 1, -5, 4]) == (6, 3, 7)  # [4, -1, 2, 1]
    assert max_subarray([5, 4, -1, 7, 8]) == (23, 0, 5)
    assert max_subarray([-3, -1, -2]) == (-1, 1, 2)
    assert max_subarray((0, 0)) == (0, 0, 1)


@pytest.mark.parametrize("func", [*SUM_FUNCTIONS, max_subarray])
@pytest.mark.parametrize("nums", [[], (), range(0)])
def test_empty_input(func, nums):
    with pytest.raises(ValueError, match="nums must contain at least one number"):
        func(nums)


@pytest.mark.parametrize("func", [*SUM_FUNCTIONS, max_subarray])
@pytest.mark.parametrize("nums", [None, 3, "12", b"\x01", {1, 2}, iter([1])])
def test_nums_not_a_sequence(func, nums):
    with pytest.raises(TypeError, match="nums"):
        func(nums)


@pytest.mark.parametrize("func", [*SUM_FUNCTIONS, max_subarray])
@pytest.mark.parametrize("bad", [1.5, "1", None, False])
def test_nums_with_a_non_integer(func, bad):
    with pytest.raises(TypeError, match=r"nums\[2\]"):
        func([1, 2, bad])
