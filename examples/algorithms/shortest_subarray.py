"""Shortest contiguous subarray with sum >= target (LeetCode 209).

The mirror image of R1-11: R1-11 asks for the LONGEST subarray whose sum is at
most ``s``; LeetCode 209 asks for the SHORTEST subarray whose sum is at least
``target``. Both are solved by a sliding window over non-negative numbers.
"""

from __future__ import annotations

# --8<-- [start:setup]
from collections.abc import Sequence

from examples.algorithms._validation import as_int, as_int_list, check_non_negative
# --8<-- [end:setup]


# --8<-- [start:window]
def shortest_subarray_at_least(nums: Sequence[int], target: int) -> int:
    """Length of the shortest contiguous subarray of ``nums`` with sum >= ``target``.

    Sliding window: extend to the right; while the window's sum reaches
    ``target``, record its length and drop elements from the left to look for a
    shorter one. Each index enters and leaves the window at most once: O(n) time,
    O(1) extra space.

    Args:
        nums: n non-negative integers (shape (n,)); LeetCode 209 has
            1 <= nums[i] <= 10^4. May be empty.
        target: the positive lower bound on the sum.

    Returns:
        The smallest length, or 0 if no subarray reaches ``target``
        (also 0 for an empty ``nums``).

    Raises:
        TypeError: if ``nums`` is not a sequence of integers or ``target`` is not an integer.
        ValueError: if ``target`` is not positive or a number in ``nums`` is negative.
    """
    nums = as_int_list(nums, "nums")
    target = as_int(target, "target")
    if target <= 0:
        raise ValueError(f"target must be positive, got {target}")
    check_non_negative(nums, "nums")

    best = len(nums) + 1  # longer than any real subarray
    left = 0  # the window is nums[left:right + 1]
    window_sum = 0
    for right, x in enumerate(nums):
        window_sum += x
        while window_sum >= target:  # valid: record it, then try a shorter one
            best = min(best, right - left + 1)
            window_sum -= nums[left]
            left += 1
    return 0 if best > len(nums) else best
# --8<-- [end:window]


if __name__ == "__main__":
    print(shortest_subarray_at_least([2, 3, 1, 2, 4, 3], 7))  # 2: [4, 3]
