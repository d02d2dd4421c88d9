"""Brute-force oracles for the array problems: every subarray (or rectangle), checked one by one.

Deliberately naive and independent of the code under test: no prefix sums, no windows, each
subarray summed (or multiplied) from scratch.
"""

from __future__ import annotations

from math import prod


def subarrays(nums: list[int]) -> list[tuple[int, int]]:
    """Every non-empty subarray as ``(start, stop)``, half-open."""
    return [(i, j) for i in range(len(nums)) for j in range(i + 1, len(nums) + 1)]


def longest_at_most(nums: list[int], s: int) -> int:
    return max((j - i for i, j in subarrays(nums) if sum(nums[i:j]) <= s), default=0)


def shortest_at_least(nums: list[int], target: int) -> int:
    return min((j - i for i, j in subarrays(nums) if sum(nums[i:j]) >= target), default=0)


def count_at_most(nums: list[int], s: int) -> int:
    return sum(1 for i, j in subarrays(nums) if sum(nums[i:j]) <= s)


def max_sum(nums: list[int]) -> int:
    return max(sum(nums[i:j]) for i, j in subarrays(nums))


def max_circular_sum(nums: list[int]) -> int:
    """Every start and every length 1..n on the array read twice."""
    n = len(nums)
    doubled = nums + nums
    return max(sum(doubled[start:start + length]) for start in range(n) for length in range(1, n + 1))


def max_product(nums: list[int]) -> int:
    return max(prod(nums[i:j]) for i, j in subarrays(nums))


def rectangle_sum(matrix: list[list[int]], top: int, bottom: int, left: int, right: int) -> int:
    return sum(sum(row[left:right]) for row in matrix[top:bottom])


def max_rectangle_sum(matrix: list[list[int]]) -> int:
    rows, cols = len(matrix), len(matrix[0])
    return max(
        rectangle_sum(matrix, top, bottom, left, right)
        for top, bottom in subarrays(list(range(rows)))
        for left, right in subarrays(list(range(cols)))
    )
